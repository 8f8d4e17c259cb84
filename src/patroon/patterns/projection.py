"""How a signal becomes timeline entries: one per victim and named alleged perpetrator. Pure.

A signal without a victim (for example a police note about a man only) has no timeline of
its own here; it reaches a victim's pattern once a signal names both.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

VICTIM, PERPETRATOR, CHILD = "victim", "alleged_perpetrator", "child"
CHILD_BEHAVIOURS = frozenset({"children_witnessing", "threats_involving_children"})


@dataclass(frozen=True, slots=True)
class EntryRow:
    victim_ref: uuid.UUID
    perpetrator_ref: uuid.UUID | None
    signal_id: uuid.UUID
    organisation_id: int
    organisation_kind: str
    occurred: date
    reported_at: datetime
    relationship: str
    behaviours: str
    severity: int
    has_child: bool


def project(
    signal_id: uuid.UUID,
    organisation_id: int,
    organisation_kind: str,
    occurred: date,
    reported_at: datetime,
    relationship: str,
    behaviours: Iterable[str],
    persons: Iterable[tuple[uuid.UUID, str]],
    severity_of: Mapping[str, int],
) -> list[EntryRow]:
    codes = sorted(set(behaviours))
    persons = list(persons)
    victims = list(dict.fromkeys(ref for ref, role in persons if role == VICTIM))
    perpetrators = list(dict.fromkeys(ref for ref, role in persons if role == PERPETRATOR)) or [
        None
    ]
    severity = max((severity_of.get(code, 0) for code in codes), default=0)
    has_child = any(role == CHILD for _, role in persons) or not CHILD_BEHAVIOURS.isdisjoint(codes)
    joined = " ".join(codes)
    return [
        EntryRow(
            victim,
            perpetrator,
            signal_id,
            organisation_id,
            organisation_kind,
            occurred,
            reported_at,
            relationship,
            joined,
            severity,
            has_child,
        )
        for victim in victims
        for perpetrator in perpetrators
        if perpetrator != victim
    ]
