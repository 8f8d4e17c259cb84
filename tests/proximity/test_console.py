"""The monitoring console: an unanswered top-priority alarm escalates after its deadline
(frozen clock), only monitoring roles get in, what an operator does is encrypted evidence,
the pair's map shows no coordinates and its read is audited, and live updates stream."""

import asyncio
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.db import connection, connections, transaction
from django.test import AsyncClient
from django.utils import timezone

from patroon.accounts.actor import SYSTEM, actor_for_user
from patroon.audit.models import AuditEntry
from patroon.cases import services as case_services
from patroon.cases.models import Notification
from patroon.proximity import services
from patroon.proximity.ingest import Incoming, Ingestor
from patroon.proximity.models import Alarm, Delivery, OperatorAction
from patroon.proximity.store import NOTE_PURPOSE, PARTITIONS
from patroon.security.keys import cipher
from tests import factories
from tests.cases.conftest import case, world  # noqa: F401 - fixtures
from tests.proximity.conftest import T0, message

pytestmark = pytest.mark.django_db

VICTIM_AT = (52.0907, 5.1214)


def panic(pair_devices, clock, number: int = 1) -> Alarm:
    """A panic from the victim device: top priority, raised at the clock's time."""
    Ingestor(clock=clock).accept(
        [Incoming("VD-1", message(number, clock(), *VICTIM_AT, panic=True), "http", clock())]
    )
    return Alarm.objects.get(pair=pair_devices.pair, kind="panic")


@pytest.fixture
def operator_user(db):
    org = factories.organisation("reclassering-test", "reclassering", "landelijk")
    return factories.user(["monitoring_operator"], org, username="meldkamer")


@pytest.fixture
def operator(operator_user):
    return actor_for_user(operator_user)


# --- Escalation -----------------------------------------------------------------------------


def test_an_unacknowledged_top_priority_alarm_escalates_after_its_deadline(pair, clock):
    alarm = panic(pair, clock)
    assert alarm.priority == 1 and alarm.raised_at == T0
    assert services.escalate_due(T0 + timedelta(seconds=59)) == []
    assert services.escalate_due(T0 + timedelta(seconds=61)) == [alarm.pk]
    alarm.refresh_from_db()
    assert alarm.escalated_at == T0 + timedelta(seconds=61)
    assert alarm.status == Alarm.Status.OPEN
    [action] = OperatorAction.objects.filter(alarm=alarm)
    assert action.kind == OperatorAction.Kind.ESCALATE and action.actor == "system"
    assert AuditEntry.objects.filter(
        object_type="proximity.Alarm", object_id=str(alarm.pk), purpose__contains="escalated"
    ).exists()
    assert services.escalate_due(T0 + timedelta(seconds=600)) == []  # once


def test_each_worker_escalates_only_the_alarms_of_its_own_partitions(pair, clock):
    alarm = panic(pair, clock)
    own = pair.pair.partition
    later = T0 + timedelta(seconds=61)
    assert services.escalate_due(later, partitions=[p for p in range(PARTITIONS) if p != own]) == []
    assert Alarm.objects.get(pk=alarm.pk).escalated_at is None
    assert services.escalate_due(later, partitions=[own]) == [alarm.pk]


