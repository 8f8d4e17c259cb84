"""Lays out a victim's levels over time as a step picture: time across, the level scale up.
Pure Python. The template draws it as inline SVG (no script, nothing from outside)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from patroon.risk.levels import LEVELS, rank

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 720, 220, 110, 24, 16, 36


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    level: str
    own: bool
    label: str


@dataclass(frozen=True)
class Plot:
    width: int
    height: int
    rows: list[tuple[float, str]]
    points: list[Point]
    path: str
    ticks: list[tuple[float, str]]


def _y(level: str) -> float:
    step = (HEIGHT - TOP - BOTTOM) / (len(LEVELS) - 1)
    return HEIGHT - BOTTOM - rank(level) * step


def layout(history, labels: dict[str, str], describe) -> Plot:
    """``history`` in time order (``at``, ``level``, ``own``); ``describe(point)`` says what a
    marker stands for, for its accessible title."""
    times = [h.at.timestamp() for h in history]
    first, last = (min(times), max(times)) if times else (0.0, 1.0)
    span = max(last - first, 1.0)

    def x(at: datetime) -> float:
        return LEFT + (at.timestamp() - first) / span * (WIDTH - LEFT - RIGHT)

    points = [Point(round(x(h.at), 1), _y(h.level), h.level, h.own, describe(h)) for h in history]
    path = " ".join(f"{p.x},{p.y}" for p in points)
    ticks = []
    for h in (history[0], history[-1]) if history else ():
        tick = (round(x(h.at), 1), h.at.strftime("%d-%m-%Y"))
        if tick not in ticks:
            ticks.append(tick)
    return Plot(
        WIDTH,
        HEIGHT,
        [(_y(level), labels[level]) for level in LEVELS],
        points,
        path,
        ticks,
    )
