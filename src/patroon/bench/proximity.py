"""``patroon bench proximity``: the victim-device pipeline under national load.

A simulated world (replayed real GPS traces with injected approaches, zone breaches, tampers and
a motorway passing per scenario pair) of N pairs, every device reporting every 10 s, is played
in real time against real processes on this machine:

* **MQTT**: the engine worker (``patroon proximity worker``) in its own process, Mosquitto in
  between, this process as the devices. Every 30 s, 5 seconds of the devices' messages are
  held back and then sent together with the live ones: bursts of twice the rate. The cycle
  divides a minute, so every 60-second window offers the same load (4,000/s for 20,000
  pairs) and the lowest sustained rate measures the system, not where the bursts fell.
* **HTTPS**: the device endpoint under uvicorn, devices posting one message per request over
  kept-alive connections on one event loop, with the same bursts. Latency counts from the
  moment the device sends, so a message that waits for a free connection counts too.

A message counts as stored when its receipt arrives (the worker sends it after the commit);
latency is from the device's send to that receipt. An alarm's latency is that of the ping that
raised it. The database is read afterwards: every sent message must be there exactly once."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import numpy as np
import uvloop

from patroon.bench.common import machine

INTERVAL_S = 10
RESEND_AFTER_S = 20.0
BURST_EVERY_S = 30
BURST_HOLD_S = 5


class _Answer(msgspec.Struct):
    """What a device reads of the hub's message on its topic."""

    stored: list[int] = []
    rejected: list[dict] = []
    alarms: list[dict] = []


_read_answer = msgspec.json.Decoder(_Answer).decode


