"""The ingest path: every accepted message is stored (positions as ciphertext) before the
receipt, resends are harmless, alarms reach the log with their deliveries, and a failed commit
or a restart does not make the engine forget or repeat anything."""

from datetime import timedelta

import pytest
from django.db import connection

from patroon.audit.models import AuditEntry
from patroon.proximity import ingest
from patroon.proximity.ingest import Incoming, Ingestor
from patroon.proximity.models import Alarm, Command, Delivery, Device, Ping, Suppression
from tests.proximity.conftest import HOME, T0, message

pytestmark = pytest.mark.django_db

FAR = (52.1600, 5.3900)  # Amersfoort, ~20 km from home
VICTIM_AT = (52.0907, 5.1214)


def send(ingestor, device, body, clock, transport="http"):
    return ingestor.accept([Incoming(device, body, transport, clock())])


def test_positions_are_stored_encrypted_and_a_resend_is_stored_once(pair, clock):
    ingestor = Ingestor(clock=clock)
    first = message(1, T0, *VICTIM_AT)
    [receipt] = send(ingestor, "VD-1", first, clock)
    assert receipt.status == "stored"
    [again] = send(ingestor, "VD-1", first, clock)
    assert again.status == "duplicate"
    assert Ping.objects.filter(device_id="VD-1").count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT position FROM proximity_ping")
        [(stored,)] = cursor.fetchall()
    assert b"52.09" not in bytes(stored) and b"5.12" not in bytes(stored)
    batch = Ping.objects.get().batch
    assert AuditEntry.objects.filter(
        object_type="proximity.PingBatch", object_id=str(batch)
    ).exists()


def test_a_resend_of_a_panic_does_not_raise_a_second_alarm(pair, clock):
    ingestor = Ingestor(clock=clock)
    body = message(5, T0, *VICTIM_AT, panic=True)
    send(ingestor, "VD-1", body, clock)
    send(ingestor, "VD-1", body, clock)
    assert list(Alarm.objects.values_list("kind", flat=True)) == ["panic"]


def test_an_approach_is_stored_with_its_deliveries_and_raises_the_report_rate(pair, clock):
    ingestor = Ingestor(clock=clock)
    send(ingestor, "VD-1", message(1, clock(), *VICTIM_AT), clock)
    for number in range(1, 4):
        moment = clock.advance(15)
        receipts = send(ingestor, "AM-1", message(number, moment, 52.0950, 5.1300), clock)
    [alarm] = Alarm.objects.filter(kind="approach")
    assert alarm.device_id == "AM-1" and alarm.priority == 2
    assert alarm.detail["subject"] == "VD-1" and "lat" not in alarm.detail
    assert alarm.ping_device == "AM-1" and alarm.ping_message_id == 2  # two pings inside: dwell
    targets = set(Delivery.objects.filter(alarm=alarm).values_list("target", "status"))
    assert targets == {("console", "pending"), ("device:VD-1", "pending")}
    assert Device.objects.get(id="AM-1").report_interval_seconds == 15
    assert Command.objects.filter(device_id="VD-1", report_interval_seconds=15).exists()
    assert receipts[0].status == "stored"


def test_a_single_fix_inside_is_a_stored_suppression_with_its_reason(pair, clock):
    ingestor = Ingestor(clock=clock)
    send(ingestor, "VD-1", message(1, clock(), *VICTIM_AT), clock)
    send(ingestor, "AM-1", message(1, clock.advance(15), 52.0950, 5.1300), clock)
    send(ingestor, "AM-1", message(2, clock.advance(60), 52.1040, 5.1214), clock)  # 1.5 km
    assert not Alarm.objects.filter(kind="approach").exists()
    [suppressed] = Suppression.objects.filter(kind="approach")
    assert "dwell" in suppressed.reason and suppressed.ping_message_id == 2


def test_bad_messages_are_rejected_with_the_reason(pair, clock):
    ingestor = Ingestor(clock=clock)
    receipts = ingestor.accept(
        [
            Incoming("AM-1", b"not json", "mqtt", clock()),
            Incoming("AM-1", {"msg": 1, "t": T0.timestamp(), "lat": 91, "lon": 5}, "mqtt", clock()),
            Incoming("NOPE", message(1, T0, *HOME), "mqtt", clock()),
            Incoming("AM-1", {"msg": 2, "t": T0.timestamp()}, "mqtt", clock()),
        ]
    )
    assert [r.status for r in receipts] == ["rejected"] * 4
    assert "JSON" in receipts[0].error and "'lat'" in receipts[1].error
    assert "unknown device" in receipts[2].error and "'lat' is required" in receipts[3].error
    assert not Ping.objects.exists()


