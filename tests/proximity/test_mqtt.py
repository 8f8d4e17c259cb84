"""Through the real broker (Mosquitto on 127.0.0.1:1883): a device publishes, the worker
stores and only then confirms; an approach reaches the victim device over MQTT and its
confirmation marks the delivery."""

import json
import queue
import uuid
from datetime import UTC, datetime, timedelta

import paho.mqtt.client as paho
import pytest

from patroon.accounts.actor import SYSTEM
from patroon.proximity import mqtt, services
from patroon.proximity.ingest import Ingestor
from patroon.proximity.models import Alarm, Delivery, Ping
from patroon.proximity.mqtt import MqttWorker, inbound_topic, outbound_topic
from patroon.proximity.pipeline import Pipeline
from patroon.proximity.store import PARTITIONS

pytestmark = pytest.mark.django_db(transaction=True)


class Device:
    """A device's side of MQTT: publishes on its inbound topic, reads its outbound topic."""

    def __init__(self, device_id: str, partition: int, prefix: str) -> None:
        self.id, self.partition, self.prefix = device_id, partition, prefix
        self.inbox: queue.Queue = queue.Queue()
        self.client = paho.Client(paho.CallbackAPIVersion.VERSION2, protocol=paho.MQTTv311)
        self.client.on_message = lambda c, u, m: self.inbox.put(json.loads(m.payload))
        self.client.connect("127.0.0.1", 1883)
        self.client.subscribe(outbound_topic(device_id, prefix), qos=1)
        self.client.loop_start()

    def send(self, body: dict) -> None:
        topic = inbound_topic(self.partition, self.id, self.prefix)
        self.client.publish(topic, json.dumps(body), qos=1).wait_for_publish(5)

    def expect(self, key: str, timeout: float = 10.0) -> dict:
        while True:
            document = self.inbox.get(timeout=timeout)
            if key in document:
                return document

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def running():
    prefix = f"patroon-test-{uuid.uuid4().hex[:8]}/v1"
    paired = services.pair_devices(
        SYSTEM, perpetrator_device="AM-M", victim_devices=["VD-M"], measure=None, simulated=True
    )
    pipeline = Pipeline(Ingestor()).start()
    worker = MqttWorker(
        pipeline, range(PARTITIONS), name=f"test-{uuid.uuid4().hex[:8]}", prefix=prefix
    )
    worker.start()
    assert worker.wait_connected(), "the MQTT broker on 127.0.0.1:1883 is not reachable"
    partition = paired.pair.partition
    devices = {d: Device(d, partition, prefix) for d in ("AM-M", "VD-M")}
    yield devices | {"worker": worker}
    for device in devices.values():
        device.close()
    worker.stop(forget_sessions=True)
    pipeline.stop()


def position(number: int, lat: float, lon: float, ago: float = 0.0) -> dict:
    moment = datetime.now(UTC).timestamp() - ago
    return {"msg": number, "t": moment, "lat": lat, "lon": lon}


def test_a_position_is_stored_before_its_receipt_and_an_approach_reaches_the_victim(running):
    victim, wearer = running["VD-M"], running["AM-M"]
    victim.send(position(1, 52.0907, 5.1214))
    assert victim.expect("stored")["stored"] == [1]
    assert Ping.objects.filter(device_id="VD-M", message_id=1, transport="mqtt").exists()
    wearer.send(position(1, 52.0950, 5.1300, ago=15))
    wearer.send(position(2, 52.0951, 5.1301))
    receipt = wearer.expect("report_interval_seconds")
    assert receipt["report_interval_seconds"] == 15
    told = victim.expect("alarms")["alarms"]
    assert [a["kind"] for a in told] == ["approach"]
    assert set(told[0]) == {"id", "kind", "priority", "time"}  # never a position
    victim.send(
        {"msg": 2, "type": "ack", "t": datetime.now(UTC).timestamp(), "alarms": [told[0]["id"]]}
    )
    victim.expect("stored")
    delivery = Delivery.objects.get(alarm_id=told[0]["id"], target="device:VD-M")
    assert delivery.status == "delivered" and delivery.attempts == 1
    assert Alarm.objects.filter(kind="approach").count() == 1


def test_an_alarm_the_victim_device_has_not_confirmed_is_sent_again_and_counted(
    running, monkeypatch
):
    victim, wearer = running["VD-M"], running["AM-M"]
    victim.send(position(1, 52.0907, 5.1214))
    victim.expect("stored")
    wearer.send(position(1, 52.0950, 5.1300, ago=15))
    wearer.send(position(2, 52.0951, 5.1301))
    [first] = victim.expect("alarms")["alarms"]
    delivery = Delivery.objects.get(alarm_id=first["id"], target="device:VD-M")
    assert delivery.status == "pending" and delivery.attempts == 1  # the push, counted
    worker = running["worker"]
    worker._redeliver()  # the clock, before REDELIVER_AFTER: nothing yet
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    monkeypatch.setattr(mqtt, "REDELIVER_AFTER", timedelta(0))
    worker._redeliver()
    assert victim.expect("alarms")["alarms"] == [first]
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.attempts == 2


def test_a_refused_message_is_answered_so_the_device_stops_sending_it(running):
    victim = running["VD-M"]
    victim.send({"msg": 7, "t": datetime.now(UTC).timestamp(), "lat": 95.0, "lon": 5.1})
    [refusal] = victim.expect("rejected")["rejected"]
    assert refusal["msg"] == 7 and "'lat'" in refusal["error"]
    assert not Ping.objects.filter(device_id="VD-M").exists()


def test_a_group_whose_commit_fails_is_not_acknowledged_and_the_broker_sends_it_again(
    running, monkeypatch
):
    failures = []
    commit = Ingestor.commit

    def fails_once(self, prepared):
        if not failures:
            failures.append(len(prepared.pings))
            raise RuntimeError("the database went away")
        commit(self, prepared)

    monkeypatch.setattr(Ingestor, "commit", fails_once)
    victim = running["VD-M"]
    victim.send(position(1, 52.0907, 5.1214))
    assert victim.expect("stored", timeout=20)["stored"] == [1]
    assert failures == [1]
    assert Ping.objects.filter(device_id="VD-M", message_id=1).count() == 1