def _percentiles(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    data = np.array(values) * 1000
    return {
        "n": len(values),
        "p50_ms": round(float(np.percentile(data, 50)), 1),
        "p95_ms": round(float(np.percentile(data, 95)), 1),
        "p99_ms": round(float(np.percentile(data, 99)), 1),
        "max_ms": round(float(data.max()), 1),
    }


def _by_window(
    sent: dict, latencies: dict, window: float = 30.0, percentile: float = 99
) -> list[float]:
    """A percentile of the latencies of the messages sent in each ``window`` seconds: shows
    whether the tail comes from the bursts, from a slow start or from a growing log."""
    if not latencies:
        return []
    start = min(sent.values())
    groups: dict[int, list[float]] = {}
    for key, latency in latencies.items():
        groups.setdefault(int((sent[key] - start) // window), []).append(latency)
    return [
        round(float(np.percentile(groups[i], percentile)) * 1000, 1) if i in groups else None
        for i in range(max(groups) + 1)
    ]


def _counts_by_window(sent: dict, latencies: dict, window: float) -> list[int]:
    """How many of ``latencies`` were sent in each ``window`` seconds (as ``_by_window``)."""
    start = min(sent.values(), default=0.0)
    counts = Counter(int((sent[key] - start) // window) for key in latencies)
    return [counts[i] for i in range(max(counts, default=-1) + 1)]


def _cpu_seconds(pids) -> float:
    """User and system CPU seconds the processes have used so far (Linux ``/proc``)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone, or not Linux
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def _pids_named(name: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


class _CpuMeter:
    """CPU seconds per component over the played stretch: where a 2-core machine goes when
    the latency tail grows (the workers, the database, the broker, the simulated devices)."""

    def __init__(self, engines: list[subprocess.Popen], name: str = "engine_workers"):
        self.groups = {
            name: [p.pid for p in engines],
            "postgres": _pids_named("postgres"),
            "mosquitto": _pids_named("mosquitto"),
            "devices_and_benchmark": [os.getpid()],
        }
        self.started = {name: _cpu_seconds(pids) for name, pids in self.groups.items()}

    def report(self, messages: int) -> dict:
        used = {name: _cpu_seconds(pids) - self.started[name] for name, pids in self.groups.items()}
        return {
            name: {"cpu_s": round(seconds, 1), "us_per_message": round(seconds / messages * 1e6)}
            for name, seconds in used.items()
            if messages
        }


@contextmanager
def _no_collector_pauses():
    """The simulated devices without the cycle collector while they play: a full pass walks
    the hundreds of thousands of messages sent and waited for, and a pause in the devices'
    loop would count as the hub's latency. Playing makes no cycles worth collecting."""
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()


def _unfilled(wire: list) -> dict:
    """One entry per planned message, filled in while the devices play: a dict that grows
    while they play stops their loop to rehash it, and the pause counts against the hub (seen:
    a 30-minute run's store p99 of 0.5 and 1.3 s in the 10 s where the dicts of sent and
    stored messages passed 2.8 and 5.6 million entries)."""
    return dict.fromkeys(key for _, key, _ in wire)


def _filled(moments: dict) -> dict:
    return {key: moment for key, moment in moments.items() if moment is not None}


def _sustained(times: list[float], window: float = 60.0) -> float:
    """The lowest count in any full ``window`` of seconds, per second."""
    if not times:
        return 0.0
    ordered = np.sort(np.array(times))
    start, end = ordered[0], ordered[-1]
    if end - start < window:
        return round(len(ordered) / max(end - start, 1e-9), 1)
    lows = [
        np.searchsorted(ordered, t + window) - np.searchsorted(ordered, t)
        for t in np.arange(start, end - window, 1.0)
    ]
    return round(min(lows) / window, 1)


def _world(pairs: int, seed: int, seconds: float):
    """Built for a start of now; the devices shift every time to when the playing begins."""
    from patroon.proximity.simulation import build_world, default_traces_dir

    start = datetime.now(UTC).replace(microsecond=0)
    return build_world(pairs, seed, start, seconds / 60, default_traces_dir(), INTERVAL_S)


def _release_offset(offset: float) -> float:
    """Seconds after the world's start at which a ping taken at ``offset`` is sent."""
    phase = offset % BURST_EVERY_S
    held = BURST_EVERY_S - 2 * BURST_HOLD_S <= phase < BURST_EVERY_S - BURST_HOLD_S
    return offset + BURST_HOLD_S if held else offset


def _schedule(world) -> list[tuple[float, str, dict]]:
    """(send offset, device, message) for the whole run, in send order."""
    from patroon.proximity.simulate import device_message

    numbers: Counter = Counter()
    plan = []
    for kind, item in world.events():
        if kind != "ping":
            continue
        numbers[item.device] += 1
        offset = (item.time - world.start).total_seconds()
        plan.append(
            # Even numbers: the odd one after each is free for the device's confirmation of
            # an alarm, so message numbers keep rising as a device's own counter would.
            (_release_offset(offset), item.device, device_message(item, 2 * numbers[item.device]))
        )
    plan.sort(key=lambda entry: entry[0])
    return plan


def _env() -> dict:
    return dict(os.environ, PATROON_HTTPS="0")


def _patroon() -> str:
    return str(Path(sys.executable).with_name("patroon"))


def _start(
    command: list[str], ready: str, timeout: float = 120.0, env: dict | None = None
) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603 - our own programs, fixed arguments
        command, env=env or _env(), stderr=subprocess.PIPE, text=True
    )
    deadline = time.time() + timeout
    while time.time() < deadline:
        line = process.stderr.readline()
        if ready in line:
            threading.Thread(target=process.stderr.read, daemon=True).start()
            return process
        if process.poll() is not None:
            raise RuntimeError(f"{command[0]} stopped: {line}")
    raise RuntimeError(f"{' '.join(command)} not ready within {timeout} s")


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()


def _serialised_ahead(world, plan, build) -> tuple[float, float, list]:
    """``build(offset, device, message)`` for every planned message, before the clock starts,
    with the message times moved to the moment of playing: the devices' side should cost the
    machine as little as possible while it is measured. That moment is set from how long a
    sample takes, so that serialising is done by then — a late start sends the first
    seconds' messages in one rush and counts their wait against the hub (seen: a 300-s run
    on a slow machine started 4 s late, and the p99 of its first 30 s was 4.3 s)."""
    sample = plan[:2000]
    clock = time.perf_counter()
    for offset, device, message in sample:
        build(offset, device, dict(message))
    each = (time.perf_counter() - clock) / max(1, len(sample))
    began = time.time() + 2.0 + 2.0 * each * len(plan)
    shift = began - world.start.timestamp()
    wire = []
    for offset, device, message in plan:
        message["t"] += shift
        wire.append(build(offset, device, message))
    if time.time() > began:
        raise RuntimeError(
            f"serialising the devices' messages ended after the start by "
            f"{time.time() - began:.1f} s: the first seconds would be a rush"
        )
    return began, shift, wire


async def _devices_over_mqtt(world, plan, prefix: str, partition: dict) -> dict:
    """All simulated devices as two MQTT sessions on one event loop (the lean ``mqtt_wire``
    client, so that the devices' side costs little of the machine the worker runs on): one
    publishes every message with QoS 1 at its moment, the other collects the receipts.

    Like a real device, a simulated one sends a message again when no receipt came within
    ``RESEND_AFTER_S`` (the broker may drop what a slow worker session cannot take in); its
    latency still counts from the first send, and the number of resends is reported."""
    from patroon.proximity.mqtt import inbound_topic
    from patroon.proximity.mqtt_wire import open_session, publish_head

    rejected: Counter = Counter()
    pushed = Counter()

    last: dict[str, int] = {}
    confirmations: list[tuple[str, bytes, int]] = []
    waiting: dict[tuple[str, int], tuple] = {}  # no receipt yet: the packet, to send again
    resent = 0

    def on_receipts(session, messages) -> None:
        """Receipts, and alarms for victim devices, which confirm them as a device does."""
        now = time.time()
        session.ack([packet_id for _, _, packet_id in messages if packet_id])
        for topic, payload, _ in messages:
            device = topic.rsplit("/", 1)[-1]
            answer = _read_answer(payload)
            for number in answer.stored:
                key = (device, number)
                if number % 2 == 0 and stored.get(key, now) is None:  # first receipt counts
                    stored[key] = now
                    waiting.pop(key, None)
            for item in answer.rejected:
                rejected[item["error"]] += 1
                waiting.pop((device, item.get("msg")), None)
            for alarm in answer.alarms:
                pushed[alarm["kind"]] += 1
            if answer.alarms and device in last:
                ack = {"msg": last[device] + 1, "type": "ack", "t": now}
                ack["alarms"] = [alarm["id"] for alarm in answer.alarms]
                body = json.dumps(ack).encode()
                topic = inbound_topic(partition[device], device, prefix)
                confirmations.append((publish_head(topic, len(body), 1), body, 1))

    def build(offset, device, message):
        topic = inbound_topic(partition[device], device, prefix)
        body = json.dumps(message).encode()
        return offset, (device, message["msg"]), (publish_head(topic, len(body), 1), body, 1)

    began, shift, wire = _serialised_ahead(world, plan, build)
    sent, stored = _unfilled(wire), _unfilled(wire)
    # Opened once the messages are built: serialising holds this loop, and a session that
    # misses its keep-alive meanwhile is closed by the broker (seen: serialising a 30-minute
    # run took 6 minutes, and not one message went out).
    tag = prefix.split("/")[0]
    listener = await open_session(
        "127.0.0.1",
        1883,
        f"{tag}-receipts",
        clean=True,
        subscribe=f"{prefix}/d/#",
        on_messages=on_receipts,
    )
    sender = await open_session("127.0.0.1", 1883, f"{tag}-devices", clean=True)

    def overdue(now: float) -> list:
        nonlocal resent
        late = [key for key in waiting if now - sent[key] > RESEND_AFTER_S * (1 + resent_of[key])]
        for key in late:
            resent_of[key] += 1
        resent += len(late)
        return [waiting[key] for key in late]

    resent_of: Counter = Counter()
    await asyncio.sleep(max(0.0, began - time.time()))
    index = 0
    next_check = began + 1.0
    while index < len(wire):
        now = time.time()
        batch = []
        while index < len(wire) and wire[index][0] <= now - began:
            _, key, packet = wire[index]
            sent[key] = now
            last[key[0]] = key[1]
            waiting[key] = packet
            batch.append(packet)
            index += 1
        batch += confirmations
        confirmations.clear()
        if now >= next_check:
            batch += overdue(now)
            next_check = now + 1.0
        sender.publish_built(batch)
        await asyncio.sleep(0.005)
        if sender.closed.done() or listener.closed.done():
            raise RuntimeError("the broker closed the simulated devices' session")
    played = time.time() - began
    deadline = time.time() + 60
    while waiting and time.time() < deadline:
        sender.publish_built(overdue(time.time()))
        await asyncio.sleep(0.2)
    sender.disconnect()
    listener.disconnect()
    return {
        "sent": _filled(sent),
        "stored": _filled(stored),
        "rejected": rejected,
        "pushed": pushed,
        "played": played,
        "shift": shift,
        "resent": resent,
    }


def _mqtt_phase(world, secrets: dict, workers: int) -> dict:
    from patroon.proximity.mqtt import drop_sessions
    from patroon.proximity.store import PARTITIONS

    tag = uuid.uuid4().hex[:8]
    prefix = f"patroon-bench-{tag}/v1"
    names = [f"bench-{tag}-{index}" for index in range(workers)]
    processes = [
        _start(
            [_patroon(), "proximity", "worker", "--name", name, "--prefix", prefix]
            + ["--partitions", f"{index}/{workers}"],
            '"ready": true',
        )
        for index, name in enumerate(names)
    ]
    partition = {device: part for device, (_, part) in secrets.items()}
    plan = _schedule(world)
    meter = _CpuMeter(processes)
    with _no_collector_pauses():
        run = uvloop.run(_devices_over_mqtt(world, plan, prefix, partition))
    cpu = meter.report(len(run["sent"]))
    for process, name in zip(processes, names, strict=True):
        _stop(process)
        drop_sessions(name, range(PARTITIONS))
    sent, stored, played = run["sent"], run["stored"], run["played"]
    latencies = {key: stored[key] - sent[key] for key in stored if key in sent}
    return {
        "sent": len(sent),
        "receipts": len(stored),
        "rejected": dict(run["rejected"]),
        "seconds": round(played, 1),
        "offered_per_s": round(len(sent) / played, 1),
        "offered_per_s_lowest_60s": _sustained(list(sent.values())),
        "stored_per_s_lowest_60s": _sustained(list(stored.values())),
        "store_latency": _percentiles(list(latencies.values())),
        "store_latency_p99_ms_by_30s": _by_window(sent, latencies),
        # Bursts come every 30 s and last 5: 10-s windows show each burst and its backlog.
        "store_latency_p50_ms_by_10s": _by_window(sent, latencies, 10.0, 50),
        "store_latency_p99_ms_by_10s": _by_window(sent, latencies, 10.0),
        "resent_without_receipt": run["resent"],
        "alarms_pushed_to_victim_devices": sum(run["pushed"].values()),
        "cpu": cpu,
        "_latencies": latencies,
        "_sent": sent,
        "_shift": run["shift"],
    }


def _http_phase(world, secrets: dict, port: int, connections: int, endpoints: int) -> dict:
    """``endpoints`` processes on consecutive ports, each serving its share of the partitions
    (``PATROON_DEVICE_PARTITIONS=i/n``); the devices go straight to the one serving their
    pair, as the proxy would send them."""
    servers = [
        _start(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "patroon.proximity.device_asgi:application",
                "--port",
                str(port + index),
                "--no-access-log",
                "--timeout-keep-alive",
                "75",
                "--log-level",
                "info",
            ],
            "Uvicorn running",
            env=_env() | {"PATROON_DEVICE_PARTITIONS": f"{index}/{endpoints}"},
        )
        for index in range(endpoints)
    ]
    plan = _schedule(world)
    meter = _CpuMeter(servers, "device_endpoints")
    try:
        with _no_collector_pauses():
            run = uvloop.run(_devices_over_http(world, plan, secrets, port, connections, endpoints))
        cpu = meter.report(len(plan))
    finally:
        for server in servers:
            _stop(server)
    sent, stored = run["sent"], run["stored"]
    latencies = {key: stored[key] - sent[key] for key in stored if key in sent}
    return {
        "sent": len(sent),
        "stored_confirmed": len(stored),
        "errors": dict(run["errors"]),
        "seconds": round(run["played"], 1),
        "offered_per_s": round(len(sent) / run["played"], 1),
        "offered_per_s_lowest_60s": _sustained(list(sent.values())),
        "stored_per_s_lowest_60s": _sustained(list(stored.values())),
        "request_latency": _percentiles(list(latencies.values())),
        "waited_for_a_connection": _percentiles(run["waited"]),
        "cpu": cpu,
        "_latencies": latencies,
        "_sent": sent,
        "_shift": run["shift"],
    }


_CONTENT_LENGTH = re.compile(rb"content-length:\s*(\d+)", re.IGNORECASE)


async def _devices_over_http(
    world, plan, secrets: dict, port: int, connections: int, endpoints: int
) -> dict:
    """The HTTPS devices as ``connections`` kept-alive connections on one event loop, shared
    out over the endpoint processes, each posting one message per request at its moment to
    the process serving the device's partition. Latency counts from that moment, so time a
    message waits for a free connection counts against the endpoint too; ``waited`` shows it
    (a real device has a connection of its own: when it grows, raise ``connections``)."""

    def build(offset, device, message):
        secret, partition = secrets[device]
        body = json.dumps(message).encode()
        head = (
            f"POST /device/v1/p/{partition:02d}/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Device {device}:{secret}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        return offset, (device, message["msg"]), (partition % endpoints, head.encode() + body)

    began, shift, wire = _serialised_ahead(world, plan, build)
    work: list[asyncio.Queue] = [asyncio.Queue() for _ in range(endpoints)]
    sent, stored = _unfilled(wire), _unfilled(wire)
    errors: Counter = Counter()
    waited: list[float] = []

    async def post(streams, request: bytes) -> tuple[int, bytes]:
        reader, writer = streams
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        length = _CONTENT_LENGTH.search(head)
        body = await reader.readexactly(int(length.group(1)) if length else 0)
        return int(head[9:12]), body

    async def device_connection(endpoint: int) -> None:
        streams = None
        while (job := await work[endpoint].get()) is not None:
            due, key, request = job
            waited.append(time.time() - due)
            for _ in range(3):  # as a device does: a message without an answer is sent again
                try:
                    streams = streams or await asyncio.open_connection("127.0.0.1", port + endpoint)
                    status, body = await post(streams, request)
                    break
                except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
                    errors[f"{type(exc).__name__} (sent again)"] += 1
                    if streams is not None:
                        streams[1].close()
                    streams = None
            else:
                continue
            if status != 200:
                errors[str(status)] += 1
                continue
            now = time.time()
            for receipt in msgspec.json.decode(body)["receipts"]:
                if receipt["status"] in ("stored", "duplicate"):
                    stored[(key[0], receipt["msg"])] = now
        if streams is not None:
            streams[1].close()

    tasks = [
        asyncio.create_task(device_connection(index % endpoints))
        for index in range(max(connections, endpoints))
    ]
    await asyncio.sleep(max(0.0, began - time.time()))
    index = 0
    while index < len(wire):
        now = time.time()
        while index < len(wire) and began + wire[index][0] <= now:
            offset, key, (endpoint, request) = wire[index]
            due = began + offset
            sent[key] = due
            work[endpoint].put_nowait((due, key, request))
            index += 1
        await asyncio.sleep(0.005)
    for index in range(len(tasks)):
        work[index % endpoints].put_nowait(None)
    await asyncio.gather(*tasks)
    return {
        "sent": _filled(sent),
        "stored": _filled(stored),
        "errors": errors,
        "waited": waited,
        "played": time.time() - began,
        "shift": shift,
    }


def _evidence(world, phase: dict, transport: str) -> dict:
    """What the database holds for this phase, checked against what was sent."""
    from patroon.proximity.models import Alarm, Ping
    from patroon.proximity.simulate import observed_alarms, score_run

    devices = [d for pair in world.pairs for d in (pair.perpetrator, pair.victim)]
    rows = Ping.objects.filter(device_id__in=devices, transport=transport).exclude(kind="ack")
    count = rows.count()
    confirmations = Ping.objects.filter(device_id__in=devices, kind="ack").count()
    distinct = rows.values("device_id", "message_id").distinct().count()
    alarm_rows = list(
        Alarm.objects.filter(
            pair__reference__in=[p.id for p in world.pairs], ping_message_id__isnull=False
        ).values_list("ping_device", "ping_message_id")
    )
    latencies, sent = phase.pop("_latencies"), phase.pop("_sent")
    shift = timedelta(seconds=phase.pop("_shift"))
    alarm_latencies = {key: latencies[key] for key in alarm_rows if key in latencies}
    alarm_latency = list(alarm_latencies.values())
    references = {pair.id: pair.id for pair in world.pairs}
    alarms = [replace(a, time=a.time - shift) for a in observed_alarms(references)]
    result = score_run(world, alarms)
    return {
        "stored_in_database": count,
        "alarm_confirmations_from_victim_devices": confirmations,
        "stored_twice": count - distinct,
        "lost": phase["sent"] - count,
        "alarms": len(alarms),
        "alarm_latency": _percentiles(alarm_latency),
        # Where the tail is: the 10 s of a burst, its backlog, or the simulation's storm.
        "alarm_latency_p99_ms_by_10s": _by_window(sent, alarm_latencies, 10.0),
        "alarms_by_10s": _counts_by_window(sent, alarm_latencies, 10.0),
        "breach_recall_accurate": result["breach_recall_accurate"],
        # Which ones, to look at the pair's stored pings and suppressions.
        "breaches_undetected": [
            event
            for event in result["undetected"]
            if event["kind"] == "zone_breach" and event["accurate"]
        ],
        "recall_accurate": result["recall_accurate"],
        "false_alarms": result["false_alarms"],
        "motorway_passings": result["motorway_passings"],
        "alarms_per_passing_max": result["alarms_per_passing_max"],
    }


def _retire(world) -> None:
    """The MQTT fleet ends before the HTTPS one starts: a device endpoint owns every active
    pair, and would otherwise load and replay the other transport's fleet first."""
    from patroon.proximity.models import DevicePair

    DevicePair.objects.filter(reference__in=[p.id for p in world.pairs]).update(
        status=DevicePair.Status.ENDED
    )


def run(
    pairs: int,
    http_pairs: int,
    seconds: float,
    seed: int,
    port: int,
    connections: int,
    workers: int,
    endpoints: int = 2,
) -> dict:
    from django.db import connections as databases

    from patroon.proximity.services import simulated_fleet
    from patroon.proximity.simulate import fleet_from_world

    report: dict = {
        "benchmark": "proximity",
        "machine": machine(),
        "date": datetime.now(UTC).date().isoformat(),
    }
    report["database"] = databases["default"].vendor
    if pairs:
        world = _world(pairs, seed, seconds)
        built = time.time()
        secrets = simulated_fleet(fleet_from_world(world))
        databases.close_all()
        report["setup_s"] = round(time.time() - built, 1)
        mqtt = _mqtt_phase(world, secrets, workers)
        report["mqtt"] = mqtt | _evidence(world, mqtt, "mqtt")
        _retire(world)
    if http_pairs:
        web = _world(http_pairs, seed + 1, seconds)
        secrets = simulated_fleet(fleet_from_world(web))
        databases.close_all()
        phase = _http_phase(web, secrets, port, connections, endpoints)
        report["http"] = phase | _evidence(web, phase, "http")
    report["pairs"] = {"mqtt": pairs, "http": http_pairs, "report_interval_s": INTERVAL_S}
    report["engine_workers"] = workers
    report["device_endpoints"] = endpoints
    return report
