"""The pipeline decides on the next group while the previous one commits. A group whose
commit fails takes down the group decided on top of it (its engines had seen the lost
messages); the devices resend both and each message is then stored once, with the alarm the
uninterrupted stream would have raised."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from patroon.accounts.actor import SYSTEM
from patroon.proximity import ingest, services
from patroon.proximity.ingest import Incoming, Ingestor
from patroon.proximity.models import Alarm, Ping
from patroon.proximity.pipeline import Pipeline

pytestmark = pytest.mark.django_db(transaction=True)

VICTIM_AT = (52.0907, 5.1214)
NEAR = (52.0950, 5.1300)  # about 700 m away: inside the 1 km alert radius


def fix(device: str, number: int, ago: float, lat: float, lon: float) -> Incoming:
    moment = datetime.now(UTC)
    body = {"msg": number, "t": moment.timestamp() - ago, "lat": lat, "lon": lon, "acc": 5}
    return Incoming(device, body, "http", moment)


@pytest.fixture
def pipeline():
    services.pair_devices(
        SYSTEM, perpetrator_device="AM-P", victim_devices=["VD-P"], measure=None, simulated=True
    )
    running = Pipeline(Ingestor()).start()
    assert running.ready.wait(10)
    yield running
    running.stop()


def test_a_failed_commit_fails_the_group_decided_on_top_and_the_resends_store_once(
    pipeline, monkeypatch
):
    pipeline.submit([fix("VD-P", 1, 60, *VICTIM_AT)]).result(10)
    decided = [threading.Event(), threading.Event()]
    prepare = pipeline.ingestor.prepare

    def counted(items):
        prepared = prepare(items)
        for event in decided:
            if not event.is_set():
                event.set()
                break
        return prepared

    monkeypatch.setattr(pipeline.ingestor, "prepare", counted)
    insert = ingest.insert_rows
    failed = threading.Event()

    def fails_once_the_next_group_is_decided(model, columns, rows):
        if not failed.is_set():
            failed.set()
            assert decided[1].wait(10)
            raise RuntimeError("disk full")
        return insert(model, columns, rows)

    monkeypatch.setattr(ingest, "insert_rows", fails_once_the_next_group_is_decided)
    first = pipeline.submit([fix("AM-P", 1, 30, *NEAR)])
    assert decided[0].wait(10)
    second = pipeline.submit([fix("AM-P", 2, 15, *NEAR)])
    for future in (first, second):
        with pytest.raises(RuntimeError):
            future.result(10)
    assert Ping.objects.filter(device_id="AM-P").count() == 0
    assert not Alarm.objects.exists()

    # The devices resend; the engines were rebuilt from the log, so the approach (two fixes
    # inside the radius) is raised once, on the second fix.
    receipts = pipeline.submit([fix("AM-P", 1, 30, *NEAR), fix("AM-P", 2, 15, *NEAR)]).result(10)
    assert [r.status for r in receipts] == ["stored", "stored"]
    resent = pipeline.submit([fix("AM-P", 2, 15, *NEAR)]).result(10)
    assert [r.status for r in resent] == ["duplicate"]
    assert Ping.objects.filter(device_id="AM-P").count() == 2
    assert list(Alarm.objects.values_list("kind", "ping_message_id")) == [("approach", 2)]


def test_the_clock_escalates_while_the_collecting_thread_is_busy(monkeypatch):
    """Escalation runs on the pipeline's clock thread: a collecting thread busy deciding
    (here: held inside ``prepare``) does not hold it up, and stopping the pipeline stops it."""
    services.pair_devices(
        SYSTEM, perpetrator_device="AM-C", victim_devices=["VD-C"], measure=None, simulated=True
    )
    running = Pipeline(Ingestor(), tick_every=0.05).start()
    release = threading.Event()
    try:
        assert running.ready.wait(10)
        now = datetime.now(UTC)
        panic = {"msg": 1, "t": now.timestamp(), "lat": 52.0, "lon": 5.0, "panic": True}
        assert running.submit([Incoming("VD-C", panic, "http", now)]).result(10)[0].status == (
            "stored"
        )
        alarm = Alarm.objects.get(kind="panic")
        prepare = running.ingestor.prepare

        def held(items):
            release.wait(10)
            return prepare(items)

        monkeypatch.setattr(running.ingestor, "prepare", held)
        later = {"msg": 2, "t": now.timestamp() + 1, "lat": 52.0, "lon": 5.0}
        pending = running.submit([Incoming("VD-C", later, "http", now)])
        Alarm.objects.filter(pk=alarm.pk).update(raised_at=alarm.raised_at - timedelta(minutes=2))
        deadline = time.monotonic() + 5
        while Alarm.objects.get(pk=alarm.pk).escalated_at is None:
            assert time.monotonic() < deadline, "no escalation while the collector was busy"
            time.sleep(0.05)
        assert not pending.done()
    finally:
        release.set()
        running.stop()
    assert pending.result(10)[0].status == "stored"
    assert not running.clock.is_alive()
