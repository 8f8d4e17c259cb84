"""The engine worker's MQTT side (MQTT 3.1.1, Mosquitto).

Topics, partitioned by pair so that both devices of a pair always reach the same worker
(a round-robin shared subscription would split them and miss alarms)::

    patroon/v1/p/<partition>/<device id>   device -> hub: positions, heartbeats, acks (QoS 1)
    patroon/v1/d/<device id>               hub -> device: receipts, report rate, alarms

A worker holds one persistent MQTT session (``clean_session`` off) per partition it owns, so
the broker keeps what arrives while the worker is down and re-sends what it had not yet
acknowledged. The PUBACK for a message goes out only after its group commit, so a crash loses
nothing the broker accepted. One session per partition also multiplies the broker's in-flight
window (20 unacknowledged messages per session by default). After the commit the device gets a
receipt on its own topic with the message numbers stored: that receipt, not the broker's
PUBACK, is what lets a device drop a message from its buffer.

The sessions run on one asyncio loop in a thread of their own (``mqtt_wire``); the database
work stays on the pipeline's threads.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections import defaultdict
from datetime import timedelta

import msgspec
import uvloop
from django.utils import timezone

from patroon.proximity.ingest import Incoming, Receipt, pending_alarms, told_to_victim
from patroon.proximity.mqtt_wire import Session, open_session
from patroon.proximity.pipeline import Pipeline

log = logging.getLogger(__name__)

PREFIX = "patroon/v1"
# An alarm a victim device has not confirmed is sent again after this long.
REDELIVER_AFTER = timedelta(seconds=30)
RECONNECT_AFTER_S = 1.0
# How long the session loop gathers messages before handing them to the pipeline.
COLLECT_FOR_S = 0.005


def inbound_topic(partition: int, device_id: str, prefix: str = PREFIX) -> str:
    return f"{prefix}/p/{partition:02d}/{device_id}"


def outbound_topic(device_id: str, prefix: str = PREFIX) -> str:
    return f"{prefix}/d/{device_id}"


def _abort(sessions) -> None:
    for session in sessions:
        session.transport.abort()


def drop_sessions(name: str, partitions, host: str = "127.0.0.1", port: int = 1883) -> None:
    """Drops a worker's persistent broker sessions (tests and benchmarks; a real worker keeps
    them, so the broker holds what arrives while it restarts)."""

    async def forget() -> None:
        for partition in partitions:
            session = await open_session(host, port, f"{name}-p{partition:02d}", clean=True)
            session.disconnect()

    # A thread of its own: the caller's thread may already run an event loop.
    thread = threading.Thread(target=asyncio.run, args=(forget(),))
    thread.start()
    thread.join()


class MqttWorker:
    def __init__(
        self,
        pipeline: Pipeline,
        partitions,
        host: str = "127.0.0.1",
        port: int = 1883,
        name: str = "patroon-engine",
        prefix: str = PREFIX,
    ):
        """``prefix`` separates installations (and test runs) sharing one broker."""
        self.pipeline = pipeline
        self.partitions = sorted(partitions)
        self.host, self.port, self.name, self.prefix = host, port, name, prefix
        self.sessions: dict[int, Session] = {}
        self.publisher: Session | None = None
        self.connected = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopping: asyncio.Event | None = None
        self._pending: list[Incoming] = []
        pipeline.after_commit = self._after_commit
        pipeline.ingestor.pushes_new_alarms = True
        pipeline.on_tick = self._redeliver

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> MqttWorker:
        self._thread = threading.Thread(target=self._run, name="proximity-mqtt", daemon=True)
        self._thread.start()
        return self

    def wait_connected(self, timeout: float = 15.0) -> bool:
        return self.connected.wait(timeout)

    def stop(self, forget_sessions: bool = False) -> None:
        """``forget_sessions`` also drops the broker's persistent sessions (tests, benchmarks):
        otherwise the broker keeps queueing for a worker that will not return."""
        if self.loop is not None and self._stopping is not None:
            self.loop.call_soon_threadsafe(self._stopping.set)
        if self._thread is not None:
            self._thread.join(15)
        if forget_sessions:
            drop_sessions(self.name, self.partitions, self.host, self.port)

    def _run(self) -> None:
        uvloop.run(self._serve())

    async def _serve(self) -> None:
        self.loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        self.publisher = await open_session(self.host, self.port, f"{self.name}-out", clean=True)
        keepers = [asyncio.create_task(self._keep(p)) for p in self.partitions]
        await self._stopping.wait()
        for task in keepers:
            task.cancel()
        for session in [*self.sessions.values(), self.publisher]:
            session.disconnect()
        await asyncio.sleep(0.1)

    async def _keep(self, partition: int) -> None:
        """Holds the partition's session open, reconnecting after a loss (the broker then
        re-sends what was not acknowledged)."""
        while True:
            try:
                session = await open_session(
                    self.host,
                    self.port,
                    f"{self.name}-p{partition:02d}",
                    subscribe=f"{self.prefix}/p/{partition:02d}/+",
                    on_messages=self._on_messages,
                )
            except (OSError, ConnectionError, TimeoutError) as exc:
                log.error("proximity: MQTT partition %02d: %s", partition, exc)
                await asyncio.sleep(RECONNECT_AFTER_S)
                continue
            self.sessions[partition] = session
            if len(self.sessions) == len(self.partitions):
                self.connected.set()
            await session.closed
            log.warning("proximity: MQTT partition %02d lost; reconnecting", partition)
            await asyncio.sleep(RECONNECT_AFTER_S)

    # -- inbound ---------------------------------------------------------------------------

    def _on_messages(self, session: Session, messages) -> None:
        now = timezone.now()
        if not self._pending:
            # Whatever else arrives in the next few milliseconds goes along: every hand-over to
            # the pipeline costs a thread wake-up, and they cost more than the messages did.
            self.loop.call_later(COLLECT_FOR_S, self._flush)
        for topic, payload, packet_id in messages:
            device_id = topic.rsplit("/", 1)[-1]
            reply = (session, packet_id)
            self._pending.append(Incoming(device_id, payload, "mqtt", now, reply=reply))

    def _flush(self) -> None:
        batch, self._pending = self._pending, []
        future = self.pipeline.submit(batch)
        future.add_done_callback(functools.partial(self._if_refused, batch))

    def _if_refused(self, batch: list[Incoming], done) -> None:
        """Nothing of a refused batch is acknowledged: new sessions make the broker send it
        all again. (Stored batches are acknowledged in ``_after_commit``.)"""
        if done.exception() is not None:
            sessions = {item.reply[0] for item in batch}
            self.loop.call_soon_threadsafe(_abort, sessions)

    def _answer(self, acks: dict[Session, list[int]], messages: list) -> None:
        """On the session loop: the group's PUBACKs, then receipts and alarms."""
        for session, packet_ids in acks.items():
            session.ack(packet_ids)
        if messages and self.publisher is not None:
            self.publisher.publish_many(messages)

    # -- outbound (called on the pipeline's threads) ----------------------------------------

    def _send(self, documents: list[tuple[str, dict, int]], acks=None) -> None:
        messages = [
            (outbound_topic(device, self.prefix), msgspec.json.encode(doc), qos)
            for device, doc, qos in documents
        ]
        if (messages or acks) and self.loop is not None:
            self.loop.call_soon_threadsafe(self._answer, acks or {}, messages)

    def _after_commit(self, items: list[Incoming], receipts: list[Receipt], alarms) -> None:
        """Once per stored group, in one hand-over to the session loop: the broker's PUBACKs,
        the devices' receipts and the new alarms pushed to their victims' devices. The
        PUBACKs go even if building the rest fails, or the broker would stop sending."""
        acks: dict[Session, list[int]] = defaultdict(list)
        documents: list[tuple[str, dict, int]] = []
        try:
            for item in items:
                if item.reply is not None and item.reply[1]:
                    acks[item.reply[0]].append(item.reply[1])
            documents = self._answers(items, receipts, alarms)
        finally:
            self._send(documents, acks)

    @staticmethod
    def _answers(items: list[Incoming], receipts: list[Receipt], alarms) -> list:
        answers: dict[str, dict] = defaultdict(dict)
        for item, receipt in zip(items, receipts, strict=True):
            if item.transport != "mqtt":
                continue
            answer = answers[item.device_id]
            if receipt.status == "rejected":
                # Told, so that the device stops sending a message that will never be taken.
                refusal = {"msg": receipt.message_id, "error": receipt.error}
                answer.setdefault("rejected", []).append(refusal)
                continue
            answer.setdefault("stored", []).append(receipt.message_id)
            if receipt.report_interval_seconds:
                answer["report_interval_seconds"] = receipt.report_interval_seconds
        documents = [(device_id, answer, 0) for device_id, answer in answers.items()]
        # The group's new alarms, from memory: the push is already counted with the
        # deliveries; older unconfirmed ones are the clock's (``_redeliver``).
        news: dict[str, list[dict]] = defaultdict(list)
        for alarm, victims in alarms:
            for victim in victims:
                news[victim].append(told_to_victim(alarm))
        documents.extend((device_id, {"alarms": told}, 1) for device_id, told in news.items())
        return documents

    def _redeliver(self) -> None:
        """On the pipeline's clock thread, while the collecting thread may add devices: the
        list is taken in one step (a loop over the live dict could see it change size)."""
        devices = list(self.pipeline.ingestor.devices.values())
        owned = {device.id for device in devices if device.kind == "victim_device"}
        due = pending_alarms(owned, timezone.now(), REDELIVER_AFTER)
        self._send([(device_id, {"alarms": alarms}, 1) for device_id, alarms in due.items()])
