"""`patroon bench patterns`: alert latency per new signal, and a full sweep, at national scale.

The history (about a million signals over some 300,000 dyads, skewed so a few dyads hold
hundreds of signals) is written straight into the timeline stream and the vault's match keys;
writing it through intake would take an hour and measure intake, not the pattern engine.
Then 1,000 new signals, drawn in proportion to dyad activity, go through the full intake
path one by one — validation, vault resolution, encryption, storage, audit, timeline,
rule evaluation and alert storage in one transaction — and are timed from the start of
intake until the alert is stored. Finally the sweep reads every victim in one ordered pass.
"""

from __future__ import annotations

import bisect
import random
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from patroon.bench.common import analyse_tables, machine
from patroon.demo.world_people import make_bsn

REGIONS = ("utrecht", "haaglanden", "rotterdam_rijnmond", "twente", "groningen")
KINDS = ("politie", "veilig_thuis", "huisarts", "seh_ziekenhuis", "gemeente_wijkteam", "om")
# Common behaviours dominate; lethal-risk ones are rarer (codes from the vocabulary).
BEHAVIOURS = (
    ("psychological_violence", 30),
    ("physical_violence", 25),
    ("isolation", 10),
    ("jealousy_possessiveness", 8),
    ("coercive_control", 6),
    ("financial_control", 5),
    ("stalking", 5),
    ("substance_abuse", 4),
    ("recent_separation", 3),
    ("children_witnessing", 3),
    ("threat_to_kill", 1),
    ("non_fatal_strangulation", 1),
    ("breach_contact_ban", 1),
)
WRITE_CHUNK = 50_000


def _dyad_sizes(rng: random.Random, signals: int, dyads: int) -> list[int]:
    """Heavy-tailed sizes summing to ``signals``: most dyads 1-5 signals, a few hundreds."""
    weights = [rng.paretovariate(1.3) for _ in range(dyads)]
    scale = (signals - dyads) / sum(weights)
    sizes = [1 + min(int(w * scale), 900) for w in weights]
    shortfall = signals - sum(sizes)
    for i in rng.sample(range(dyads), k=min(dyads, abs(shortfall))):
        sizes[i] = max(1, sizes[i] + (1 if shortfall > 0 else -1))
    return sizes


def _organisations():
    from patroon.accounts.services import upsert_organisation

    orgs = []
    for number, region in enumerate(REGIONS):
        for kind in KINDS:
            code = f"bench-{kind}-{number}"  # organisation codes hold at most 40 characters
            orgs.append(upsert_organisation(code, f"{code} (benchmark)", kind, region))
    return orgs


def _persons(count: int, now) -> list[tuple[uuid.UUID, str]]:
    """Persons in the vault as intake leaves them: an encrypted identity record each (a BSN)
    and its blocking keys, so new signals link to them through the real resolver."""
    people = [(uuid.uuid4(), make_bsn(n, 7)) for n in range(count)]
    for i in range(0, count, WRITE_CHUNK):
        with transaction.atomic():  # one transaction per chunk, not one per row
            _persons_chunk(people[i : i + WRITE_CHUNK], now)
    return people


def _persons_chunk(chunk: list[tuple[uuid.UUID, str]], now) -> None:
    from patroon.db.bulk import insert_rows
    from patroon.identity.blocking import digests
    from patroon.identity.linkage import plaintext_row
    from patroon.identity.models import BlockingKey, Person
    from patroon.identity.resolution import PersonMention, insert_records

    records = [(uuid.uuid4(), pid, bsn) for pid, bsn in chunk]
    insert_rows(Person, ["id", "created_at"], [(pid, now) for pid, _ in chunk])
    insert_records(
        (rid, pid, PersonMention("bench", f"HIST-{bsn}", {"bsn": bsn}), now)
        for rid, pid, bsn in records
    )
    insert_rows(
        BlockingKey,
        ["digest", "record"],
        [(d, rid) for rid, _, bsn in records for d in digests(plaintext_row({"bsn": bsn}))],
    )


