"""Lays out a timeline as a picture: time across, one lane per organisation. Pure Python.

The template draws the result as inline SVG (no script, nothing from outside), so the page
works without JavaScript and prints. Severity shows as marker size and colour; red flags as
marked lines; lanes of organisations whose content the viewer may not see show only how
many signals they hold and the latest date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

WIDTH, LABEL, LANE, TOP, RIGHT = 960, 210, 48, 34, 24
SEVERITY_COLOURS = {
    0: "#8a8a8a",
    1: "#8a8a8a",
    2: "#b58100",
    3: "#c45500",
    4: "#c4281c",
    5: "#8b0a1a",
}


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    r: float
    colour: str
    signal_id: str
    label: str
    own: bool


@dataclass(frozen=True)
class Lane:
    y: float
    label: str
    kind: str
    visible: bool
    summary: str


@dataclass(frozen=True)
class Flag:
    x: float
    label: str
    severity: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Picture:
    width: int
    height: int
    plot_left: int
    plot_right: int
    lanes: list[Lane]
    markers: list[Marker]
    flags: list[Flag]
    ticks: list[Tick]


def _scale(start: date, end: date):
    span = max((end - start).days, 1)

    def x(day: date) -> float:
        return round(LABEL + (WIDTH - LABEL - RIGHT) * (day - start).days / span, 1)

    return x


def _ticks(start: date, end: date, x) -> list[Tick]:
    span = (end - start).days
    ticks = []
    if span > 540:
        for year in range(start.year + 1, end.year + 1):
            ticks.append(Tick(x(date(year, 1, 1)), str(year)))
    else:
        month = date(start.year, start.month, 1)
        step = 1 if span <= 200 else 3
        while month <= end:
            if month >= start and (month.month - 1) % step == 0:
                ticks.append(Tick(x(month), month.strftime("%m-%Y")))
            month = (month + timedelta(days=32)).replace(day=1)
    return ticks


def layout(lanes_in, items, flags_in, today: date) -> Picture:
    """``lanes_in``: (organisation_id, label, kind, visible, summary) in display order;
    ``items``: (organisation_id, occurred, severity, signal_id, label, own);
    ``flags_in``: (day, label, severity)."""
    days = [it[1] for it in items] + [f[0] for f in flags_in]
    start = min(days, default=today) - timedelta(days=14)
    end = max(max(days, default=today), today) + timedelta(days=7)
    x = _scale(start, end)
    lane_y = {}
    lanes = []
    for index, (org_id, label, kind, visible, summary) in enumerate(lanes_in):
        y = TOP + index * LANE + LANE / 2
        lane_y[org_id] = y
        lanes.append(Lane(y, label, kind, visible, summary))
    markers = [
        Marker(
            x(occurred),
            lane_y[org_id],
            4 + severity * 1.6,
            SEVERITY_COLOURS.get(severity, "#8a8a8a"),
            str(signal_id),
            label,
            own,
        )
        for org_id, occurred, severity, signal_id, label, own in items
        if org_id in lane_y
    ]
    flags = [Flag(x(day), label, severity) for day, label, severity in flags_in]
    height = TOP + max(len(lanes), 1) * LANE + 16
    return Picture(
        WIDTH, height, LABEL, WIDTH - RIGHT, lanes, markers, flags, _ticks(start, end, x)
    )
