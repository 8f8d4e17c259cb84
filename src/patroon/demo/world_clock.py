"""Time arithmetic for the demo world. Pure Python, no time-zone database needed.

Internally every instant is an integer number of minutes (UTC) relative to an epoch: midnight
UTC at the start of the world's first day. Local time is Europe/Amsterdam: UTC+1, and UTC+2
from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC (the EU rule,
valid since 1996). Formatting reuses precomputed day strings, which keeps it fast.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, timedelta, timezone

MINUTES_PER_DAY = 1440
_HISTORY_DAYS = 3 * 366


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month, 31)  # March and October both have 31 days
    return last - timedelta(days=(last.weekday() - 6) % 7)


class Clock:
    """Window [first day 00:00 local, end 00:00 local) and fast conversions."""

    def __init__(self, end: date, years: int) -> None:
        self.end = end
        self.first_day = years_before(end, years)
        self.epoch_ordinal = self.first_day.toordinal()
        self.days = end.toordinal() - self.epoch_ordinal
        bounds: list[int] = []
        for year in range(self.first_day.year - 4, end.year + 2):
            for month in (3, 10):
                day = _last_sunday(year, month).toordinal() - self.epoch_ordinal
                bounds.append(day * MINUTES_PER_DAY + 60)
        self._bounds = bounds
        first = self.local_midnight(0)
        self.start_minute = first
        self.end_minute = self.local_midnight(self.days)
        self._day_offset = _HISTORY_DAYS
        self._day_iso = [
            date.fromordinal(self.epoch_ordinal + i - _HISTORY_DAYS).isoformat()
            for i in range(self.days + _HISTORY_DAYS + 2)
        ]
        self._first_weekday = self.first_day.weekday()
        self._year = [int(iso[:4]) for iso in self._day_iso]

    # -- conversions -------------------------------------------------------------------------
    def offset(self, minute: int) -> int:
        """UTC offset in minutes (60 or 120) at this instant."""
        return 120 if bisect_right(self._bounds, minute) & 1 else 60

    def local_midnight(self, day: int) -> int:
        """The UTC minute of local midnight at the start of day ``day``."""
        guess = day * MINUTES_PER_DAY - 60
        if self.offset(guess) == 120:
            guess = day * MINUTES_PER_DAY - 120
        return guess

    def local(self, minute: int) -> tuple[int, int]:
        """(day index, minute of the local day)."""
        local = minute + self.offset(minute)
        day = local // MINUTES_PER_DAY
        return day, local - day * MINUTES_PER_DAY

    def to_utc(self, day: int, minute_of_day: int) -> int:
        approx = day * MINUTES_PER_DAY + minute_of_day
        return approx - self.offset(approx - 60)

    def weekday(self, day: int) -> int:
        return (self._first_weekday + day) % 7

    def day_iso(self, day: int) -> str:
        index = day + self._day_offset
        if 0 <= index < len(self._day_iso):
            return self._day_iso[index]
        return date.fromordinal(self.epoch_ordinal + day).isoformat()

    def day_of(self, minute: int) -> int:
        return (minute + self.offset(minute)) // MINUTES_PER_DAY

    def date_iso(self, minute: int) -> str:
        return self.day_iso(self.day_of(minute))

    def year_of(self, minute: int) -> int:
        index = (minute + self.offset(minute)) // MINUTES_PER_DAY + self._day_offset
        if 0 <= index < len(self._year):
            return self._year[index]
        return int(self.date_iso(minute)[:4])

    def format(self, minute: int) -> str:
        """ISO 8601 local time with offset, e.g. ``2024-03-05T10:12:00+01:00``."""
        offset = self.offset(minute)
        local = minute + offset
        day = local // MINUTES_PER_DAY
        rest = local - day * MINUTES_PER_DAY
        zone = "+02:00" if offset == 120 else "+01:00"
        return f"{self.day_iso(day)}T{rest // 60:02d}:{rest % 60:02d}:00{zone}"

    def aware(self, minute: int) -> datetime:
        offset = self.offset(minute)
        return datetime.fromisoformat(self.format(minute)).astimezone(
            timezone(timedelta(minutes=offset))
        )

    def ordinal_of_day(self, day: int) -> int:
        return self.epoch_ordinal + day

    def day_of_ordinal(self, ordinal: int) -> int:
        return ordinal - self.epoch_ordinal
