"""`patroon bench cases`: the case director's "today" page with 200 open cases in a world of a
million signals (server time per request, p50/p95/p99), and the dossier of a case with 300
signals exported to PDF.

The history is written straight into the timeline stream as in `bench patterns`; the cases,
their actions, measures, conferences and children go through the case services, so every
write is evented and audited as in production. The page is requested through Django's full
middleware stack (session, OTP verification, CSP, audit) in-process: server time, no network.
"""

from __future__ import annotations

import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from patroon.bench.common import analyse_tables, machine
from patroon.bench.patterns import WRITE_CHUNK, _dyad_sizes, _history, _organisations


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _users(orgs):
    from patroon.accounts.models import User
    from patroon.accounts.services import create_confirmed_totp, create_user

    vt = next(o for o in orgs if o.kind == "veilig_thuis")
    police = next(o for o in orgs if o.kind == "politie" and o.region == vt.region)
    director = create_user("bench-regisseur", "Bench-wachtwoord-2026!", vt, ["case_director"])
    create_confirmed_totp(director)
    agent = create_user("bench-agent", "Bench-wachtwoord-2026!", police, ["professional"])
    return User.objects.get(pk=director.pk), agent, vt, police


def _signed_in(user) -> Client:
    from django_otp import DEVICE_ID_SESSION_KEY

    from patroon.accounts.services import confirmed_totp_device

    client = Client(HTTP_HOST="127.0.0.1")  # a host ALLOWED_HOSTS admits outside tests
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = confirmed_totp_device(user).persistent_id
    session.save()
    return client


def _busy_case(director, agent, vt, police, victim, now, rng):
    from patroon.accounts.actor import actor_for_user
    from patroon.cases import services

    actor = actor_for_user(director)
    case = services.open_case(actor, victim_ref=victim, director_id=director.pk)
    services.add_member(actor, case.pk, agent.pk, "vast aanspreekpunt")
    for hours in (-rng.randint(1, 200), rng.randint(1, 400), rng.randint(1, 400)):
        services.add_action(
            actor,
            case.pk,
            text="Veiligheidsafspraak controleren",
            owner_organisation_id=vt.pk,
            due_at=now + timedelta(hours=hours),
        )
    today = timezone.localdate(now)
    services.register_measure(
        actor,
        case.pk,
        kind="contact_ban",
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=rng.randint(1, 60)),
        responsible_organisation_id=police.pk,
    )
    services.schedule_conference(
        actor, case.pk, now + timedelta(days=rng.randint(-3, 10)), "Risico en maatregelen bespreken"
    )
    services.add_child(actor, case.pk, label="Kind A", age_group="4-11")
    return case


def _assessments(victims, vt, now, rng) -> None:
    from patroon.risk.models import Assessment

    Assessment.objects.bulk_create(
        Assessment(
            instrument_id="lethality_screen",
            instrument_version="bench",
            victim_ref=v,
            organisation=vt,
            region=vt.region,
            status=Assessment.Status.COMPLETED,
            started_at=now,
            started_by="bench",
            completed_at=now - timedelta(hours=rng.randint(1, 90)),
            completed_by="bench",
            computed_level=level,
            final_level=level,
        )
        for v in victims
        for level in [rng.choice(("medium", "high", "extreme"))]
    )


def run(
    signals: int, dyads: int, cases: int, dossier_signals: int, requests: int, seed: int
) -> dict:
    from patroon.accounts.actor import actor_for_user
    from patroon.cases import services
    from patroon.patterns.models import TimelineEntry
    from patroon.patterns.projection import EntryRow
    from patroon.patterns.services import insert_entries

    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate(now)
    orgs = _organisations()
    started = time.perf_counter()
    sizes = _dyad_sizes(rng, signals - dossier_signals, dyads)
    people = [(uuid.uuid4(), "") for _ in range(2 * dyads)]
    batch = []
    for row in _history(rng, sizes, people, orgs, today, years=5):
        batch.append(row)
        if len(batch) >= WRITE_CHUNK:
            with transaction.atomic():
                insert_entries(batch)
            batch = []
    director, agent, vt, police = _users(orgs)
    dossier_victim, dossier_perpetrator = uuid.uuid4(), uuid.uuid4()
    for n in range(dossier_signals):
        occurred = today - timedelta(days=dossier_signals - n)
        org = rng.choice([vt, police])
        batch.append(
            EntryRow(
                dossier_victim,
                dossier_perpetrator,
                uuid.uuid4(),
                org.pk,
                org.kind,
                occurred,
                datetime(occurred.year, occurred.month, occurred.day, 12, tzinfo=UTC),
                "partner",
                "stalking threat_to_kill" if n % 7 == 0 else "psychological_violence",
                3,
                False,
            )
        )
    with transaction.atomic():
        insert_entries(batch)
    world_seconds = time.perf_counter() - started

    started = time.perf_counter()
    victims = [people[2 * i][0] for i in range(cases - 1)]
    for victim in victims:
        _busy_case(director, agent, vt, police, victim, now, rng)
    dossier_case = _busy_case(director, agent, vt, police, dossier_victim, now, rng)
    _assessments(victims[: cases // 2], vt, now, rng)
    cases_seconds = time.perf_counter() - started
    analyse_tables()

    client = _signed_in(director)
    warm = client.get("/cases/")  # warm-up (templates, caches)
    if warm.status_code != 200:
        raise RuntimeError(f"today page answered {warm.status_code}")
    timings = []
    for _ in range(requests):
        t0 = time.perf_counter()
        response = client.get("/cases/")
        timings.append((time.perf_counter() - t0) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"today page answered {response.status_code}")
    rows = response.content.decode().count('class="attention__item')

    actor = actor_for_user(director)
    pdf_seconds, size = [], 0
    for _ in range(3):
        t0 = time.perf_counter()
        content, _, _ = services.export_dossier(
            actor, dossier_case.pk, reason="benchmark", fmt="pdf"
        )
        pdf_seconds.append(time.perf_counter() - t0)
        size = len(content)
    return {
        "benchmark": "cases",
        "database": connection.vendor,
        "world_signals": TimelineEntry.objects.count(),
        "open_cases": cases,
        "setup_seconds": {"world": round(world_seconds, 1), "cases": round(cases_seconds, 1)},
        "today_page_ms": {
            "requests": requests,
            "p50": round(statistics.median(timings), 1),
            "p95": round(_percentile(timings, 0.95), 1),
            "p99": round(_percentile(timings, 0.99), 1),
            "attention_items_shown": rows,
        },
        "dossier_pdf": {
            "signals": dossier_signals,
            "seconds_median": round(statistics.median(pdf_seconds), 2),
            "seconds_max": round(max(pdf_seconds), 2),
            "bytes": size,
        },
        "machine": machine(),
        "date": today.isoformat(),
    }
