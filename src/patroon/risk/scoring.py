"""Scores a set of answers with an instrument's published rule. Pure Python.

The result says not only the level but what decided it (a band, a critical item, a part with
enough red signals, the professional's judgement), so every level can be explained and
checked against the instrument's source. ``unknown`` never counts as a yes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from patroon.risk.instruments import Instrument, InstrumentError
from patroon.risk.levels import rank


class Unanswered(ValueError):
    """An item the rule needs has no answer (a scale judgement, for example)."""


@dataclass(frozen=True)
class Result:
    instrument: str
    version: str
    total: float | None
    outcome: str
    level: str
    decided_by: list[str]
    section_totals: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "instrument": self.instrument,
            "version": self.version,
            "total": self.total,
            "outcome": self.outcome,
            "level": self.level,
            "decided_by": self.decided_by,
            "section_totals": self.section_totals,
        }


def check(instrument: Instrument, answers: dict[str, str]) -> None:
    """Refuse answers to unknown items or with answers the item does not allow."""
    for item_id, value in answers.items():
        item = instrument.item(item_id)
        if item is None:
            raise InstrumentError(f"instrument '{instrument.id}': item '{item_id}': unknown item")
        if value not in item.choices:
            raise InstrumentError(
                f"instrument '{instrument.id}': item '{item_id}': answer '{value}' must be one "
                f"of {', '.join(item.choices)}"
            )


def score(instrument: Instrument, answers: dict[str, str]) -> Result:
    check(instrument, answers)
    applicable = {i.id for i in instrument.applicable(answers)}
    given = {k: v for k, v in answers.items() if k in applicable}
    rule = instrument.scoring
    total: float | None = None
    if rule.rule in ("count", "weighted"):
        total, outcome, reason = _banded(instrument, given)
    elif rule.rule == "colour_per_section":
        outcome, reason = _colour_per_section(instrument, given)
    else:
        outcome, reason = _judgement(instrument, given)
    decided_by = [reason]
    for critical in rule.critical:
        if given.get(critical.item) != critical.answer:
            continue
        if _level(instrument, critical.outcome) > _level(instrument, outcome):
            outcome, decided_by = critical.outcome, []
        if critical.outcome == outcome:
            decided_by.append(f"critical item '{critical.item}'")
    return Result(
        instrument.id,
        instrument.version,
        total,
        outcome,
        instrument.outcomes[outcome].level,
        decided_by,
        _section_totals(instrument, given),
    )


def _level(instrument: Instrument, outcome: str) -> int:
    return rank(instrument.outcomes[outcome].level)


def _banded(instrument: Instrument, given: dict[str, str]) -> tuple[float, str, str]:
    rule = instrument.scoring
    weighted = rule.rule == "weighted"
    total = sum(
        instrument.item(item_id).weight if weighted else 1
        for item_id in rule.counted
        if given.get(item_id) == "yes"
    )
    band = [b for b in rule.bands if total >= b.min][-1]
    total = round(total, 2) if weighted else int(total)
    return total, band.outcome, f"total {total} is at least {band.min:g}"


def _colour_per_section(instrument: Instrument, given: dict[str, str]) -> tuple[str, str]:
    rule = instrument.scoring
    for section in instrument.sections:
        hits = sum(
            1
            for i in instrument.items
            if i.section == section.id and given.get(i.id) == rule.colour
        )
        if hits >= rule.at_least:
            return rule.outcome, f"{hits} {rule.colour} in part '{section.id}'"
    return rule.otherwise, f"fewer than {rule.at_least} {rule.colour} in every part"


def _judgement(instrument: Instrument, given: dict[str, str]) -> tuple[str, str]:
    rule = instrument.scoring
    choice = given.get(rule.judgement_item)
    mapping = dict(rule.judgement_outcomes)
    if choice not in mapping:
        raise Unanswered(
            f"instrument '{instrument.id}': item '{rule.judgement_item}': "
            "the professional's judgement is required"
        )
    return mapping[choice], f"professional judgement '{choice}'"


def _section_totals(instrument: Instrument, given: dict[str, str]) -> dict[str, int]:
    """Yes (or red) answers per section: shown next to the level, e.g. the stalking add-on."""
    totals = {s.id: 0 for s in instrument.sections}
    for item in instrument.items:
        if given.get(item.id) in ("yes", "red"):
            totals[item.section] += 1
    return totals
