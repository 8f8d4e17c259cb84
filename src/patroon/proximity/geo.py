"""Distances on the WGS84 sphere and small-polygon geometry. Pure Python: no Django.

Zones are at most a few kilometres across, so polygon tests project onto a local flat plane
around the point (equirectangular); the error is far below GPS accuracy at that scale."""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _local_xy(lat0: float, lon0: float, lat: float, lon: float) -> tuple[float, float]:
    x = math.radians(lon - lon0) * math.cos(math.radians(lat0)) * EARTH_RADIUS_M
    y = math.radians(lat - lat0) * EARTH_RADIUS_M
    return x, y


def _segment_distance(px: float, py: float, a: tuple, b: tuple) -> float:
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def polygon_distance_m(lat: float, lon: float, vertices: tuple[tuple[float, float], ...]) -> float:
    """Metres from the point to the polygon: 0 inside, else to the nearest edge."""
    corners = [_local_xy(lat, lon, vlat, vlon) for vlat, vlon in vertices]
    edges = list(zip(corners, corners[1:] + corners[:1], strict=True))
    inside = False
    for (ax, ay), (bx, by) in edges:  # ray casting from the point (origin) along +x
        if (ay > 0) != (by > 0) and ax + (0 - ay) * (bx - ax) / (by - ay) > 0:
            inside = not inside
    if inside:
        return 0.0
    return min(_segment_distance(0.0, 0.0, a, b) for a, b in edges)
