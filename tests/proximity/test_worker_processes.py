"""Engine workers as real processes behind the real broker, on a database file of their own:
killing a worker mid-stream loses no accepted ping or alarm, and two workers that split the
partitions raise exactly the alarms one engine would (no alarm missed, lost or duplicated).

The reference is the same simulated world played through one in-memory engine per pair."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import paho.mqtt.client as paho
import pytest

from patroon.proximity.engine import PairEngine
from patroon.proximity.mqtt import drop_sessions, inbound_topic
from patroon.proximity.simulate import device_message
from patroon.proximity.simulation import build_world, default_traces_dir
from patroon.proximity.store import PARTITIONS

PAIRS, MINUTES, INTERVAL, SEED = 120, 8, 20, 5
PATROON = str(Path(sys.executable).with_name("patroon"))


@pytest.fixture
def world_db(tmp_path):
    """A migrated SQLite file with the world's pairs, and the world itself."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=MINUTES)
    env = dict(
        os.environ,
        PATROON_HTTPS="0",
        PATROON_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'workers.sqlite3'}",
    )
    env.pop("DATABASE_URL_VAULT", None)
    subprocess.run([PATROON, "migrate"], env=env, check=True, capture_output=True)  # noqa: S603
    stored = subprocess.run(  # noqa: S603
        [PATROON, "proximity", "fleet", "--pairs", str(PAIRS), "--seed", str(SEED)]
        + ["--start", start.isoformat(), "--minutes", str(MINUTES), "--interval", str(INTERVAL)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    world = build_world(PAIRS, SEED, start, MINUTES, default_traces_dir(), INTERVAL)
    return env, world, json.loads(stored.stdout), tmp_path / "workers.sqlite3"


def reference_alarms(world, pings) -> Counter:
    """Position and sensor alarms of one uninterrupted engine per pair (signal loss depends
    on the wall clock of the ticks, so it is left out here and in the comparison)."""
    engines = {p.id: PairEngine(p.config, started_at=world.start) for p in world.pairs}
    found = Counter()
    for ping in pings:
        pair = world.pair_of[ping.device]
        for alarm in engines[pair].on_ping(ping, now=ping.time).alarms:
            found[(pair, alarm.kind, alarm.device, alarm.time.isoformat())] += 1
    return found


def stored(path: Path) -> tuple[int, int, Counter, int]:
    with sqlite3.connect(path) as db:
        pings, distinct = db.execute(
            "SELECT count(*), count(DISTINCT device_id || ':' || message_id) FROM proximity_ping"
        ).fetchone()
        rows = db.execute(
            "SELECT p.reference, a.kind, a.device_id, a.time FROM proximity_alarm a "
            "JOIN proximity_devicepair p ON p.id = a.pair_id WHERE a.kind != 'signal_loss'"
        ).fetchall()
        consoles = db.execute(
            "SELECT count(*) FROM proximity_delivery WHERE target = 'console'"
        ).fetchone()[0]
    alarms = Counter(
        (ref, kind, device, datetime.fromisoformat(moment).replace(tzinfo=UTC).isoformat())
        for ref, kind, device, moment in rows
    )
    return pings, distinct, alarms, consoles


class Fleet:
    def __init__(self, prefix: str, partitions: dict) -> None:
        self.prefix, self.partitions = prefix, partitions
        self.client = paho.Client(paho.CallbackAPIVersion.VERSION2, protocol=paho.MQTTv311)
        self.client.max_inflight_messages_set(1000)
        self.client.max_queued_messages_set(0)
        self.client.connect("127.0.0.1", 1883)
        self.client.loop_start()
        self.numbers: Counter = Counter()

    def send(self, ping) -> None:
        self.numbers[ping.device] += 1
        message = device_message(ping, self.numbers[ping.device])
        topic = inbound_topic(self.partitions[ping.device], ping.device, self.prefix)
        self.client.publish(topic, json.dumps(message), qos=1)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def start_worker(env, name, prefix, partitions="all") -> subprocess.Popen:
    command = [PATROON, "proximity", "worker", "--name", name, "--prefix", prefix]
    process = subprocess.Popen(  # noqa: S603
        [*command, "--partitions", partitions], env=env, stderr=subprocess.PIPE, text=True
    )
    line = process.stderr.readline()
    assert '"ready": true' in line, line
    return process


def wait_for(path: Path, count: int, timeout: float = 90.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if stored(path)[0] >= count:
            return
        time.sleep(0.5)


BACKLOG = 500


def test_killing_the_worker_mid_stream_loses_no_ping_and_no_alarm(world_db):
    env, world, partitions, path = world_db
    name, prefix = f"crash-{uuid.uuid4().hex[:8]}", f"patroon-test-{uuid.uuid4().hex[:8]}/v1"
    worker = start_worker(env, name, prefix)
    fleet = Fleet(prefix, partitions)
    pings = list(world.pings())
    try:
        for index, ping in enumerate(pings):
            fleet.send(ping)
            if index == len(pings) // 2 - BACKLOG:
                wait_for(path, 1)
                # Paused, so that a backlog waits for it: a worker that keeps up with the
                # devices would otherwise be idle when killed, with nothing in flight.
                worker.send_signal(signal.SIGSTOP)
            if index == len(pings) // 2:
                worker.send_signal(signal.SIGCONT)
                time.sleep(0.05)  # taking in the backlog and writing it
                worker.send_signal(signal.SIGKILL)  # no goodbye: mid-commit if it happens
                worker.wait()
                at_kill = stored(path)[0]
            if index == len(pings) * 3 // 4:
                worker = start_worker(env, name, prefix)
        wait_for(path, len(pings))
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(30)
        fleet.close()
        drop_sessions(name, range(PARTITIONS))
    count, distinct, alarms, consoles = stored(path)
    assert 0 < at_kill < len(pings) // 2  # killed with messages still in flight
    assert count == distinct == len(pings)
    expected = reference_alarms(world, pings)
    assert sum(expected.values()) > 40
    assert alarms == expected
    assert consoles >= sum(expected.values())


def test_two_workers_split_by_partition_miss_and_repeat_no_alarm(world_db):
    env, world, partitions, path = world_db
    tag = uuid.uuid4().hex[:8]
    prefix = f"patroon-test-{tag}/v1"
    workers = [start_worker(env, f"pair-{tag}-{i}", prefix, f"{i}/2") for i in range(2)]
    fleet = Fleet(prefix, partitions)
    pings = list(world.pings())
    try:
        for ping in pings:
            fleet.send(ping)
        wait_for(path, len(pings))
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
            worker.wait(30)
        fleet.close()
        for i in range(2):
            drop_sessions(f"pair-{tag}-{i}", range(PARTITIONS))
    count, distinct, alarms, _ = stored(path)
    assert count == distinct == len(pings)
    expected = reference_alarms(world, pings)
    assert sum(expected.values()) > 40
    assert alarms == expected
    assert set(partitions.values()) & {p for p in range(PARTITIONS) if p % 2 == 0}
    assert set(partitions.values()) & {p for p in range(PARTITIONS) if p % 2 == 1}
