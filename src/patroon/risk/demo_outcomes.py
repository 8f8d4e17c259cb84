"""A SYNTHETIC outcomes file from the demo world, in the shape a pilot region would deliver.

Each victim is assessed at her first signal naming an alleged perpetrator, with every
instrument prefilled from her timeline up to that day (items without evidence answered no, or
yellow); outcomes are what the generator's ground truth says happened in the year after.
This measures prefill-only instruments on generated data with assumed proportions: it shows
the bench works, not how well any instrument predicts real violence.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from patroon.risk.instruments import Instrument, instruments
from patroon.risk.levels import rank
from patroon.risk.prefill import suggest
from patroon.risk.scoring import score

FIELDS = (
    "synthetic",
    "assessment_id",
    "instrument",
    "region",
    "age_band",
    "assessed_on",
    "score",
    "level",
    "revictimisation",
    "severe_violence",
    "femicide_or_attempt",
)
FOLLOW_UP = timedelta(days=365)
SEVERE = frozenset({"non_fatal_strangulation", "threat_with_weapon", "sexual_violence"})
AGE_BANDS = ((25, "<25"), (35, "25-34"), (45, "35-44"), (55, "45-54"), (200, "55+"))


@dataclass(frozen=True)
class _Seen:
    signal_id: str
    behaviours: list[str]


def age_band(born: str | None, on: date) -> str:
    if not born:
        return "unknown"
    birth = date.fromisoformat(born)
    years = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return next(label for limit, label in AGE_BANDS if years < limit)


def _measurable(chosen: Instrument) -> bool:
    """Instruments decided by professional judgement cannot be replayed without one."""
    return chosen.scoring.rule != "judgement"


def _answers(chosen: Instrument, seen: list[_Seen]) -> dict[str, str]:
    suggestions = suggest(chosen, seen)
    fallback = {"yes_no": "no", "colour": "yellow"}
    return {
        i.id: suggestions[i.id].answer if i.id in suggestions else fallback[i.answer_type]
        for i in chosen.items
        if i.answer_type in fallback
    }


def _victim_histories(world) -> dict[str, dict]:
    histories: dict[str, dict] = {}
    for _code, payload, person_ids in world.stream():
        on = date.fromisoformat(payload["occurred"]["start"])
        roles = {p["role"] for p in payload["persons"]}
        for pid, person in zip(person_ids, payload["persons"], strict=True):
            if person["role"] != "victim":
                continue
            history = histories.setdefault(pid, {"signals": [], "born": None, "assessed": None})
            history["born"] = history["born"] or person.get("date_of_birth")
            history["signals"].append(
                (on, _Seen(payload["source_reference"], payload["behaviours"]))
            )
            if history["assessed"] is None and "alleged_perpetrator" in roles:
                history["assessed"] = on
    return histories


def rows(world):
    """One row per measurable instrument per assessed victim."""
    histories = _victim_histories(world)
    chosen = [i for i in instruments().values() if _measurable(i)]
    for household in world.iter_households_truth():
        history = histories.get(household["victim"])
        if not history or history["assessed"] is None:
            continue
        assessed = history["assessed"]
        until = assessed + FOLLOW_UP
        before = [s for on, s in history["signals"] if on <= assessed]
        after = [s for on, s in history["signals"] if assessed < on <= until]
        outcome = household["outcome"]
        lethal = bool(outcome) and assessed < date.fromisoformat(outcome["date"]) <= until
        for instrument in chosen:
            result = score(instrument, _answers(instrument, before))
            yield {
                "synthetic": "true",
                "assessment_id": household["household_id"],
                "instrument": instrument.id,
                "region": household["region"],
                "age_band": age_band(history["born"], assessed),
                "assessed_on": assessed.isoformat(),
                "score": result.total if result.total is not None else rank(result.level),
                "level": result.level,
                "revictimisation": int(bool(after)),
                "severe_violence": int(any(SEVERE.intersection(s.behaviours) for s in after)),
                "femicide_or_attempt": int(lethal),
            }


def write(world, path: Path) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        for row in rows(world):
            writer.writerow(row)
            count += 1
    return count