@pytest.mark.django_db(transaction=True)
def test_an_alarm_another_transaction_holds_waits_for_the_next_tick_instead_of_the_lock(
    pair, clock
):
    """An operator acknowledging it, or another escalator, holds the row: the ingest clock
    that escalates must not stand still behind them."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks: SQLite locks the whole database instead")
    alarm = panic(pair, clock)
    later = T0 + timedelta(seconds=61)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with transaction.atomic():
            Alarm.objects.select_for_update().get(pk=alarm.pk)
            held.set()
            release.wait(10)
        connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        holder = pool.submit(hold)
        assert held.wait(10)
        started = time.monotonic()
        assert services.escalate_due(later) == []
        assert time.monotonic() - started < 2
        release.set()
        holder.result()
    assert services.escalate_due(later) == [alarm.pk]


def test_an_acknowledged_alarm_is_never_escalated(pair, clock, operator):
    alarm = panic(pair, clock)
    services.act_on_alarm(operator, alarm.pk, "acknowledge", "Slachtoffer gebeld.")
    assert services.escalate_due(T0 + timedelta(hours=1)) == []
    assert not OperatorAction.objects.filter(kind=OperatorAction.Kind.ESCALATE).exists()


def test_the_case_director_hears_of_an_escalated_alarm_of_a_case_measure(world, case, clock):  # noqa: F811
    director = world["actors"]["director"]
    measure = case_services.register_measure(
        director,
        case.pk,
        kind="contact_ban",
        starts_on=timezone.localdate(),
        ends_on=None,
        responsible_organisation_id=world["orgs"]["vt"].pk,
    )
    paired = services.pair_devices(
        SYSTEM, perpetrator_device="AM-1", victim_devices=["VD-1"], measure=measure
    )
    alarm = panic(paired, clock)
    services.escalate_due(T0 + timedelta(seconds=61))
    notice = Notification.objects.get(user=world["users"]["director"], kind="device_alarm")
    assert notice.case_id == case.pk and str(alarm.pk) in notice.subject_key


# --- Pages ----------------------------------------------------------------------------------


def test_a_professional_without_the_monitor_capability_is_refused(pair, clock, org):
    alarm = panic(pair, clock)
    client = factories.verified_client(factories.user(["professional"], org))
    assert client.get("/meldkamer/").status_code == 403
    assert client.get(f"/meldkamer/paren/{pair.pair.pk}/").status_code == 403
    assert client.get("/meldkamer/stream/").status_code == 403
    refused = client.post(f"/meldkamer/alarmen/{alarm.pk}/", {"kind": "acknowledge"})
    assert refused.status_code == 403
    assert Alarm.objects.get(pk=alarm.pk).status == Alarm.Status.OPEN


def test_the_operator_sees_open_alarms_most_urgent_first(pair, clock, operator_user):
    alarm = panic(pair, clock)
    client = factories.verified_client(operator_user)
    page = client.get("/meldkamer/")
    assert page.status_code == 200
    body = page.content.decode()
    assert f'id="alarm-{alarm.pk}"' in body and pair.pair.reference in body
    assert "Paniekknop" in body and "Prioriteit 1" in body
    console = Delivery.objects.get(alarm=alarm, target="console")
    assert console.status == Delivery.Status.DELIVERED  # shown on a console
    assert AuditEntry.objects.filter(object_type="proximity.Alarm", action="read").exists()


def test_acknowledging_with_a_note_is_encrypted_evidence(pair, clock, operator_user):
    alarm = panic(pair, clock)
    client = factories.verified_client(operator_user)
    note = "Slachtoffer gebeld, zij is veilig thuis."
    response = client.post(f"/meldkamer/alarmen/{alarm.pk}/", {"kind": "acknowledge", "note": note})
    assert response.status_code == 302 and response["Location"] == "/meldkamer/"
    alarm.refresh_from_db()
    assert alarm.status == Alarm.Status.ACKNOWLEDGED and alarm.acknowledged_by == "meldkamer"
    [action] = OperatorAction.objects.filter(alarm=alarm)
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM proximity_operatoraction WHERE id = %s", [action.pk])
        [(stored,)] = cursor.fetchall()
    assert b"veilig" not in bytes(stored)
    assert cipher().decrypt(bytes(stored), NOTE_PURPOSE) == note
    assert AuditEntry.objects.filter(
        object_type="proximity.Alarm", object_id=str(alarm.pk), action="update"
    ).exists()


def test_closing_without_a_note_is_refused_with_a_clear_message(pair, clock, operator_user):
    alarm = panic(pair, clock)
    client = factories.verified_client(operator_user)
    page = client.post(f"/meldkamer/alarmen/{alarm.pk}/", {"kind": "close"}, follow=True)
    assert "Schrijf op waarom u het alarm afsluit." in page.content.decode()
    assert Alarm.objects.get(pk=alarm.pk).status == Alarm.Status.OPEN
    closed = client.post(
        f"/meldkamer/alarmen/{alarm.pk}/", {"kind": "close", "note": "Loos alarm: knop geraakt."}
    )
    assert closed.status_code == 302
    assert Alarm.objects.get(pk=alarm.pk).status == Alarm.Status.CLOSED
    assert f'id="alarm-{alarm.pk}"' not in client.get("/meldkamer/").content.decode()


def test_the_pair_page_draws_the_map_without_coordinates_and_its_read_is_audited(
    pair, clock, operator_user
):
    ingestor = Ingestor(clock=clock)
    ingestor.accept([Incoming("VD-1", message(1, clock(), *VICTIM_AT), "http", clock())])
    ingestor.accept(
        [Incoming("AM-1", message(1, clock.advance(15), 52.0950, 5.1300), "http", clock())]
    )
    client = factories.verified_client(operator_user)
    page = client.get(f"/meldkamer/paren/{pair.pair.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    svg = body[body.index("<svg") : body.index("</svg>")]
    assert 'class="map-zone' in svg and "home" in svg
    assert svg.count('class="map-device ') == 2 and 'class="map-alert"' in svg
    assert not re.search(r'(cx|cy|r)="\d+,\d', svg), "SVG numbers in Dutch notation"
    for coordinate in ("52.09", "5.12", "5.11", "52.08", "5.13"):
        assert coordinate not in body
    assert AuditEntry.objects.filter(
        object_type="proximity.DevicePair",
        object_id=str(pair.pair.pk),
        action="read",
        purpose="console: positions and zones",
    ).exists()


# --- Live updates ---------------------------------------------------------------------------


# Closing a streamed response ends the request, which hands the connection back (to the pool,
# on PostgreSQL): outside a test transaction, as in a real request.
@pytest.mark.django_db(transaction=True)
def test_the_stream_sends_a_new_alarm_and_marks_it_delivered(pair, clock, operator_user):
    """Under WSGI (the test client, the browser tests' live server): a plain generator."""
    client = factories.verified_client(operator_user)
    alarm = panic(pair, clock)
    response = client.get("/meldkamer/stream/?after=0.0")
    assert response["Content-Type"] == "text/event-stream"
    chunks = iter(response.streaming_content)
    assert next(chunks).startswith(b"retry:")
    event = next(chunks).decode()
    response.close()
    assert "event: alarm" in event and f'"id": {alarm.pk}' in event
    assert f"id: {alarm.pk}." in event  # the cursor a reconnect resumes from
    assert Delivery.objects.get(alarm=alarm, target="console").status == "delivered"


@pytest.mark.django_db(transaction=True)
def test_the_stream_under_asgi_resumes_from_last_event_id(pair, clock, operator_user):
    """Under ASGI (uvicorn in `make run`): an async generator; after a reconnect with
    Last-Event-ID only what came later is sent."""
    client = factories.verified_client(operator_user)
    first = panic(pair, clock)
    clock.advance(30)
    Ingestor(clock=clock).accept(
        [Incoming("AM-1", message(1, clock(), 52.0, 5.0, strap=False), "http", clock())]
    )
    second = Alarm.objects.get(kind="strap_tamper")
    services.mark_delivered(SYSTEM, [first.pk])  # shown before the connection dropped

    async def read(after: str) -> str:
        browser = AsyncClient()
        browser.cookies = client.cookies
        response = await browser.get(
            "/meldkamer/stream/?after=0.0", headers={"Last-Event-ID": after}
        )
        chunks = aiter(response.streaming_content)
        assert (await anext(chunks)).startswith(b"retry:")
        event = (await anext(chunks)).decode()
        await chunks.aclose()
        # The stream read the database on asgiref's own thread: close that thread's
        # connection, or the test database cannot be dropped afterwards.
        await sync_to_async(connections.close_all)()
        return event

    with ThreadPoolExecutor(max_workers=1) as pool:
        event = pool.submit(asyncio.run, read(f"{first.pk}.0")).result()
    assert f'"id": {second.pk}' in event and f'"id": {first.pk},' not in event


def test_the_demo_pair_is_loaded_once_with_alarms_to_show(db):
    from patroon.proximity.demo import load_demo

    assert load_demo() is not None
    assert load_demo() is None
    kinds = set(Alarm.objects.values_list("kind", flat=True))
    assert {"approach", "close_approach", "low_battery"} <= kinds
