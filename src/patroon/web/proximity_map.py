"""Lays out a device pair's zones and last positions for an inline SVG map. Pure Python.

No tile server and no script: positions are projected onto a flat local frame in metres
around the victim device (equirectangular, exact enough at a few kilometres) and drawn by the
template. The picture holds pixels only, never a coordinate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from patroon.proximity.geo import EARTH_RADIUS_M, haversine_m

WIDTH = 640
MIN_HEIGHT, MAX_HEIGHT = 360, 520
MIN_SPAN_M = 400.0
MARGIN = 0.08
VICTIM_DEVICE = "victim_device"


@dataclass(frozen=True)
class Circle:
    cx: float
    cy: float
    r: float


@dataclass(frozen=True)
class ZoneShape:
    name: str
    kind: str
    active: bool
    circle: Circle | None
    points: str  # "x,y x,y ..." for a polygon; empty for a circle
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Marker:
    device: str
    kind: str
    x: float
    y: float
    accuracy: Circle
    alert: Circle | None  # the alert radius round a victim device
    inner: Circle | None
    label_left: bool  # near the right edge the label goes left of the marker


@dataclass(frozen=True)
class Scale:
    x: float
    y: float
    length: float
    metres: int


@dataclass(frozen=True)
class MapView:
    width: int
    height: int
    zones: list[ZoneShape]
    markers: list[Marker]
    scale: Scale
    distance_m: float | None  # between the ankle monitor and the nearest victim device


def _nice_length(span_m: float) -> int:
    """1, 2 or 5 times a power of ten, about a quarter of the width."""
    target = span_m / 4
    power = 10 ** math.floor(math.log10(target))
    return int(max(step * power for step in (1, 2, 5) if step * power <= target))


def layout(zones, devices, alert_radius_m: float, inner_radius_m: float) -> MapView | None:
    """``zones``: ZoneView; ``devices``: DeviceView (both from ``proximity.selectors``)."""
    placed = [d for d in devices if d.position is not None]
    points = [(d.position[0], d.position[1]) for d in placed]
    for zone in zones:
        geometry = zone.geometry
        points += [tuple(geometry["center"])] if "center" in geometry else geometry["vertices"]
    if not points:
        return None
    victims = [d for d in placed if d.kind == VICTIM_DEVICE]
    lat0, lon0 = (
        victims[0].position[:2]
        if victims
        else (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))
    )
    east = math.radians(1) * math.cos(math.radians(lat0)) * EARTH_RADIUS_M
    north = math.radians(1) * EARTH_RADIUS_M

    def metres(lat: float, lon: float) -> tuple[float, float]:
        return (lon - lon0) * east, (lat - lat0) * north

    boxes = []  # (x, y, radius) in metres, north up
    for zone in zones:
        geometry = zone.geometry
        if "center" in geometry:
            boxes.append((*metres(*geometry["center"]), float(geometry["radius_m"])))
        else:
            boxes += [(*metres(*v), 0.0) for v in geometry["vertices"]]
    for device in placed:
        radius = alert_radius_m if device.kind == VICTIM_DEVICE else device.position[2]
        boxes.append((*metres(*device.position[:2]), radius))
    left = min(x - r for x, _, r in boxes)
    right = max(x + r for x, _, r in boxes)
    bottom = min(y - r for _, y, r in boxes)
    top = max(y + r for _, y, r in boxes)
    span_x = max(right - left, MIN_SPAN_M) * (1 + 2 * MARGIN)
    span_y = max(top - bottom, MIN_SPAN_M) * (1 + 2 * MARGIN)
    height = round(min(MAX_HEIGHT, max(MIN_HEIGHT, WIDTH * span_y / span_x)))
    scale = min(WIDTH / span_x, height / span_y)  # pixels per metre, equal both ways
    mid_x, mid_y = (left + right) / 2, (bottom + top) / 2

    def pixel(x: float, y: float) -> tuple[float, float]:
        return round(WIDTH / 2 + (x - mid_x) * scale, 1), round(height / 2 - (y - mid_y) * scale, 1)

    def circle(x: float, y: float, radius_m: float) -> Circle:
        cx, cy = pixel(x, y)
        return Circle(cx, cy, round(max(radius_m * scale, 0.5), 1))

    shapes = []
    for zone in zones:
        geometry = zone.geometry
        if "center" in geometry:
            ring = circle(*metres(*geometry["center"]), float(geometry["radius_m"]))
            shapes.append(
                ZoneShape(
                    zone.name,
                    zone.kind,
                    zone.active,
                    ring,
                    "",
                    ring.cx,
                    round(ring.cy - ring.r - 6, 1),
                )
            )
        else:
            corners = [pixel(*metres(*v)) for v in geometry["vertices"]]
            shapes.append(
                ZoneShape(
                    zone.name,
                    zone.kind,
                    zone.active,
                    None,
                    " ".join(f"{x},{y}" for x, y in corners),
                    round(sum(x for x, _ in corners) / len(corners), 1),
                    min(y for _, y in corners) - 6,
                )
            )
    markers = []
    for device in placed:
        x, y = metres(*device.position[:2])
        victim = device.kind == VICTIM_DEVICE
        markers.append(
            Marker(
                device=device.id,
                kind=device.kind,
                x=pixel(x, y)[0],
                y=pixel(x, y)[1],
                accuracy=circle(x, y, device.position[2]),
                alert=circle(x, y, alert_radius_m) if victim else None,
                inner=circle(x, y, inner_radius_m) if victim else None,
                label_left=pixel(x, y)[0] > WIDTH * 0.6,
            )
        )
    length = _nice_length(WIDTH / scale)
    wearers = [d for d in placed if d.kind != VICTIM_DEVICE]
    distance = (
        min(haversine_m(*w.position[:2], *v.position[:2]) for w in wearers for v in victims)
        if wearers and victims
        else None
    )
    return MapView(
        WIDTH,
        height,
        shapes,
        markers,
        Scale(16, height - 18, round(length * scale, 1), length),
        distance,
    )
