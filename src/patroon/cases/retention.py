"""Which retention categories of a closed case are due. Pure Python."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from patroon.cases.policy import Retention


@dataclass(frozen=True)
class Due:
    category: str
    action: str
    since: datetime


def due_categories(closed_at: datetime | None, now: datetime, policy: Retention) -> list[Due]:
    """Categories whose period after closure has passed (none for a case still open)."""
    if closed_at is None:
        return []
    return [
        Due(cat.id, cat.action, closed_at + timedelta(days=cat.after_days))
        for cat in policy.categories.values()
        if closed_at + timedelta(days=cat.after_days) <= now
    ]
