"""Group commit of device messages: parse, decide, persist — and only then acknowledge.

One ``Ingestor`` owns a set of partitions; both devices of a pair are in the pair's partition,
so one engine sees both. ``accept`` takes a batch from any transport (HTTPS, MQTT), runs each
message through its pair's engine and writes pings, alarms, suppressions, deliveries and
commands in one transaction with one audit entry for the batch. The caller acknowledges the
device after ``accept`` returns: a crash before that loses nothing, because the device (or the
broker) sends the message again and the (device, msg) key makes the resend harmless.

If the transaction fails, the engines of the pairs in the batch are thrown away and rebuilt
from the stored log on their next message: their in-memory state had moved past messages that
were never stored.

``accept`` is ``prepare`` (the engines decide, rows are built) followed by ``commit`` (one
transaction). The pipeline runs the two on different threads, so that the engines work on the
next batch while the database writes this one; a batch prepared on top of one that then fails
is failed as well (``abandon``), since its engines' state included the lost messages.
"""

from __future__ import annotations

import secrets
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

from django.db import router, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from patroon.accounts.actor import Actor
from patroon.audit.services import record
from patroon.db.bulk import insert_rows
from patroon.proximity import payload, store
from patroon.proximity.engine import Outcome, PairEngine, Ping
from patroon.proximity.models import (
    Alarm,
    Command,
    Delivery,
    Device,
    DevicePair,
    Suppression,
    Zone,
)
from patroon.proximity.models import Ping as PingRow

INGEST_ACTOR = Actor(
    username="device-ingest", organisation_id=None, organisation_code=None, channel="device"
)
# Enough history to rebuild dwell, hysteresis and latched sensor alarms after a restart.
REPLAY_WINDOW = timedelta(minutes=30)
UNKNOWN_FOR = timedelta(minutes=1)
# What a replay reads of each stored ping (one query; a deferred field would cost one per row).
REPLAYED = (
    "device",
    "pair",
    "kind",
    "time",
    "received_at",
    "position",
    "battery",
    "strap_ok",
    "skin_contact",
    "unit_linked",
    "panic",
)
PING_COLUMNS = (
    "device_id",
    "pair_id",
    "message_id",
    "kind",
    "time",
    "received_at",
    "position",
    "battery",
    "strap_ok",
    "skin_contact",
    "unit_linked",
    "panic",
    "flags",
    "transport",
    "batch",
)
SUPPRESSION_COLUMNS = (
    "pair_id",
    "ping_device",
    "ping_message_id",
    "kind",
    "device",
    "time",
    "reason",
)


@dataclass(slots=True)  # not frozen: a frozen dataclass costs microseconds more to make
class Incoming:
    device_id: str
    raw: bytes | str | dict
    transport: str
    received_at: datetime
    # HTTPS carries the device's secret with each request; MQTT devices are authenticated by
    # the broker (one user per device, allowed to publish only on its own topic).
    secret: str | None = None
    # What the transport needs to acknowledge the message once stored (MQTT: the session and
    # the packet id of its PUBACK).
    reply: object = None


@dataclass
class Receipt:
    status: str  # stored | duplicate | rejected
    error: str = ""
    message_id: int | None = None
    report_interval_seconds: int | None = None
    alarms: list[dict] = field(default_factory=list)


@dataclass
class _Device:
    id: str
    pair_id: uuid.UUID
    kind: str
    secret_hash: str
    max_message_id: int = -1


@dataclass
class _Pair:
    engine: PairEngine
    victims: tuple[str, ...]
    policy_version: str


@dataclass
class Prepared:
    """A batch decided by the engines and waiting for its transaction."""

    receipts: list[Receipt | None]
    fresh: list = field(default_factory=list)
    pings: list[tuple] = field(default_factory=list)
    alarms: list[tuple[Alarm, tuple[str, ...]]] = field(default_factory=list)
    suppressions: list[tuple] = field(default_factory=list)
    commands: dict[str, int] = field(default_factory=dict)
    acks: list[tuple[str, tuple[int, ...]]] = field(default_factory=list)
    batch_id: uuid.UUID = field(default_factory=uuid.uuid4)
    # Alarms stored by the commit: (alarm, victim device ids), for push transports.
    stored_alarms: list[tuple[Alarm, tuple[str, ...]]] = field(default_factory=list)

    @cached_property  # read when the batch is prepared and again when it is settled
    def keys(self) -> set[tuple[str, int]]:
        return {(device.id, message.message_id) for _, _, device, message in self.fresh}

    @property
    def pair_ids(self) -> set[uuid.UUID]:
        return {device.pair_id for _, _, device, _ in self.fresh}

    def final_receipts(self) -> list[Receipt]:
        return [r if r is not None else Receipt("rejected", "not processed") for r in self.receipts]


