"""Evaluates the red-flag rules over one victim's timeline. Pure Python.

Dyad-scope rules run once per alleged perpetrator named with the victim; victim-scope rules
(e.g. several family members) run over everything that concerns her. The result is a list
of firings with their evidence; storing, deduplicating and routing them is the service's job.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from patroon.patterns.rulebook import Rule, RuleBook
from patroon.patterns.timeline import Context, Entry


@dataclass(frozen=True)
class Firing:
    rule: Rule
    perpetrator_ref: uuid.UUID | None
    evidence: tuple[Entry, ...]


def dyads(entries: Sequence[Entry]) -> dict[uuid.UUID, list[Entry]]:
    """The victim's entries split per alleged perpetrator, keeping date order."""
    split: dict[uuid.UUID, list[Entry]] = {}
    for entry in entries:
        if entry.perpetrator_ref is not None:
            split.setdefault(entry.perpetrator_ref, []).append(entry)
    return split


def evaluate(
    book: RuleBook,
    entries: Sequence[Entry],
    as_of: int,
    context: Context = Context(),
    perpetrators: set[uuid.UUID] | None = None,
) -> list[Firing]:
    """Rules that hold on ``as_of`` for this victim. ``entries`` must be sorted by date.

    ``perpetrators`` limits dyad rules to the dyads touched by new signals (incremental path).
    """
    firings: list[Firing] = []
    if not entries:
        return firings
    per_dyad = dyads(entries)
    for rule in book.rules:
        horizon = rule.horizon
        if horizon is not None and entries[-1].occurred < as_of - horizon:
            continue  # nothing recent enough on her whole timeline
        if rule.scope == "victim":
            hits = rule.condition.evidence(entries, as_of, context)
            if hits:
                firings.append(Firing(rule, None, hits))
            continue
        for perpetrator, dyad_entries in per_dyad.items():
            if perpetrators is not None and perpetrator not in perpetrators:
                continue
            if horizon is not None and dyad_entries[-1].occurred < as_of - horizon:
                continue
            hits = rule.condition.evidence(dyad_entries, as_of, context)
            if hits:
                firings.append(Firing(rule, perpetrator, hits))
    return firings
