"""Static exclusion zones (circle or polygon) with an optional weekly schedule. Pure Python."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from patroon.proximity.geo import EARTH_RADIUS_M, haversine_m, polygon_distance_m

LOCAL_TIME = ZoneInfo("Europe/Amsterdam")
# Beyond this a zone's exact distance does not matter (only "far outside" does): a cheap
# lower bound answers instead. Most pings are kilometres from most zones.
FAR_M = 5_000.0


@dataclass(frozen=True)
class Window:
    """A weekly window in Dutch local time; ``weekday`` 0 is Monday. ``end`` before ``start``
    runs past midnight into the next day (a night-time ban)."""

    weekday: int
    start: time
    end: time

    def covers(self, local: datetime) -> bool:
        moment = local.time()
        if self.start <= self.end:
            return local.weekday() == self.weekday and self.start <= moment < self.end
        return (local.weekday() == self.weekday and moment >= self.start) or (
            local.weekday() == (self.weekday + 1) % 7 and moment < self.end
        )


@dataclass(frozen=True)
class Zone:
    """Give ``center`` and ``radius_m`` for a circle, or ``vertices`` (lat, lon) for a polygon.
    An empty schedule means the zone always applies."""

    name: str
    center: tuple[float, float] | None = None
    radius_m: float = 0.0
    vertices: tuple[tuple[float, float], ...] = ()
    schedule: tuple[Window, ...] = ()

    def __post_init__(self):
        if (self.center is None) == (not self.vertices):
            raise ValueError(f"zone {self.name!r}: give either a center and radius or vertices")
        if self.vertices and len(self.vertices) < 3:
            raise ValueError(f"zone {self.name!r}: a polygon needs at least 3 vertices")
        object.__setattr__(self, "_bounds", self._bounding_circle())

    def active_at(self, moment: datetime) -> bool:
        if not self.schedule:
            return True
        local = moment.astimezone(LOCAL_TIME)
        return any(window.covers(local) for window in self.schedule)

    def _bounding_circle(self) -> tuple[float, float, float]:
        """A circle round the zone: centre (lat, lon) and radius in metres."""
        if self.center is not None:
            return self.center[0], self.center[1], self.radius_m
        lat = sum(v[0] for v in self.vertices) / len(self.vertices)
        lon = sum(v[1] for v in self.vertices) / len(self.vertices)
        return lat, lon, max(haversine_m(lat, lon, *v) for v in self.vertices)

    def distance_m(self, lat: float, lon: float) -> float:
        """Metres from the point to the zone's edge; 0 when inside. Beyond ``FAR_M`` a lower
        bound (flat-earth distance to the bounding circle, less 1 %)."""
        b_lat, b_lon, b_radius = self._bounds
        # The cosine of the latitude nearer the pole shortens east-west: a lower bound.
        dx = math.radians(lon - b_lon) * math.cos(math.radians(max(abs(lat), abs(b_lat))))
        dy = math.radians(lat - b_lat)
        gap = math.hypot(dx, dy) * EARTH_RADIUS_M * 0.99 - b_radius
        if gap > FAR_M:
            return gap
        if self.center is not None:
            return max(0.0, haversine_m(lat, lon, *self.center) - self.radius_m)
        return polygon_distance_m(lat, lon, self.vertices)