def _history(rng, sizes, people, orgs, today: date, years: int):
    """Timeline rows per dyad: dates spread over the window, organisations of one region."""
    from patroon.patterns.projection import EntryRow
    from patroon.patterns.services import severity_table

    severity = severity_table()
    codes, weights = zip(*BEHAVIOURS, strict=True)
    by_region = {}
    for org in orgs:
        by_region.setdefault(org.region, []).append(org)
    span = years * 365
    for index, size in enumerate(sizes):
        victim, perpetrator = people[2 * index][0], people[2 * index + 1][0]
        local = by_region[REGIONS[index % len(REGIONS)]]
        start = rng.randrange(span)
        for _ in range(size):
            occurred = today - timedelta(days=rng.randint(0, start))
            behaviours = sorted(set(rng.choices(codes, weights, k=rng.randint(1, 3))))
            org = rng.choice(local)
            yield EntryRow(
                victim,
                perpetrator,
                uuid.uuid4(),
                org.pk,
                org.kind,
                occurred,
                datetime(occurred.year, occurred.month, occurred.day, 12, tzinfo=UTC),
                "partner",
                " ".join(behaviours),
                max(severity[b] for b in behaviours),
                False,
            )


def _payload(rng, reference: str, victim_bsn: str, perpetrator_bsn: str, today: date) -> dict:
    codes, weights = zip(*BEHAVIOURS, strict=True)
    occurred = today - timedelta(days=rng.randint(0, 20))
    return {
        "source_reference": reference,
        "reported_at": datetime(today.year, today.month, today.day, tzinfo=UTC).isoformat(),
        "occurred": {"start": occurred.isoformat()},
        "relationship": "partner",
        "behaviours": sorted(set(rng.choices(codes, weights, k=rng.randint(1, 3)))),
        "persons": [
            {"role": "victim", "bsn": victim_bsn, "sex": "F"},
            {"role": "alleged_perpetrator", "bsn": perpetrator_bsn, "sex": "M"},
        ],
        "confidentiality": "normal",
    }


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(signals: int, dyads: int, new_signals: int, seed: int) -> dict:
    from patroon.accounts.actor import Actor
    from patroon.patterns.models import Alert, TimelineEntry
    from patroon.patterns.services import insert_entries
    from patroon.patterns.sweep import sweep
    from patroon.signals.services import record_signal

    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate(now)
    orgs = _organisations()
    started = time.perf_counter()
    sizes = _dyad_sizes(rng, signals, dyads)
    people = _persons(2 * dyads, now)
    batch = []
    for row in _history(rng, sizes, people, orgs, today, years=5):
        batch.append(row)
        if len(batch) >= WRITE_CHUNK:
            with transaction.atomic():
                insert_entries(batch)
            batch = []
    with transaction.atomic():
        insert_entries(batch)
    setup_seconds = time.perf_counter() - started
    analyse_tables()

    first = sweep()
    second = sweep()

    actors = [
        Actor(f"bench-api-{o.code}", o.pk, o.code, frozenset({"intake"}), channel="api")
        for o in orgs
    ]
    cumulative, total = [], 0
    for size in sizes:
        total += size
        cumulative.append(total)
    timings, raised = [], 0
    for n in range(new_signals):
        dyad = bisect.bisect_right(cumulative, rng.randrange(total))
        payload = _payload(
            rng, f"BENCH-{seed}-{n:06d}", people[2 * dyad][1], people[2 * dyad + 1][1], today
        )
        alerts_before = Alert.objects.count() if n % 100 == 0 else None
        t0 = time.perf_counter()
        outcome = record_signal(rng.choice(actors), payload, "api")
        timings.append((time.perf_counter() - t0) * 1000)
        if outcome.errors:
            raise RuntimeError(f"benchmark signal rejected: {outcome.errors}")
        if alerts_before is not None:
            raised += Alert.objects.count() - alerts_before
    return {
        "benchmark": "patterns",
        "database": connection.vendor,
        "history_signals": TimelineEntry.objects.count() - new_signals,
        "dyads": dyads,
        "largest_dyad": max(sizes),
        "setup_seconds": round(setup_seconds, 1),
        "sweep_first": _sweep_json(first),
        "sweep_steady": _sweep_json(second),
        "new_signals": new_signals,
        "intake_to_alert_ms": {
            "p50": round(statistics.median(timings), 2),
            "p95": round(_percentile(timings, 0.95), 2),
            "p99": round(_percentile(timings, 0.99), 2),
            "max": round(max(timings), 2),
        },
        "alerts_total": Alert.objects.count(),
        "machine": machine(),
        "date": today.isoformat(),
    }


def _sweep_json(result) -> dict:
    return {
        "seconds": round(result.seconds, 1),
        "victims": result.victims,
        "entries": result.entries,
        "firings": result.firings,
        "alerts_raised": result.alerts_raised,
    }
