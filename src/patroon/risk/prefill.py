"""Suggests answers from the bundled timeline, each with the signals it rests on. Pure Python.

A suggestion is never an answer: the professional confirms, changes or marks it unknown.
Only signals the professional may see are passed in, so a suggestion never reveals content
the organisation may not know.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from patroon.risk.instruments import Instrument


class Evidence(Protocol):
    signal_id: object
    behaviours: list[str]


@dataclass(frozen=True)
class Suggestion:
    answer: str
    evidence: tuple


def suggest(instrument: Instrument, timeline: Iterable[Evidence]) -> dict[str, Suggestion]:
    timeline = list(timeline)
    found: dict[str, Suggestion] = {}
    for item in instrument.items:
        if item.prefill is None:
            continue
        evidence = tuple(e for e in timeline if item.prefill.behaviours.intersection(e.behaviours))
        if evidence:
            found[item.id] = Suggestion(item.prefill.answer, evidence)
    return found
