"""Access-controlled reads for the monitoring console (meldkamer).

The alarm list carries no position: kind, priority, times, distances and delivery state. Only
``pair_picture`` opens positions, zone geometry and operator notes, and that read is audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Case, Max, Q, Value, When
from django.utils import timezone

from patroon.accounts.access import NotVisible, require
from patroon.accounts.actor import Actor
from patroon.accounts.permissions import Capability
from patroon.audit.services import record, record_many
from patroon.proximity import policy, store
from patroon.proximity.models import Alarm, Delivery, Device, DevicePair, OperatorAction, Zone
from patroon.proximity.models import Ping as PingRow
from patroon.security.keys import cipher

CONSOLE_LIMIT = 200
EVIDENCE_LIMIT = 200


@dataclass(frozen=True)
class Cursor:
    """How far a console has seen: the highest alarm id and operator action id."""

    alarm: int = 0
    action: int = 0

    def __str__(self) -> str:
        return f"{self.alarm}.{self.action}"

    @classmethod
    def parse(cls, text: str | None) -> Cursor | None:
        alarm, _, action = (text or "").partition(".")
        if not (alarm.isdigit() and action.isdigit()):
            return None
        return cls(int(alarm), int(action))


@dataclass(frozen=True)
class DeliveryState:
    target: str  # "console" or the victim device id
    status: str
    attempts: int


@dataclass(frozen=True)
class AlarmRow:
    alarm: Alarm
    pair_id: uuid.UUID
    pair_reference: str
    simulated: bool
    measure_kind: str | None
    legal_basis: str
    console: DeliveryState | None
    devices: tuple[DeliveryState, ...]

    @property
    def sort_key(self) -> str:
        """The console's order as a string, so its script can place a row that arrives live:
        unacknowledged first, escalated first, then priority, then the longest waiting."""
        alarm = self.alarm
        unacknowledged = 0 if alarm.status == Alarm.Status.OPEN else 1
        escalated = 0 if alarm.escalated_at else 1
        raised = int(alarm.raised_at.timestamp() * 1000)
        return f"{unacknowledged}{escalated}{min(alarm.priority, 9)}{raised:015d}{alarm.pk:012d}"


@dataclass(frozen=True)
class Console:
    rows: list[AlarmRow]
    cursor: Cursor
    escalate_after_seconds: float


def _ordered(alarms):
    return alarms.order_by(
        Case(When(status=Alarm.Status.OPEN, then=Value(0)), default=Value(1)),
        Case(When(escalated_at__isnull=False, then=Value(0)), default=Value(1)),
        "priority",
        "raised_at",
        "id",
    )


def _rows(actor: Actor, alarms) -> list[AlarmRow]:
    rows = []
    for alarm in alarms.select_related("pair__measure").prefetch_related("deliveries"):
        states = [
            DeliveryState(d.target.removeprefix("device:"), d.status, d.attempts)
            for d in sorted(alarm.deliveries.all(), key=lambda d: d.target)
        ]
        pair, measure = alarm.pair, alarm.pair.measure
        rows.append(
            AlarmRow(
                alarm=alarm,
                pair_id=pair.pk,
                pair_reference=pair.reference,
                simulated=pair.simulated,
                measure_kind=measure.kind if measure else None,
                legal_basis=measure.legal_basis if measure else pair.legal_basis,
                console=next((s for s in states if s.target == "console"), None),
                devices=tuple(s for s in states if s.target != "console"),
            )
        )
    record_many(actor, "read", "proximity.Alarm", [str(r.alarm.pk) for r in rows], "console")
    return rows


def _cursor_now() -> Cursor:
    return Cursor(
        Alarm.objects.aggregate(top=Max("id"))["top"] or 0,
        OperatorAction.objects.aggregate(top=Max("id"))["top"] or 0,
    )


def console(actor: Actor) -> Console:
    """Alarms not yet closed, most urgent first, with the cursor live updates start from
    (taken first: whatever arrives meanwhile is sent again, never missed)."""
    require(actor, Capability.PROXIMITY_MONITOR)
    cursor = _cursor_now()
    alarms = _ordered(Alarm.objects.exclude(status=Alarm.Status.CLOSED))[:CONSOLE_LIMIT]
    return Console(_rows(actor, alarms), cursor, policy.load().escalate_after_seconds)


def alarms_since(actor: Actor, cursor: Cursor) -> tuple[list[AlarmRow], Cursor]:
    """Alarms raised or acted on after ``cursor`` (closed ones included, so a console can take
    them off), and any alarm no console has shown yet; with the cursor to ask from next."""
    require(actor, Capability.PROXIMITY_MONITOR)
    now = _cursor_now()
    acted = OperatorAction.objects.filter(id__gt=cursor.action, id__lte=now.action)
    pending = Delivery.objects.filter(target="console", status=Delivery.Status.PENDING)
    changed = Alarm.objects.filter(
        Q(id__gt=cursor.alarm, id__lte=now.alarm)
        | Q(pk__in=acted.values("alarm_id"))
        | Q(pk__in=pending.values("alarm_id"))
    )
    return _rows(actor, _ordered(changed)[:CONSOLE_LIMIT]), now


# --- One pair: the map and the evidence log ---------------------------------------------


@dataclass(frozen=True)
class ZoneView:
    name: str
    kind: str
    geometry: dict  # {"center": [lat, lon], "radius_m": r} or {"vertices": [[lat, lon], ...]}
    active: bool
    scheduled: bool


@dataclass(frozen=True)
class DeviceView:
    id: str
    kind: str
    report_interval_seconds: int
    battery: float | None
    last_heard: datetime | None
    signal_lost: bool
    # The last position the engine trusted (no flags): (lat, lon, accuracy in metres).
    position: tuple[float, float, float] | None
    position_time: datetime | None


@dataclass(frozen=True)
class ActionView:
    action: OperatorAction
    note: str


@dataclass(frozen=True)
class PairPicture:
    pair: DevicePair
    measure_kind: str | None
    legal_basis: str
    zones: list[ZoneView]
    devices: list[DeviceView]
    alarms: list[Alarm]
    actions: list[ActionView]


def _device_view(pair: DevicePair, device: Device, now: datetime) -> DeviceView:
    pings = PingRow.objects.filter(pair=pair, device=device).order_by("-time", "-id")
    latest = pings.only("received_at").first()
    trusted = pings.filter(kind="position", flags="").only("position", "time").first()
    battery = pings.filter(battery__isnull=False).values_list("battery", flat=True).first()
    position = None
    if trusted is not None and trusted.position is not None:
        lat, lon, accuracy, _speed = store.open_position(bytes(trusted.position))
        position = (lat, lon, accuracy)
    limit = timedelta(minutes=policy.load().signal_loss_minutes[device.kind])
    heard = latest.received_at if latest else None
    return DeviceView(
        id=device.pk,
        kind=device.kind,
        report_interval_seconds=device.report_interval_seconds,
        battery=battery,
        last_heard=heard,
        signal_lost=heard is None or now - heard > limit,
        position=position,
        position_time=trusted.time if trusted else None,
    )


def _note(envelope) -> str:
    return cipher().decrypt(bytes(envelope), store.NOTE_PURPOSE) if envelope is not None else ""


def pair_picture(actor: Actor, pair_id) -> PairPicture:
    """Zones, the last trusted position of each device and the pair's evidence log: where the
    victim is and lives, so the read is audited."""
    require(actor, Capability.PROXIMITY_MONITOR)
    pair = DevicePair.objects.filter(pk=pair_id).select_related("measure").first()
    if pair is None:
        raise NotVisible("device pair")
    now = timezone.now()
    devices = Device.objects.filter(pair=pair).order_by("kind", "id")
    zones = [
        ZoneView(z.name, z.kind, store.open_geometry(bytes(z.geometry)), z.active, bool(z.schedule))
        for z in Zone.objects.filter(pair=pair).order_by("name")
    ]
    actions = OperatorAction.objects.filter(pair=pair).order_by("-at", "-id")[:EVIDENCE_LIMIT]
    picture = PairPicture(
        pair=pair,
        measure_kind=pair.measure.kind if pair.measure else None,
        legal_basis=pair.measure.legal_basis if pair.measure else pair.legal_basis,
        zones=zones,
        devices=[_device_view(pair, d, now) for d in devices],
        alarms=list(Alarm.objects.filter(pair=pair).order_by("-raised_at", "-id")[:EVIDENCE_LIMIT]),
        actions=[ActionView(a, _note(a.note)) for a in actions],
    )
    record(actor, "read", "proximity.DevicePair", str(pair.pk), "console: positions and zones")
    return picture