class Ingestor:
    def __init__(self, partitions: Iterable[int] | None = None, clock: Callable = timezone.now):
        self.partitions = frozenset(partitions) if partitions is not None else None
        self.clock = clock
        self.devices: dict[str, _Device] = {}
        # Unknown device ids are looked up once a minute at most: a flood of them must not
        # become a flood of queries.
        self.unknown: dict[str, datetime] = {}
        self.pairs: dict[uuid.UUID, _Pair] = {}
        self.db = router.db_for_write(PingRow)
        # (device, msg) of batches prepared but not yet committed: a resend of one of them is
        # a duplicate (if that batch fails, every batch prepared after it fails too).
        self.in_flight: set[tuple[str, int]] = set()
        self._in_flight_lock = threading.Lock()
        # Victim devices that may have an alarm still to be told (None: not read yet). Most
        # receipts carry none, and asking the database for every group of HTTPS messages
        # cost the endpoint 8 % of its time.
        self._untold: set[str] | None = None
        self._untold_lock = threading.Lock()
        # Set by a transport that pushes each group's new alarms to the victims' devices as
        # soon as the group is stored (MQTT): the push is then counted with the deliveries in
        # the group's own transaction, instead of a read and an update of its own after it.
        self.pushes_new_alarms = False

    # -- state -----------------------------------------------------------------------------

    def owns(self, partition: int) -> bool:
        return self.partitions is None or partition in self.partitions

    def load(self) -> int:
        """Every active pair of this worker's partitions, with its recent history replayed."""
        pairs = DevicePair.objects.filter(status=DevicePair.Status.ACTIVE)
        if self.partitions is not None:
            pairs = pairs.filter(partition__in=self.partitions)
        self._load_pairs(list(pairs))
        return len(self.pairs)

    def _load_pairs(self, pairs: list[DevicePair]) -> None:
        if not pairs:
            return
        by_id = {p.id: p for p in pairs}
        devices = defaultdict(list)
        for row in Device.objects.filter(pair_id__in=by_id).values_list(
            "id", "pair_id", "kind", "secret_hash"
        ):
            devices[row[1]].append(row)
        zones = defaultdict(list)
        for zone in Zone.objects.filter(pair_id__in=by_id, active=True).order_by("name"):
            zones[zone.pair_id].append(zone)
        now = self.clock()
        for pair_id, pair in by_id.items():
            rows = devices.get(pair_id, [])
            if not any(kind == "ankle_monitor" for _, _, kind, _ in rows):
                continue
            config = store.pair_config(pair, [(d, k) for d, _, k, _ in rows], zones[pair_id])
            self.pairs[pair_id] = _Pair(
                PairEngine(config, now), config.victims, config.policy_version
            )
            for device_id, _, kind, digest in rows:
                self.devices[device_id] = _Device(device_id, pair_id, kind, digest)
        self._replay(list(by_id))

    def _replay(self, pair_ids: list[uuid.UUID]) -> None:
        """Feed the recent log through fresh engines, discarding what they say: what they
        said then is already stored. Also restores the highest message number per device."""
        since = self.clock() - REPLAY_WINDOW
        history = (
            PingRow.objects.filter(pair_id__in=pair_ids, received_at__gte=since)
            .order_by("received_at", "id")
            .only(*REPLAYED)
        )
        for row in history.iterator(chunk_size=2000):
            pair = self.pairs.get(row.pair_id)
            if pair is not None and row.kind != "ack":
                self._decide(
                    pair.engine, store.ping_from_row(row.device_id, row), row.kind, row.received_at
                )
        highest = (
            PingRow.objects.filter(pair_id__in=pair_ids)
            .values("device_id")
            .annotate(top=Max("message_id"))
        )
        for item in highest:
            if item["device_id"] in self.devices:
                self.devices[item["device_id"]].max_message_id = item["top"]

    def device(self, device_id: str) -> _Device | None:
        """A device of this worker; a pair added since start is loaded on its first message."""
        known = self.devices.get(device_id)
        if known is not None:
            return known
        now = self.clock()
        if now - self.unknown.get(device_id, now - UNKNOWN_FOR) < UNKNOWN_FOR:
            return None
        row = Device.objects.filter(id=device_id).select_related("pair").first()
        if (
            row is None
            or row.pair.status != DevicePair.Status.ACTIVE
            or not self.owns(row.pair.partition)
        ):
            if len(self.unknown) > 100_000:
                self.unknown.clear()
            self.unknown[device_id] = now
            return None
        self._load_pairs([row.pair])
        return self.devices.get(device_id)

    def forget(self, pair_ids: Iterable[uuid.UUID]) -> None:
        gone = set(pair_ids)
        for pair_id in gone:
            self.pairs.pop(pair_id, None)
        for device_id in [d for d, info in self.devices.items() if info.pair_id in gone]:
            del self.devices[device_id]

    # -- the hot path ----------------------------------------------------------------------

    @staticmethod
    def _decide(engine: PairEngine, ping: Ping, kind: str, now: datetime) -> Outcome:
        if kind == "heartbeat":
            return engine.on_heartbeat(ping, now)
        return engine.on_ping(ping, now)

    def accept(self, batch: list[Incoming]) -> list[Receipt]:
        """Decide and store a batch in one go (callers without a pipeline)."""
        prepared = self.prepare(batch)
        try:
            self.commit(prepared)
        except Exception:
            self.abandon([prepared])
            raise
        return prepared.final_receipts()

    def prepare(self, batch: list[Incoming]) -> Prepared:
        """Validate, drop resends and let the engines decide; nothing is written yet."""
        prepared = Prepared([None] * len(batch))
        receipts = prepared.receipts
        parsed = []
        for index, item in enumerate(batch):
            device = self.device(item.device_id)
            if device is None:
                receipts[index] = Receipt("rejected", "unknown device or not served here")
                continue
            if item.secret is not None and not secrets.compare_digest(
                device.secret_hash, store.secret_hash(item.secret)
            ):
                receipts[index] = Receipt("rejected", "unauthorized")
                continue
            try:
                message = payload.parse(item.raw)
            except payload.PayloadError as exc:
                number = payload.message_number(item.raw)
                receipts[index] = Receipt("rejected", str(exc), message_id=number)
                continue
            parsed.append((index, item, device, message))
        prepared.fresh = self._fresh(parsed, receipts)
        try:
            self._decide_all(prepared)
        except Exception:
            self.forget(prepared.pair_ids)
            raise
        with self._in_flight_lock:
            self.in_flight |= prepared.keys
        for _, _, device, message in prepared.fresh:
            device.max_message_id = max(device.max_message_id, message.message_id)
        return prepared

    def abandon(self, batches: list[Prepared]) -> None:
        """Batches whose commit failed, or that were prepared on top of one that did: their
        engines are rebuilt from the stored log on the pairs' next message."""
        for prepared in batches:
            self.forget(prepared.pair_ids)
        self._settled(batches)

    def _settled(self, batches: list[Prepared]) -> None:
        with self._in_flight_lock:
            for prepared in batches:
                self.in_flight -= prepared.keys

    def _fresh(self, parsed, receipts) -> list:
        """Drops resends: above the device's highest stored number is new (the usual case);
        a lower number is looked up in the log."""
        fresh, doubtful, seen = [], [], set()
        for entry in parsed:
            index, _, device, message = entry
            key = (device.id, message.message_id)
            if key in seen:
                receipts[index] = Receipt("duplicate", message_id=message.message_id)
                continue
            seen.add(key)
            # Read without the lock: a key leaves the set once stored (then the log has it)
            # or when this thread abandons its batch.
            if key in self.in_flight:
                receipts[index] = Receipt("duplicate", message_id=message.message_id)
                continue
            (fresh if message.message_id > device.max_message_id else doubtful).append(entry)
        if doubtful:
            stored = set(
                PingRow.objects.filter(
                    device_id__in={d.id for _, _, d, _ in doubtful},
                    message_id__in={m.message_id for _, _, _, m in doubtful},
                ).values_list("device_id", "message_id")
            )
            for entry in doubtful:
                index, _, device, message = entry
                if (device.id, message.message_id) in stored:
                    receipts[index] = Receipt("duplicate", message_id=message.message_id)
                else:
                    fresh.append(entry)
        return fresh

    def _decide_all(self, prepared: Prepared) -> None:
        now = self.clock()
        for index, item, device, message in prepared.fresh:
            pair = self.pairs[device.pair_id]
            position = None
            flags: tuple[str, ...] = ()
            if message.kind == "ack":
                prepared.acks.append((device.id, message.alarm_ids))
            else:
                ping = Ping(
                    device=device.id,
                    time=message.time,
                    lat=message.lat or 0.0,
                    lon=message.lon or 0.0,
                    accuracy_m=message.accuracy_m,
                    speed=message.speed,
                    battery=message.battery,
                    strap_ok=message.strap_ok,
                    skin_contact=message.skin_contact,
                    unit_linked=message.unit_linked,
                    panic=message.panic,
                )
                outcome = self._decide(pair.engine, ping, message.kind, item.received_at)
                flags = outcome.flags
                if message.kind == "position":
                    position = store.seal_position(
                        message.lat, message.lon, message.accuracy_m, message.speed
                    )
                self._collect(pair, device, message, outcome, now, prepared)
            prepared.pings.append(
                (
                    device.id,
                    device.pair_id,
                    message.message_id,
                    message.kind,
                    message.time,
                    item.received_at,
                    position,
                    message.battery,
                    message.strap_ok,
                    message.skin_contact,
                    message.unit_linked,
                    message.panic,
                    ",".join(flags),
                    item.transport,
                    prepared.batch_id,
                )
            )
            prepared.receipts[index] = Receipt("stored", message_id=message.message_id)

    def commit(self, prepared: Prepared) -> None:
        """One transaction for the batch; on success its receipts are final. A failure
        leaves the batch to ``abandon``."""
        if not prepared.fresh:
            return
        now = self.clock()
        with transaction.atomic(using=self.db):
            insert_rows(PingRow, PING_COLUMNS, prepared.pings)
            if prepared.suppressions:
                insert_rows(Suppression, SUPPRESSION_COLUMNS, prepared.suppressions)
            if prepared.alarms:
                prepared.stored_alarms = self._store_alarms(
                    prepared.alarms, pushed_at=now if self.pushes_new_alarms else None
                )
            if prepared.commands:
                _store_commands(prepared.commands, now)
            if prepared.acks:
                _mark_confirmed(prepared.acks, now)
            record(
                INGEST_ACTOR,
                "create",
                "proximity.PingBatch",
                str(prepared.batch_id),
                f"{len(prepared.pings)} device messages",
            )
        self._settled([prepared])
        self._may_be_untold(prepared.stored_alarms)
        for index, _, device, _ in prepared.fresh:
            prepared.receipts[index].report_interval_seconds = prepared.commands.get(device.id)

    def attach_pending_alarms(self, batch: list[Incoming], receipts: list[Receipt]) -> None:
        """Alarms not yet confirmed by a victim device ride along on its next receipt (HTTPS
        devices; MQTT pushes them instead); each attempt is counted, so the console shows
        what is stuck."""
        victims = {
            item.device_id
            for item, receipt in zip(batch, receipts, strict=True)
            if item.transport == "http"
            and receipt.status != "rejected"
            and self.devices[item.device_id].kind == "victim_device"
        }
        if not victims:
            return
        with self._untold_lock:
            if self._untold is None:
                self._untold = _victims_with_untold_alarms()
            victims &= self._untold
            if not victims:
                return
            pending = pending_alarms(victims, self.clock())
            self._untold -= victims - pending.keys()
        for item, receipt in zip(batch, receipts, strict=True):
            receipt.alarms = pending.get(item.device_id, [])

    def _may_be_untold(self, stored_alarms) -> None:
        """After the commit that stored them: their victims' devices have something to be
        told (before the commit a concurrent read could drop them again)."""
        with self._untold_lock:
            if self._untold is not None:
                self._untold.update(v for _, victims in stored_alarms for v in victims)

    @staticmethod
    def _collect(pair, device, message, outcome, now, prepared: Prepared) -> None:
        for alarm in outcome.alarms:
            row = _alarm_row(device.pair_id, pair, alarm, now)
            row.ping_device, row.ping_message_id = device.id, message.message_id
            prepared.alarms.append((row, pair.victims))
        for item in outcome.suppressions:
            prepared.suppressions.append(
                (
                    device.pair_id,
                    device.id,
                    message.message_id,
                    item.kind,
                    item.device,
                    item.time,
                    item.reason[:200],
                )
            )
        for command in outcome.commands:
            prepared.commands[command.device] = command.report_interval_seconds

    @staticmethod
    def _store_alarms(
        alarms, pushed_at: datetime | None = None
    ) -> list[tuple[Alarm, tuple[str, ...]]]:
        """``pushed_at``: the victims' devices are sent the alarm right after this commit, and
        that first attempt is counted here. A worker that dies in between leaves the delivery
        pending: it is sent again once ``REDELIVER_AFTER`` has passed, like any unconfirmed one."""
        created = Alarm.objects.bulk_create([alarm for alarm, _ in alarms])
        attempt = {"attempts": 1, "last_attempt_at": pushed_at} if pushed_at else {}
        deliveries = []
        for alarm, (_, victims) in zip(created, alarms, strict=True):
            deliveries.append(Delivery(alarm=alarm, target="console"))
            deliveries.extend(
                Delivery(alarm=alarm, target=f"device:{v}", **attempt) for v in victims
            )
        Delivery.objects.bulk_create(deliveries)
        return [(alarm, victims) for alarm, (_, victims) in zip(created, alarms, strict=True)]

    # -- the clock -------------------------------------------------------------------------

    def tick(self) -> int:
        """Signal loss for every pair this worker owns; returns the alarms stored."""
        now = self.clock()
        alarms, raised = [], []
        for pair_id, pair in self.pairs.items():
            if now < pair.engine.quiet_until:  # the usual pair: skipped without a call
                continue
            outcome = pair.engine.on_tick(now)
            alarms += [(_alarm_row(pair_id, pair, a, now), pair.victims) for a in outcome.alarms]
            raised += [(pair.engine, alarm) for alarm in outcome.alarms]
        if alarms:
            try:
                with transaction.atomic(using=self.db):
                    stored = self._store_alarms(alarms)
            except Exception:
                for engine, alarm in raised:
                    engine.not_stored(alarm)
                raise
            self._may_be_untold(stored)
        return len(alarms)


