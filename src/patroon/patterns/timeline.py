"""The shape the rule engine reads: one victim's signals as plain, date-sorted entries.

Pure Python. Dates are proleptic ordinals (``date.toordinal()``) so windows are integer
arithmetic; the sweep builds hundreds of thousands of these per second.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Entry:
    """One signal as it concerns one victim (and one alleged perpetrator, if named)."""

    signal_id: uuid.UUID
    occurred: int
    organisation_id: int
    organisation_kind: str
    perpetrator_ref: uuid.UUID | None
    behaviours: frozenset[str]
    severity: int
    relationship: str
    has_child: bool
    reported: float = 0.0

    def sort_key(self) -> tuple[int, float]:
        return (self.occurred, self.reported)


@dataclass(frozen=True, slots=True)
class Context:
    """Facts about the victim that do not come from signals (e.g. an open case)."""

    open_case: bool = False
