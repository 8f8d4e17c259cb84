"""Static exclusion zones (circle or polygon) with an optional weekly schedule. Pure Python."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from patroon.proximity.geo import haversine_m, polygon_distance_m

LOCAL_TIME = ZoneInfo("Europe/Amsterdam")


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

    def active_at(self, moment: datetime) -> bool:
        local = moment.astimezone(LOCAL_TIME)
        return not self.schedule or any(window.covers(local) for window in self.schedule)

    def distance_m(self, lat: float, lon: float) -> float:
        """Metres from the point to the zone's edge; 0 when inside."""
        if self.center is not None:
            return max(0.0, haversine_m(lat, lon, *self.center) - self.radius_m)
        return polygon_distance_m(lat, lon, self.vertices)