def test_a_heartbeat_with_a_cut_strap_alarms_and_a_restart_does_not_repeat_it(pair, clock):
    ingestor = Ingestor(clock=clock)
    beat = {"msg": 1, "type": "heartbeat", "t": clock().timestamp(), "strap": False}
    send(ingestor, "AM-1", beat, clock)
    assert list(Alarm.objects.values_list("kind", "priority")) == [("strap_tamper", 1)]
    clock.advance(30)
    restarted = Ingestor(clock=clock)
    assert restarted.load() == 1
    [resent] = send(restarted, "AM-1", beat, clock)
    assert resent.status == "duplicate"  # highest message number restored from the log
    still_cut = {"msg": 2, "type": "heartbeat", "t": clock().timestamp(), "strap": False}
    send(restarted, "AM-1", still_cut, clock)
    assert Alarm.objects.filter(kind="strap_tamper").count() == 1  # latched state replayed


def test_a_separated_bracelet_is_stored_alarms_and_stays_latched_after_a_restart(pair, clock):
    ingestor = Ingestor(clock=clock)
    apart = {"msg": 1, "type": "heartbeat", "t": clock().timestamp(), "unit": False}
    send(ingestor, "AM-1", apart, clock)
    assert list(Alarm.objects.values_list("kind", "priority")) == [("unit_separation", 1)]
    assert list(Ping.objects.values_list("unit_linked", flat=True)) == [False]
    clock.advance(30)
    restarted = Ingestor(clock=clock)
    restarted.load()
    still_apart = {"msg": 2, "type": "heartbeat", "t": clock().timestamp(), "unit": False}
    send(restarted, "AM-1", still_apart, clock)
    assert Alarm.objects.filter(kind="unit_separation").count() == 1  # replayed from the log


def test_a_zone_breach_is_detected_from_the_stored_encrypted_zone(pair, clock):
    ingestor = Ingestor(clock=clock)
    for number in range(1, 4):
        send(ingestor, "AM-1", message(number, clock.advance(15), *HOME), clock)
    assert Alarm.objects.filter(kind="zone_breach", detail__subject="home").count() == 1


def test_a_failed_commit_stores_nothing_and_the_resend_still_alarms(pair, clock, monkeypatch):
    ingestor = Ingestor(clock=clock)
    send(ingestor, "VD-1", message(1, clock(), *VICTIM_AT), clock)
    send(ingestor, "AM-1", message(1, clock.advance(15), 52.0950, 5.1300), clock)
    original = ingest.insert_rows

    def failing(model, columns, rows):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ingest, "insert_rows", failing)
    second = message(2, clock.advance(15), 52.0950, 5.1300)
    with pytest.raises(RuntimeError):
        send(ingestor, "AM-1", second, clock)
    assert not Alarm.objects.exists() and Ping.objects.count() == 2
    monkeypatch.setattr(ingest, "insert_rows", original)
    [receipt] = send(ingestor, "AM-1", second, clock)  # the device resends: not acknowledged
    assert receipt.status == "stored"
    assert Alarm.objects.filter(kind="approach").count() == 1


def test_signal_loss_is_raised_on_the_clock_tick(pair, clock):
    ingestor = Ingestor(clock=clock)
    ingestor.load()
    send(ingestor, "VD-1", message(1, clock(), *VICTIM_AT), clock)
    clock.advance(timedelta(minutes=6).total_seconds())
    assert ingestor.tick() == 1
    [alarm] = Alarm.objects.filter(kind="signal_loss")
    assert alarm.device_id == "AM-1"
    assert ingestor.tick() == 0


def test_a_signal_loss_alarm_that_could_not_be_stored_is_raised_on_the_next_tick(
    pair, clock, monkeypatch
):
    ingestor = Ingestor(clock=clock)
    ingestor.load()
    send(ingestor, "VD-1", message(1, clock(), *VICTIM_AT), clock)
    clock.advance(timedelta(minutes=6).total_seconds())

    def database_down(alarms, pushed_at=None):
        raise RuntimeError("connection lost")

    monkeypatch.setattr(ingestor, "_store_alarms", database_down)
    with pytest.raises(RuntimeError):
        ingestor.tick()
    assert not Alarm.objects.exists()
    monkeypatch.undo()
    assert ingestor.tick() == 1
    assert Alarm.objects.get(kind="signal_loss").device_id == "AM-1"


def test_a_restart_replays_the_log_in_a_few_queries(pair, clock, django_assert_max_num_queries):
    ingestor = Ingestor(clock=clock)
    for number in range(1, 21):
        send(ingestor, "AM-1", message(number, clock.advance(15), *FAR), clock)
    with django_assert_max_num_queries(8):
        assert Ingestor(clock=clock).load() == 1
