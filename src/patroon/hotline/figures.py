"""Response-time figures per shift for the team lead. Pure Python over plain tuples.

Shifts follow the usual 24/7 rota: night 23:00-07:00, day 07:00-15:00, evening 15:00-23:00
(local time). A conversation belongs to the shift in which it arrived; its response time is
the time to the first operator reply. Conversations still unanswered are counted apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SHIFTS = (("night", 23, 7), ("day", 7, 15), ("evening", 15, 23))


def shift_of(moment: datetime) -> tuple[date, str]:
    """(shift date, shift name); a night shift is dated by the evening it starts."""
    local = moment.astimezone(AMSTERDAM)
    hour = local.hour
    if hour >= 23:
        return local.date(), "night"
    if hour < 7:
        return local.date() - timedelta(days=1), "night"
    return local.date(), "day" if hour < 15 else "evening"


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(share * (len(ordered) - 1)))))
    return ordered[index]


@dataclass(frozen=True)
class ShiftFigures:
    shift_date: date
    shift: str
    conversations: int
    answered: int
    unanswered: int
    danger: int
    median_minutes: float | None
    p90_minutes: float | None
    max_minutes: float | None


def per_shift(rows: list[tuple[datetime, datetime | None, bool]]) -> list[ShiftFigures]:
    """``rows``: (arrived, first answered or None, danger). Newest shift first."""
    buckets: dict[tuple[date, str], list] = {}
    for arrived, answered, danger in rows:
        buckets.setdefault(shift_of(arrived), []).append((arrived, answered, danger))
    out = []
    for (day, name), items in buckets.items():
        waits = [(a2 - a1).total_seconds() / 60 for a1, a2, _ in items if a2 is not None]
        out.append(
            ShiftFigures(
                shift_date=day,
                shift=name,
                conversations=len(items),
                answered=len(waits),
                unanswered=len(items) - len(waits),
                danger=sum(1 for *_, d in items if d),
                median_minutes=_round(_percentile(waits, 0.5)),
                p90_minutes=_round(_percentile(waits, 0.9)),
                max_minutes=_round(max(waits) if waits else None),
            )
        )
    chronological = {"day": 0, "evening": 1, "night": 2}
    out.sort(key=lambda f: (f.shift_date, chronological[f.shift]), reverse=True)
    return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
