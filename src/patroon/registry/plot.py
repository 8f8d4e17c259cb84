"""Bar charts as SVG geometry for the dashboard and the annual report. Pure Python; the
templates draw them as inline SVG (no script, nothing from outside, works offline and in a
PDF). The provisional period is drawn hatched and labelled."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 720, 260, 48, 12, 16, 48


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int
    provisional: bool
    show_label: bool


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    gridlines: list[tuple[float, str]]
    baseline: float
    title: str


def _nice_max(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if value <= step * 5:
            return step * 5 if value > 0 else 5
    return value


def bars(series: list[tuple[str, int]], title: str, provisional: str | None = None) -> BarChart:
    """``series``: (label, value) in display order."""
    top = _nice_max(max((v for _, v in series), default=0))
    inner_w = WIDTH - LEFT - RIGHT
    inner_h = HEIGHT - TOP - BOTTOM
    slot = inner_w / max(len(series), 1)
    every = max(1, round(len(series) / 12))
    out = []
    for i, (label, value) in enumerate(series):
        h = inner_h * value / top
        out.append(
            Bar(
                round(LEFT + i * slot + slot * 0.12, 1),
                round(TOP + inner_h - h, 1),
                round(slot * 0.76, 1),
                round(h, 1),
                str(label),
                value,
                provisional is not None and str(label) == str(provisional),
                i % every == 0 or i == len(series) - 1,
            )
        )
    grid = [(round(TOP + inner_h - inner_h * k / 5, 1), str(top * k // 5)) for k in range(0, 6)]
    return BarChart(WIDTH, HEIGHT, out, grid, TOP + inner_h, title)
