"""`patroon bench rules`: what the red-flag rules would have done on the demo world's truth.

Replays the synthetic world in reporting order, evaluates each victim's timeline as every
signal arrives (as intake does), and compares the first alert with the generator's ground
truth: which households escalated, and when the (attempted) femicide happened. Persons are
taken from the ground truth, so the figures describe the rules, not the linkage.

These figures describe the rules on SYNTHETIC data whose proportions are assumptions
(docs/demo-world.md); they say nothing about performance on real cases.
"""

from __future__ import annotations

import bisect
import dataclasses
import statistics
from collections import Counter
from datetime import date, datetime

from patroon.patterns.engine import evaluate
from patroon.patterns.projection import project
from patroon.patterns.rulebook import rulebook
from patroon.patterns.services import severity_table
from patroon.patterns.timeline import Entry

ESCALATING = ("escalating", "attempted_femicide", "femicide")
LETHAL = ("attempted_femicide", "femicide")
NON_ESCALATING = ("single_incident", "recurring")
CAVEAT = (
    "Synthetic demo world: these figures describe the rules on generated data with assumed "
    "proportions, not their performance on real cases."
)


def _entry(row, reported: datetime) -> Entry:
    return Entry(
        row.signal_id,
        row.occurred.toordinal(),
        row.organisation_id,
        row.organisation_kind,
        row.perpetrator_ref,
        frozenset(row.behaviours.split()),
        row.severity,
        row.relationship,
        row.has_child,
        reported.timestamp(),
    )


def replay(world, severities_counted: frozenset[str]) -> dict[str, tuple[date, tuple[str, ...]]]:
    """First alert per true victim id: (date it would have been raised, rules that fired),
    counting only rules of the given alert severities."""
    book = rulebook()
    severities = severity_table()
    book = dataclasses.replace(
        book, rules=tuple(r for r in book.rules if r.severity in severities_counted)
    )
    kinds = {o["code"]: o["kind"] for o in world.organisations}
    org_ids = {code: index for index, code in enumerate(sorted(kinds))}
    timelines: dict[str, list[Entry]] = {}
    first: dict[str, tuple[date, tuple[str, ...]]] = {}
    for code, payload, person_ids in world.stream():
        reported = datetime.fromisoformat(payload["reported_at"])
        rows = project(
            payload["source_reference"],
            org_ids[code],
            kinds[code],
            date.fromisoformat(payload["occurred"]["start"]),
            reported,
            payload["relationship"],
            payload["behaviours"],
            [(pid, p["role"]) for pid, p in zip(person_ids, payload["persons"], strict=True)],
            severities,
        )
        touched: dict[str, set] = {}
        for row in rows:
            timeline = timelines.setdefault(row.victim_ref, [])
            entry = _entry(row, reported)
            bisect.insort(timeline, entry, key=Entry.sort_key)
            touched.setdefault(row.victim_ref, set()).add(row.perpetrator_ref)
        as_of = reported.date().toordinal()
        for victim, perpetrators in touched.items():
            if victim in first:
                continue
            firings = evaluate(book, timelines[victim], as_of, perpetrators=perpetrators)
            if firings:
                first[victim] = (reported.date(), tuple(sorted({f.rule.id for f in firings})))
    return first


def run(households: int, years: int, seed: int, end: date) -> dict:
    from patroon.demo.world import generate_world

    world = generate_world(households=households, years=years, seed=seed, end=end)
    return {
        "benchmark": "rules",
        "caveat": CAVEAT,
        "rules_version": rulebook().version,
        "world": {"households": households, "years": years, "seed": seed, "end": str(end)},
        "all_alerts": _score(world, frozenset({"red", "orange", "yellow"})),
        "red_and_orange_alerts": _score(world, frozenset({"red", "orange"})),
    }


def _score(world, severities: frozenset[str]) -> dict:
    first = replay(world, severities)
    by_pattern: dict[str, list[int]] = {}
    lead_days: list[int] = []
    first_rules: dict[bool, Counter[str]] = {True: Counter(), False: Counter()}
    for household in world.iter_households_truth():
        if not household["signals"]:
            continue
        pattern = household["pattern"]
        alert = first.get(household["victim"])
        outcome = household["outcome"]
        if alert and outcome:
            happened = date.fromisoformat(outcome["date"])
            alert = alert if alert[0] < happened else None
            if alert:
                lead_days.append((happened - alert[0]).days)
        if alert:
            first_rules[pattern in ESCALATING].update(alert[1])
        counts = by_pattern.setdefault(pattern, [0, 0])
        counts[0] += 1
        counts[1] += bool(alert)

    def share(patterns) -> dict:
        total = sum(by_pattern.get(p, [0, 0])[0] for p in patterns)
        alerted = sum(by_pattern.get(p, [0, 0])[1] for p in patterns)
        return {"households": total, "alerted": alerted, "share": round(alerted / total, 3)}

    return {
        "escalating_households_alerted": share(ESCALATING),
        "lethal_households_alerted_before_the_outcome": share(LETHAL),
        "median_days_first_alert_before_outcome": (
            statistics.median(lead_days) if lead_days else None
        ),
        "non_escalating_households_alerted": share(NON_ESCALATING),
        "per_pattern": {
            p: {"households": c[0], "alerted": c[1], "share": round(c[1] / c[0], 3)}
            for p, c in sorted(by_pattern.items())
        },
        "rules_in_first_alert_of_escalating_households": dict(first_rules[True].most_common()),
        "rules_in_first_alert_of_other_households": dict(first_rules[False].most_common()),
    }