def _store_commands(commands: dict[str, int], now: datetime) -> None:
    """One insert, and one update per report rate (there are two): a statement per device
    cost the hot path a round trip each whenever many alarms start or end together."""
    Command.objects.bulk_create(
        Command(device_id=device_id, report_interval_seconds=interval, created_at=now)
        for device_id, interval in commands.items()
    )
    by_interval: dict[int, list[str]] = defaultdict(list)
    for device_id, interval in commands.items():
        by_interval[interval].append(device_id)
    for interval, device_ids in by_interval.items():
        Device.objects.filter(id__in=device_ids).update(report_interval_seconds=interval)


def _victims_with_untold_alarms() -> set[str]:
    targets = Delivery.objects.filter(
        status=Delivery.Status.PENDING, target__startswith="device:"
    ).values_list("target", flat=True)
    return {target.removeprefix("device:") for target in targets}


def _mark_confirmed(acks: list[tuple[str, tuple[int, ...]]], now: datetime) -> None:
    """The victim devices' confirmations of a batch as one update."""
    confirmed = Q()
    for device_id, alarm_ids in acks:
        confirmed |= Q(alarm_id__in=alarm_ids, target=f"device:{device_id}")
    Delivery.objects.filter(confirmed, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.DELIVERED, delivered_at=now
    )


