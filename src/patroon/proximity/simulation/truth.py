"""Ground truth: what happened, measured on the noise-free paths, not on the pings.

A position event is an *episode* with the engine's own re-arm rule: it starts at the first
moment the true positions meet the condition (within a radius of the victim, inside an active
zone) and ends when they are clearly out again (beyond the radius x (1 + hysteresis), or
further than the re-arm margin from the zone, or the zone's schedule ends). Episodes are
measured every ``FINE_S`` seconds of the interpolated paths, so a start is exact to 5 s.

Positions carry an accuracy circle, and the engine alarms when the circle touches the zone or
radius: on a wearer a few metres outside, before the true positions are in. Such an early alarm
belongs to the episode as long as the wearer did not clearly leave in between, so each episode
also records ``armed_from``: the first moment after the last clearly-out moment before it.

An episode whose condition holds for less than ``min_held_s`` (a car crossing the corner of a
zone) is marked ``brief``: the engine's dwell rule (two pings inside) cannot see it by design,
so it is reported apart and left out of recall; an alarm on it is not a false alarm."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from patroon.proximity.simulation.paths import GRID_S, Path
from patroon.proximity.simulation.scenarios import ZoneSpec
from patroon.proximity.zones import Zone

FINE_S = 5.0
# Positions count as accurate when every reported accuracy in the episode is at most this.
ACCURATE_M = 100.0
# Kinds that describe a situation, not something to detect: they have no recall.
CONTEXT_KINDS = ("motorway_passing", "inaccurate_position")


@dataclass
class TruthEvent:
    pair: str
    kind: str
    devices: tuple[str, ...]
    start: datetime
    end: datetime
    accurate: bool = True
    subject: str | None = None
    brief: bool = False
    detectable_at: datetime | None = None  # first ping (or tick) that could reveal it
    armed_from: datetime | None = None  # since when an alarm on an accuracy circle is for this


def episodes(inside: np.ndarray, out: np.ndarray) -> list[tuple[int, int, int]]:
    """(armed, first, last) sample index of each episode: from ``inside`` until ``out``;
    ``armed`` is the sample after the last ``out`` before ``first`` (0 if there was none)."""
    found, first, armed = [], None, 0
    for index in np.flatnonzero(inside | out):
        if first is None and inside[index]:
            first = index
        elif first is not None and out[index]:
            found.append((armed, first, index))
            first = None
        if out[index]:
            armed = index + 1
    if first is not None:
        found.append((armed, first, len(inside) - 1))
    return found


def zone_distance(spec: ZoneSpec, east: np.ndarray, north: np.ndarray) -> np.ndarray:
    """Metres to the zone's edge, 0 inside (flat plane: zones are a few hundred metres)."""
    if spec.center is not None:
        return np.maximum(
            0.0, np.hypot(east - spec.center[0], north - spec.center[1]) - spec.radius_m
        )
    corners = np.array(spec.vertices)
    inside = np.zeros(east.shape, dtype=bool)
    nearest = np.full(east.shape, np.inf)
    for (ax, ay), (bx, by) in zip(corners, np.roll(corners, -1, axis=0), strict=True):
        crosses = (ay > north) != (by > north)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_at = ax + (north - ay) * (bx - ax) / (by - ay)
        inside ^= crosses & (x_at > east)
        length2 = (bx - ax) ** 2 + (by - ay) ** 2
        t = np.clip(((east - ax) * (bx - ax) + (north - ay) * (by - ay)) / length2, 0, 1)
        nearest = np.minimum(
            nearest, np.hypot(east - ax - t * (bx - ax), north - ay - t * (by - ay))
        )
    return np.where(inside, 0.0, nearest)


def measure(
    pair: str,
    devices: tuple[str, str],
    perpetrator: Path,
    victim: Path,
    zones: list[tuple[ZoneSpec, Zone]],
    config,
    start: datetime,
    duration_s: float,
    min_held_s: float,
) -> list[TruthEvent]:
    """Every approach, close approach and zone breach in the pair's true paths."""
    seconds = np.arange(0.0, duration_s + FINE_S, FINE_S)
    p_east, p_north = perpetrator.at(seconds)
    v_east, v_north = victim.at(seconds)
    distance = np.hypot(p_east - v_east, p_north - v_north)
    moments = [start + timedelta(seconds=float(s)) for s in seconds]
    found = []

    def event(kind, armed, first, last, tracks, subject, held):
        worst = max(
            float(np.max(track.accuracy[_grid_span(seconds, first, last)])) for track in tracks
        )
        found.append(
            TruthEvent(
                pair,
                kind,
                devices if len(tracks) == 2 else devices[:1],
                moments[first],
                moments[last],
                accurate=worst <= ACCURATE_M,
                subject=subject,
                brief=int(held[first : last + 1].sum()) * FINE_S < min_held_s,
                armed_from=moments[armed],
            )
        )

    for kind, radius in (
        ("approach", config.alert_radius_m),
        ("close_approach", config.inner_radius_m),
    ):
        if distance.min() <= radius:
            out = distance > radius * (1 + config.hysteresis)
            held = distance <= radius
            for armed, first, last in episodes(held, out):
                event(kind, armed, first, last, (perpetrator, victim), devices[1], held)
    for spec, zone in zones:
        to_zone = zone_distance(spec, p_east, p_north)
        if to_zone.min() > 0:
            continue
        active = np.array([zone.active_at(moment) for moment in moments])
        out = (to_zone > config.zone_rearm_margin_m) | ~active
        held = (to_zone == 0) & active
        for armed, first, last in episodes(held, out):
            event("zone_breach", armed, first, last, (perpetrator,), spec.name, held)
    return found


def _grid_span(seconds: np.ndarray, first: int, last: int) -> slice:
    return slice(int(seconds[first] // GRID_S), int(seconds[last] // GRID_S) + 2)
