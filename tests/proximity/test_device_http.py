"""The HTTPS device endpoint: authenticated per device, stored before the 200, resends
harmless, problem+json for bad requests, and a victim device learns of an alarm (never the
wearer's position) in its next answer."""

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from asgiref.testing import ApplicationCommunicator

from patroon.accounts.actor import SYSTEM
from patroon.proximity import services
from patroon.proximity.device_http import DeviceEndpoint
from patroon.proximity.ingest import Ingestor
from patroon.proximity.models import Delivery, Ping
from patroon.proximity.pipeline import Pipeline

pytestmark = pytest.mark.django_db(transaction=True)


async def not_here(scope, receive, send):
    raise AssertionError("the device endpoint passed a device request on")


@pytest.fixture
def endpoint(paired):
    pipeline = Pipeline(Ingestor()).start()
    yield DeviceEndpoint(not_here, pipeline_factory=lambda: pipeline)
    pipeline.stop()


@pytest.fixture
def paired(transactional_db):
    return services.pair_devices(
        SYSTEM, perpetrator_device="AM-H", victim_devices=["VD-H"], measure=None, simulated=True
    )


def post(app, device, secret, body, path="/device/v1/messages"):
    headers = [(b"content-type", b"application/json")]
    if device:
        headers.append((b"authorization", f"Device {device}:{secret}".encode()))
    scope = {"type": "http", "method": "POST", "path": path, "headers": headers}

    async def exchange():
        talk = ApplicationCommunicator(app, scope)
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        await talk.send_input({"type": "http.request", "body": raw, "more_body": False})
        start = await talk.receive_output(10)
        content = await talk.receive_output(10)
        kind = dict(start["headers"])[b"content-type"].decode()
        return start["status"], kind, json.loads(content["body"])

    # In a thread of its own: another test may leave an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, exchange()).result()


def at(ago: float) -> float:
    return datetime.now(UTC).timestamp() - ago


def test_a_stored_position_is_confirmed_and_a_resend_is_a_duplicate(endpoint, paired):
    secret = paired.secrets["VD-H"]
    body = {"msg": 1, "t": at(0), "lat": 52.0907, "lon": 5.1214, "acc": 6}
    status, _, document = post(endpoint, "VD-H", secret, body)
    assert status == 200 and document["receipts"] == [{"msg": 1, "status": "stored"}]
    assert Ping.objects.filter(device_id="VD-H", transport="http").count() == 1
    status, _, document = post(endpoint, "VD-H", secret, [body])
    assert document["receipts"] == [{"msg": 1, "status": "duplicate"}]
    assert Ping.objects.count() == 1


def test_wrong_secret_and_bad_bodies_get_problem_json(endpoint, paired):
    body = {"msg": 1, "t": at(0), "lat": 52.0, "lon": 5.1}
    status, kind, problem = post(endpoint, "VD-H", "wrong", body)
    assert status == 401 and kind == "application/problem+json"
    status, kind, problem = post(endpoint, None, None, body)
    assert status == 401 and "Authorization" in problem["detail"]
    status, _, problem = post(endpoint, "VD-H", paired.secrets["VD-H"], b"{not json")
    assert status == 400 and problem["title"] == "Body is not JSON"
    status, _, document = post(endpoint, "VD-H", paired.secrets["VD-H"], {"msg": 1, "t": at(0)})
    assert status == 200 and document["receipts"][0]["status"] == "rejected"
    assert "'lat' is required" in document["receipts"][0]["error"]
    status, _, _ = post(endpoint, "VD-H", paired.secrets["VD-H"], body, path="/device/v1/other")
    assert status == 404
    assert not Ping.objects.exists()


HOME = {"lat": 52.0907, "lon": 5.1214}


def approach(endpoint, paired) -> dict:
    """The victim's device reports where she is, then the wearer comes within 1 km twice:
    an approach alarm. Returns the wearer's answer."""
    post(endpoint, "VD-H", paired.secrets["VD-H"], {"msg": 1, "t": at(30), **HOME})
    near = [
        {"msg": 1, "t": at(20), "lat": 52.0950, "lon": 5.1300},
        {"msg": 2, "t": at(5), "lat": 52.0951, "lon": 5.1301},
    ]
    return post(endpoint, "AM-H", paired.secrets["AM-H"], near)[2]


def test_the_victim_device_learns_of_the_approach_in_its_next_answer(endpoint, paired):
    victim = paired.secrets["VD-H"]
    answer = approach(endpoint, paired)
    assert answer["report_interval_seconds"] == 15 and answer["alarms"] == []
    _, _, answer = post(
        endpoint, "VD-H", victim, {"msg": 2, "t": at(0), "lat": 52.0907, "lon": 5.1214}
    )
    [alarm] = answer["alarms"]
    assert alarm["kind"] == "approach" and set(alarm) == {"id", "kind", "priority", "time"}
    ack = {"msg": 3, "type": "ack", "t": at(0), "alarms": [alarm["id"]]}
    _, _, answer = post(endpoint, "VD-H", victim, ack)
    assert answer["alarms"] == []
    assert Delivery.objects.get(target="device:VD-H").status == "delivered"


def test_an_alarm_still_untold_reaches_the_victim_device_after_a_restart(endpoint, paired):
    victim = paired.secrets["VD-H"]
    approach(endpoint, paired)
    assert Delivery.objects.get(target="device:VD-H").status == "pending"

    restarted = Pipeline(Ingestor()).start()  # knows nothing of what is untold, reads it
    try:
        again = DeviceEndpoint(not_here, pipeline_factory=lambda: restarted)
        body = {"msg": 2, "t": at(0), "lat": 52.0907, "lon": 5.1214}
        _, _, answer = post(again, "VD-H", victim, body)
    finally:
        restarted.stop()
    assert [alarm["kind"] for alarm in answer["alarms"]] == ["approach"]


def test_an_endpoint_serving_a_share_of_the_partitions_refuses_the_others_by_name(paired):
    own = paired.pair.partition
    other = (own + 1) % 64
    pipeline = Pipeline(Ingestor([own])).start()
    try:
        share = DeviceEndpoint(not_here, pipeline_factory=lambda: pipeline, partitions=[own])
        secret = paired.secrets["VD-H"]
        body = {"msg": 1, "t": at(0), "lat": 52.0907, "lon": 5.1214}
        status, _, problem = post(share, "VD-H", secret, body, f"/device/v1/p/{other:02d}/messages")
        assert status == 421 and f"Partition {other:02d}" in problem["detail"]
        status, _, problem = post(share, "VD-H", secret, body)
        assert status == 421 and "/device/v1/p/NN/messages" in problem["detail"]
        assert not Ping.objects.exists()
        status, _, document = post(share, "VD-H", secret, body, f"/device/v1/p/{own:02d}/messages")
        assert status == 200 and document["receipts"] == [{"msg": 1, "status": "stored"}]
    finally:
        pipeline.stop()


def test_an_endpoint_serving_every_partition_takes_either_path(endpoint, paired):
    secret = paired.secrets["VD-H"]
    path = f"/device/v1/p/{paired.pair.partition:02d}/messages"
    body = {"msg": 1, "t": at(0), "lat": 52.0907, "lon": 5.1214}
    status, _, document = post(endpoint, "VD-H", secret, body, path)
    assert status == 200 and document["receipts"] == [{"msg": 1, "status": "stored"}]
    status, _, _ = post(endpoint, "VD-H", secret, body, "/device/v1/p/7/messages")
    assert status == 404
