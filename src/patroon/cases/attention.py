"""What in a case needs the case director's attention now. Pure Python: the selectors feed it
plain tuples, so the rules are tested without a database and stay fast for 200 cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

OVERDUE_ACTION = "overdue_action"
LATE_CONFERENCE = "late_conference"
EXPIRING_MEASURE = "expiring_measure"
NEW_SIGNALS = "new_signals"
BREACH = "breach"
AFTERCARE_DUE = "aftercare_due"

# The order in which a director works through the day.
ORDER = (BREACH, LATE_CONFERENCE, OVERDUE_ACTION, EXPIRING_MEASURE, NEW_SIGNALS, AFTERCARE_DUE)


@dataclass(frozen=True)
class Item:
    kind: str
    due: datetime | date | None
    ref: object = None
    count: int = 1


@dataclass(frozen=True)
class ConferenceRequirement:
    """A conference the case's risk level requires: within ``within`` of ``since``."""

    level: str
    since: datetime
    within: timedelta

    @property
    def deadline(self) -> datetime:
        return self.since + self.within


def overdue_actions(actions, now: datetime) -> list[Item]:
    """``actions``: (id, due_at) of open actions."""
    return [Item(OVERDUE_ACTION, due, ref) for ref, due in actions if due < now]


def late_conference(
    required: ConferenceRequirement | None, conferences, now: datetime
) -> Item | None:
    """``conferences``: (scheduled_at, held_at or None). Late when none was held between the
    level's start and its deadline and the deadline has passed, or when the only conferences
    planned fall after the deadline."""
    if required is None:
        return None
    window = [
        (scheduled, held)
        for scheduled, held in conferences
        if (held or scheduled) >= required.since
    ]
    if any(held is not None and held <= required.deadline for _, held in window):
        return None
    planned_in_time = any(
        held is None and scheduled <= required.deadline for scheduled, held in window
    )
    if now > required.deadline or (window and not planned_in_time):
        return Item(LATE_CONFERENCE, required.deadline, required.level)
    return None


def expiring_measures(measures, today: date, warn_days: int) -> list[Item]:
    """``measures``: (id, ends_on) of active measures; warns from ``warn_days`` before the end
    up to and including the last day."""
    horizon = today + timedelta(days=warn_days)
    return [
        Item(EXPIRING_MEASURE, ends, ref)
        for ref, ends in measures
        if ends is not None and today <= ends <= horizon
    ]


def sort_items(items: list[Item]) -> list[Item]:
    def key(item: Item):
        due = item.due
        if isinstance(due, datetime):
            due = due.date()
        return (ORDER.index(item.kind), due or date.max)

    return sorted(items, key=key)
