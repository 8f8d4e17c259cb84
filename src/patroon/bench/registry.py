"""`patroon bench registry`: the Femicide Monitor's statistics, dashboard and who-knew-what
table at national scale, and the annual PDF report.

A SYNTHETIC register of about 1,100 victims over 25 years (partner, family and other
killings in roughly the Dutch CBS proportions: about half by a partner or ex-partner) is
written next to a world of 1 million prior signals in the timeline stream, with alerts and
completed risk assessments; about two thirds of the register's victims are linked to a vault
person with prior signals. Then timed, each as the analyst reads it:

- statistics: every tabulation the dashboard and the open data use, plus the public export's
  disclosure control;
- dashboard: the whole dashboard (counts, plots, rates, share, lessons-learned table);
- who_knew: the lessons-learned table alone (every linked victim's prior signals);
- report: the annual PDF (WeasyPrint).
"""

from __future__ import annotations

import random
import time
import uuid
from datetime import UTC, date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from patroon.bench.common import analyse_tables, machine

REGIONS = ("utrecht", "haaglanden", "rotterdam_rijnmond", "twente", "groningen")
KINDS = ("politie", "veilig_thuis", "huisarts", "seh_ziekenhuis", "gemeente_wijkteam", "om")
# Relationship of the perpetrator, weighted after CBS 2020-2024 (research note, section 2).
RELATIONSHIPS = (
    ("current_partner", 32),
    ("former_partner", 18),
    ("family_child", 8),
    ("family_parent", 4),
    ("family_other", 8),
    ("other_known", 14),
    ("unknown_to_victim", 8),
    ("not_known", 8),
)
METHODS = (
    ("sharp_object", 45),
    ("strangulation", 20),
    ("blunt_force", 15),
    ("firearm", 10),
    ("other", 5),
    ("unknown", 5),
)
RULES = (
    "threat_to_kill",
    "strangulation",
    "stalking_after_separation",
    "escalation",
    "several_agencies_nobody_in_charge",
)
LEVELS = ("low", "medium", "high", "extreme")
CHUNK = 50_000