def _alarm_row(pair_id, pair: _Pair, alarm, now: datetime) -> Alarm:
    return Alarm(
        pair_id=pair_id,
        device_id=alarm.device,
        kind=alarm.kind,
        priority=alarm.priority,
        time=alarm.time,
        raised_at=now,
        detail=alarm.detail,
        policy_version=pair.policy_version,
    )


def told_to_victim(alarm: Alarm) -> dict:
    """An alarm as a victim device is told it: kind, priority and time, never where the
    wearer is."""
    return {
        "id": alarm.pk,
        "kind": alarm.kind,
        "priority": alarm.priority,
        "time": alarm.time.isoformat(),
    }


def pending_alarms(
    device_ids: set[str], now: datetime, quiet_for: timedelta = timedelta(0)
) -> dict[str, list[dict]]:
    """What each victim device must still be told: kind, priority and time — never where the
    wearer is. ``quiet_for`` skips deliveries attempted more recently than that. A worker asks
    for all its devices at once: then the (few) pending deliveries are read and filtered here
    rather than named in a query of tens of thousands of targets."""
    deliveries = Delivery.objects.filter(status=Delivery.Status.PENDING).exclude(target="console")
    if len(device_ids) <= 500:
        deliveries = deliveries.filter(target__in=[f"device:{d}" for d in device_ids])
    deliveries = deliveries.filter(
        Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lte=now - quiet_for)
    ).select_related("alarm")
    found: dict[str, list[dict]] = defaultdict(list)
    ids = []
    for delivery in deliveries:
        device_id = delivery.target.removeprefix("device:")
        if device_id not in device_ids:
            continue
        ids.append(delivery.pk)
        found[device_id].append(told_to_victim(delivery.alarm))
    if ids:
        Delivery.objects.filter(pk__in=ids).update(attempts=F("attempts") + 1, last_attempt_at=now)
    return found
