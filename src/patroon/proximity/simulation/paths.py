"""Device paths on the simulation grid, in metres east/north of the pair's anchor.

A path is three arrays over the grid (one point per ``GRID_S`` seconds): east, north and the
accuracy the device will report there. Pings interpolate linearly between grid points, and the
ground truth is computed from the same interpolation, so truth and pings share one geometry.
Real traces are replayed back and forth (a trace shorter than the run turns round at its end),
rotated and moved; synthetic routes are straight legs between waypoints with stops."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from patroon.proximity.simulation.traces import Trace

GRID_S = 30
# A drawn route reports accuracy 1 m; no phone does that outdoors.
MIN_ACCURACY_M = 8.0


@dataclass
class Path:
    east: np.ndarray
    north: np.ndarray
    accuracy: np.ndarray

    def at(self, seconds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        grid = np.arange(len(self.east)) * GRID_S
        return np.interp(seconds, grid, self.east), np.interp(seconds, grid, self.north)


def grid_times(points: int) -> np.ndarray:
    return np.arange(points, dtype=float) * GRID_S


def polar(distance_m: float, bearing: float) -> tuple[float, float]:
    return distance_m * math.sin(bearing), distance_m * math.cos(bearing)


def replay(
    trace: Trace, rng: np.random.Generator, points: int, centre: tuple[float, float]
) -> Path:
    """The trace from a random moment, rotated at random, its middle moved to ``centre``."""
    duration = trace.duration_s
    tau = (rng.uniform(0, duration) + grid_times(points)) % (2 * duration)
    tau = np.where(tau > duration, 2 * duration - tau, tau)
    east = np.interp(tau, trace.seconds, trace.east_m)
    north = np.interp(tau, trace.seconds, trace.north_m)
    return _placed(trace, rng, east, north, tau, centre, middle=(east.mean(), north.mean()))


def replay_through(
    trace: Trace,
    rng: np.random.Generator,
    points: int,
    trace_s: float,
    sim_s: float,
    through: tuple[float, float],
) -> Path:
    """The trace re-timed so that its moment ``trace_s`` falls at ``sim_s`` and placed there at
    ``through``; before and after the trace the device waits at its ends."""
    tau = np.clip(grid_times(points) - sim_s + trace_s, 0, trace.duration_s)
    east = np.interp(tau, trace.seconds, trace.east_m)
    north = np.interp(tau, trace.seconds, trace.north_m)
    pivot = (
        float(np.interp(trace_s, trace.seconds, trace.east_m)),
        float(np.interp(trace_s, trace.seconds, trace.north_m)),
    )
    return _placed(trace, rng, east, north, tau, through, middle=pivot)


def heading_at(path: Path, seconds: float) -> float:
    """The bearing (radians from north) the path travels at ``seconds``."""
    (e0, e1), (n0, n1) = path.at(np.array([seconds - GRID_S, seconds + GRID_S]))
    return math.atan2(e1 - e0, n1 - n0)


def _placed(trace, rng, east, north, tau, centre, middle) -> Path:
    angle = rng.uniform(0, 2 * math.pi)
    cos, sin = math.cos(angle), math.sin(angle)
    east, north = east - middle[0], north - middle[1]
    accuracy = np.maximum(np.interp(tau, trace.seconds, trace.accuracy_m), MIN_ACCURACY_M)
    return Path(
        east=cos * east - sin * north + centre[0],
        north=sin * east + cos * north + centre[1],
        accuracy=accuracy,
    )


def route(points: int, waypoints: list[tuple[float, float, float]], accuracy: np.ndarray) -> Path:
    """Straight legs between ``(seconds, east, north)`` waypoints; still before the first and
    after the last."""
    seconds, east, north = (
        np.array(column, dtype=float) for column in zip(*waypoints, strict=True)
    )
    grid = grid_times(points)
    return Path(np.interp(grid, seconds, east), np.interp(grid, seconds, north), accuracy)


def leg_seconds(start: tuple[float, float], end: tuple[float, float], kmh: float) -> float:
    return math.dist(start, end) / (kmh / 3.6)


def accuracy(rng: np.random.Generator, points: int, low: float, high: float) -> np.ndarray:
    """Accuracy drifting slowly between ``low`` and ``high`` metres, as a phone reports it."""
    steps = rng.normal(0, (high - low) / 6, points).cumsum()
    return np.clip((low + high) / 2 + steps, low, high)