def _world(rng, signals: int, victims_with_history: int, orgs, today: date, years: int):
    """Timeline rows: the register's linked victims get 1-20 prior signals each; the rest of
    the million belongs to other victims (the background the queries must skip)."""
    from patroon.patterns.projection import EntryRow

    refs = [uuid.uuid4() for _ in range(victims_with_history)]
    background = max(1, signals // 4)
    others = [uuid.uuid4() for _ in range(background)]
    written = 0
    for ref in refs:
        for _ in range(rng.randint(1, 20)):
            org = rng.choice(orgs)
            occurred = today - timedelta(days=rng.randint(0, years * 365))
            written += 1
            yield (
                ref,
                EntryRow(
                    ref,
                    None,
                    uuid.uuid4(),
                    org.pk,
                    org.kind,
                    occurred,
                    datetime(occurred.year, occurred.month, occurred.day, tzinfo=UTC),
                    "partner",
                    "psychological_violence",
                    2,
                    False,
                ),
            )
    while written < signals:
        ref = rng.choice(others)
        org = rng.choice(orgs)
        occurred = today - timedelta(days=rng.randint(0, 5 * 365))
        written += 1
        yield (
            None,
            EntryRow(
                ref,
                None,
                uuid.uuid4(),
                org.pk,
                org.kind,
                occurred,
                datetime(occurred.year, occurred.month, occurred.day, tzinfo=UTC),
                "partner",
                "physical_violence",
                3,
                False,
            ),
        )


def _register(rng, victims: int, refs: list[uuid.UUID], years: int, today: date, now):
    from patroon.registry.models import Event, Victim
    from patroon.registry.services import apply_classification

    codes, weights = zip(*RELATIONSHIPS, strict=True)
    methods, mweights = zip(*METHODS, strict=True)
    events, people = [], []
    linked = iter(refs)
    for n in range(victims):
        killed = today - timedelta(days=rng.randint(0, years * 365 - 1))
        event = Event(
            reference=f"BENCH-{n:05d}",
            date=killed,
            year=killed.year,
            month=killed.month,
            date_precision="day",
            country="NL",
            region=rng.choice(REGIONS),
            method=rng.choices(methods, mweights)[0],
            place_type="shared_home",
            created_at=now,
            updated_at=now,
        )
        victim = Victim(
            reference=f"BENCH-{n:05d}-1",
            event=event,
            victim_type="principal",
            attempted=rng.random() < 0.1,
            sex="female",
            gender_identity="woman",
            age=rng.randint(15, 90),
            relationship=rng.choices(codes, weights)[0],
            prior_violence=rng.choice(("yes", "no", "unknown")),
            sexual_violence=rng.choice(("no", "unknown")),
            person_ref=next(linked, None),
            created_at=now,
            updated_at=now,
            created_by="bench",
        )
        for crit in (
            "exploitation",
            "abduction",
            "sex_work",
            "mutilation",
            "body_public_space",
            "gender_hate",
        ):
            setattr(victim, crit, rng.choice(("no", "no", "unknown")))
        events.append(event)
        people.append(apply_classification(victim))
    Event.objects.bulk_create(events, batch_size=1000)
    Victim.objects.bulk_create(people, batch_size=1000)


def _alerts_and_assessments(rng, refs, orgs, now):
    from patroon.patterns.models import Alert
    from patroon.risk.models import Assessment

    alerts, assessments = [], []
    for ref in refs:
        if rng.random() < 0.4:
            for _ in range(rng.randint(1, 3)):
                at = now - timedelta(days=rng.randint(30, 3000))
                alerts.append(
                    Alert(
                        rule_id=rng.choice(RULES),
                        rules_version="bench",
                        severity="red",
                        victim_ref=ref,
                        raised_at=at,
                        acknowledge_by=at,
                        evidence_until=at,
                        routed_organisation=rng.choice(orgs),
                    )
                )
        if rng.random() < 0.3:
            at = now - timedelta(days=rng.randint(30, 3000))
            level = rng.choice(LEVELS)
            assessments.append(
                Assessment(
                    instrument_id="bench",
                    instrument_version="1",
                    victim_ref=ref,
                    organisation=rng.choice(orgs),
                    status="completed",
                    started_at=at,
                    started_by="bench",
                    completed_at=at,
                    computed_level=level,
                    final_level=level,
                )
            )
    Alert.objects.bulk_create(alerts, batch_size=5000)
    Assessment.objects.bulk_create(assessments, batch_size=5000)


def _timed(fn):
    t0 = time.perf_counter()
    result = fn()
    return result, round(time.perf_counter() - t0, 3)


def run(signals: int, victims: int, years: int, seed: int, report: bool = True) -> dict:
    from patroon.accounts.actor import Actor
    from patroon.bench.patterns import _organisations as pattern_orgs  # noqa: I001
    from patroon.patterns.services import insert_entries
    from patroon.registry import dashboard, export, selectors
    from patroon.registry.report import render_pdf
    from patroon.registry.stats import DIMENSIONS

    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate(now)
    orgs = pattern_orgs()
    t0 = time.perf_counter()
    linked_count = int(victims * 2 / 3)
    refs: list[uuid.UUID] = []
    batch = []
    for ref, row in _world(rng, signals, linked_count, orgs, today, years):
        if ref is not None and (not refs or refs[-1] != ref):
            refs.append(ref)
        batch.append(row)
        if len(batch) >= CHUNK:
            with transaction.atomic():
                insert_entries(batch)
            batch = []
    with transaction.atomic():
        insert_entries(batch)
        _alerts_and_assessments(rng, refs, orgs, now)
        _register(rng, victims, refs, years, today, now)
    setup = round(time.perf_counter() - t0, 1)
    analyse_tables()

    analyst = Actor("bench-analyst", orgs[0].pk, orgs[0].code, frozenset({"analyst"}))

    def statistics():
        rows = selectors.rows(analyst)
        for dim in DIMENSIONS:
            from patroon.registry.stats import tabulate

            tabulate(rows, ["year", dim])
        return len(rows)

    counted, stats_s = _timed(statistics)
    _, export_s = _timed(
        lambda: export.protected_tables(selectors.rows(analyst), export.DEFAULT_THRESHOLD)
    )
    board, dash_s = _timed(lambda: dashboard.build(analyst))
    lessons, who_s = _timed(lambda: selectors.lessons_learned(analyst))
    result = {
        "benchmark": "registry",
        "synthetic": True,
        "victims": counted,
        "years": years,
        "signals": signals,
        "linked_victims": lessons["victims_linked"],
        "known_beforehand_share": lessons["known_beforehand_share"],
        "setup_seconds": setup,
        "statistics_seconds": stats_s,
        "dashboard_seconds": dash_s,
        "who_knew_table_seconds": who_s,
        "public_export_disclosure_seconds": export_s,
        "all_statistics_dashboard_who_knew_seconds": round(stats_s + dash_s, 3),
        "target_seconds": 2.0,
        "machine": machine(),
    }
    if report:
        pdf, pdf_s = _timed(lambda: render_pdf(analyst, today.year - 1))
        result.update(
            {
                "report_pdf_seconds": pdf_s,
                "report_pdf_bytes": len(pdf),
                "report_target_seconds": 10.0,
            }
        )
    return result
