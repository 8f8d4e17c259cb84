"""Writes of the victim-device domain outside the ingest hot path: pairing, zones, what the
monitoring centre does with an alarm, and escalation of unanswered alarms."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from patroon.accounts.access import NotVisible, require
from patroon.accounts.actor import SYSTEM, Actor
from patroon.accounts.permissions import Capability
from patroon.audit.services import record, record_many
from patroon.cases import notify
from patroon.cases.models import Measure
from patroon.proximity import policy, store
from patroon.proximity.models import Alarm, Delivery, Device, DevicePair, OperatorAction, Zone
from patroon.security.keys import cipher

# Measures a device pair can enforce (cases/data/measures.yaml).
ENFORCEABLE = frozenset(
    {"contact_ban", "location_ban", "house_ban", "ankle_monitor", "victim_device"}
)
MAX_NOTE = 2000


class ProximityError(ValueError):
    """A request that cannot be carried out; the message says why, for the user."""


@dataclass(frozen=True)
class Paired:
    pair: DevicePair
    secrets: dict[str, str]  # device id -> secret, shown once


def _new_device(pair, device_id: str, kind: str) -> str:
    if not device_id or len(device_id) > 40 or not device_id.replace("-", "").isalnum():
        raise ProximityError(f"Device id {device_id!r}: letters, digits and hyphens, at most 40.")
    if Device.objects.filter(id=device_id).exists():
        raise ProximityError(f"Device {device_id} is already paired.")
    secret = secrets.token_urlsafe(32)
    Device.objects.create(
        id=device_id,
        pair=pair,
        kind=kind,
        secret_hash=store.secret_hash(secret),
        report_interval_seconds=policy.load().normal_report_seconds,
    )
    return secret


def pair_devices(
    actor: Actor,
    *,
    perpetrator_device: str,
    victim_devices: list[str],
    measure: Measure | None,
    alert_radius_m: float | None = None,
    inner_radius_m: float | None = None,
    simulated: bool = False,
    legal_basis: str = "",
    starts_on: date | None = None,
) -> Paired:
    """A pair enforces an active protective measure; only a simulation runs without one."""
    if actor is not SYSTEM:
        require(actor, Capability.PROXIMITY_PAIR)
    defaults = policy.load()
    outer = float(alert_radius_m or defaults.alert_radius_m)
    inner = float(inner_radius_m or defaults.inner_radius_m)
    if not 0 < inner < outer:
        raise ProximityError("The inner radius must be above 0 and below the alert radius.")
    if not victim_devices:
        raise ProximityError("A pair needs at least one victim device.")
    if measure is None and not simulated:
        raise ProximityError("A device pair belongs to a protective measure.")
    if measure is not None:
        if measure.status != Measure.Status.ACTIVE or measure.kind not in ENFORCEABLE:
            raise ProximityError("The measure is not an active contact, location or house ban.")
        legal_basis, starts_on = measure.legal_basis, measure.starts_on
    pair_id = uuid.uuid4()
    with transaction.atomic():
        pair = DevicePair.objects.create(
            id=pair_id,
            reference=f"DP-{pair_id.hex[:8].upper()}",
            measure=measure,
            legal_basis=legal_basis or "simulation",
            starts_on=starts_on or timezone.localdate(),
            ends_on=measure.ends_on if measure else None,
            partition=store.partition_for(pair_id),
            alert_radius_m=outer,
            inner_radius_m=inner,
            simulated=simulated,
            created_at=timezone.now(),
            created_by=actor.username,
        )
        issued = {perpetrator_device: _new_device(pair, perpetrator_device, "ankle_monitor")}
        for device_id in victim_devices:
            issued[device_id] = _new_device(pair, device_id, "victim_device")
        record(actor, "create", "proximity.DevicePair", str(pair.pk), "devices paired")
    return Paired(pair, issued)


def add_zone(
    actor: Actor, pair: DevicePair, *, name: str, kind: str, geometry: dict, schedule: list
) -> Zone:
    if actor is not SYSTEM:
        require(actor, Capability.PROXIMITY_PAIR)
    if kind not in Zone.Kind.values:
        raise ProximityError(f"Zone kind must be one of {', '.join(Zone.Kind.values)}.")
    try:
        store.zone_from(name, geometry, schedule)
    except ValueError as exc:
        raise ProximityError(str(exc)) from exc
    with transaction.atomic():
        zone = Zone.objects.create(
            pair=pair,
            name=name,
            kind=kind,
            geometry=store.seal_geometry(geometry),
            schedule=schedule,
        )
        record(actor, "create", "proximity.Zone", str(zone.pk), f"zone {kind} on {pair.reference}")
    return zone


def _note(text: str) -> bytes | None:
    text = (text or "").strip()
    if len(text) > MAX_NOTE:
        raise ProximityError(f"A note is at most {MAX_NOTE} characters.")
    return cipher().encrypt(text, store.NOTE_PURPOSE) if text else None


def act_on_alarm(actor: Actor, alarm_id: int, kind: str, note: str = "") -> OperatorAction:
    """Acknowledge, call the victim, dispatch police, close or note: each is evidence."""
    require(actor, Capability.PROXIMITY_MONITOR)
    if kind not in OperatorAction.Kind.values or kind == OperatorAction.Kind.ESCALATE:
        raise ProximityError("Unknown action.")
    now = timezone.now()
    with transaction.atomic():
        alarm = Alarm.objects.select_for_update().filter(pk=alarm_id).first()
        if alarm is None:
            raise NotVisible("alarm")
        if alarm.status == Alarm.Status.CLOSED:
            raise ProximityError("This alarm is closed.")
        if kind == OperatorAction.Kind.CLOSE and not (note or "").strip():
            raise ProximityError("Say why the alarm is closed.")
        if alarm.status == Alarm.Status.OPEN:
            alarm.status = Alarm.Status.ACKNOWLEDGED
            alarm.acknowledged_at, alarm.acknowledged_by = now, actor.username
        if kind == OperatorAction.Kind.CLOSE:
            alarm.status = Alarm.Status.CLOSED
        alarm.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
        action = OperatorAction.objects.create(
            pair_id=alarm.pair_id,
            alarm=alarm,
            kind=kind,
            at=now,
            actor=actor.username,
            note=_note(note),
        )
        record(actor, "update", "proximity.Alarm", str(alarm.pk), kind)
    return action


def mark_delivered(actor: Actor, alarm_ids: list[int], target: str = "console") -> int:
    """The console shows these alarms: delivered at least once to the monitoring centre."""
    if actor is not SYSTEM:
        require(actor, Capability.PROXIMITY_MONITOR)
    now = timezone.now()
    return Delivery.objects.filter(
        alarm_id__in=alarm_ids, target=target, status=Delivery.Status.PENDING
    ).update(status=Delivery.Status.DELIVERED, delivered_at=now, last_attempt_at=now)


def escalate_due(now: datetime | None = None, partitions: Iterable[int] | None = None) -> list[int]:
    """Top-priority alarms nobody acknowledged within the policy's deadline go up: marked on
    the console for the supervisor and announced to the case director.

    Each worker escalates the alarms of its own partitions (``None``: all), in one short
    transaction, and skips rows another transaction holds (an operator acknowledging, or an
    escalator of all partitions): the next tick sees what is still due. It runs on the
    ingest clock and takes the audit trail's head, so an alarm at a time (a save, an action
    and an audit entry each) held both ingest workers' commits for seconds when a storm of
    alarms fell due together."""
    now = now or timezone.now()
    deadline = timedelta(seconds=policy.load().escalate_after_seconds)
    due = Alarm.objects.filter(
        status=Alarm.Status.OPEN,
        priority=1,
        escalated_at__isnull=True,
        raised_at__lte=now - deadline,
    )
    if partitions is not None:
        due = due.filter(pair__partition__in=list(partitions))
    with transaction.atomic():
        alarms = list(
            due.select_for_update(of=("self",), skip_locked=True)  # not the joined rows
            .select_related("pair__measure__case__director")
            .order_by("pk")
        )
        if not alarms:
            return []
        escalated = [alarm.pk for alarm in alarms]
        Alarm.objects.filter(pk__in=escalated).update(escalated_at=now)
        OperatorAction.objects.bulk_create(
            OperatorAction(
                pair_id=alarm.pair_id,
                alarm=alarm,
                kind=OperatorAction.Kind.ESCALATE,
                at=now,
                actor=SYSTEM.username,
            )
            for alarm in alarms
        )
        for alarm in alarms:
            measure = alarm.pair.measure
            if measure is not None and measure.case.director is not None:
                notify.send(
                    measure.case.director,
                    notify.DEVICE_ALARM,
                    measure.case,
                    key=f"device-alarm:{alarm.pk}",
                )
        record_many(
            SYSTEM,
            "update",
            "proximity.Alarm",
            [str(pk) for pk in escalated],
            "escalated: not acknowledged in time",
        )
    return escalated


@dataclass(frozen=True)
class FleetPair:
    reference: str
    perpetrator: str
    victims: tuple[str, ...]
    # (name, kind, geometry, schedule) as ``add_zone`` takes them.
    zones: tuple[tuple[str, str, dict, list], ...] = ()


def simulated_fleet(pairs: list[FleetPair]) -> dict[str, tuple[str, int]]:
    """Many simulated pairs at once, for the benchmark and the simulation: bulk inserts and
    one audit entry. Returns device id -> (secret, partition)."""
    now = timezone.now()
    defaults = policy.load()
    pair_rows, devices, zones, issued = [], [], [], {}
    for spec in pairs:
        pair = DevicePair(
            id=uuid.uuid4(),
            reference=spec.reference,
            legal_basis="simulation",
            starts_on=now.date(),
            alert_radius_m=defaults.alert_radius_m,
            inner_radius_m=defaults.inner_radius_m,
            simulated=True,
            created_at=now,
            created_by=SYSTEM.username,
        )
        pair.partition = store.partition_for(pair.id)
        pair_rows.append(pair)
        kinds = [(spec.perpetrator, "ankle_monitor")] + [(v, "victim_device") for v in spec.victims]
        for device_id, kind in kinds:
            secret = secrets.token_urlsafe(16)
            issued[device_id] = (secret, pair.partition)
            devices.append(
                Device(
                    id=device_id,
                    pair=pair,
                    kind=kind,
                    secret_hash=store.secret_hash(secret),
                    report_interval_seconds=defaults.normal_report_seconds,
                )
            )
        for name, kind, geometry, schedule in spec.zones:
            store.zone_from(name, geometry, schedule)
            zones.append(
                Zone(
                    pair=pair,
                    name=name,
                    kind=kind,
                    geometry=store.seal_geometry(geometry),
                    schedule=schedule,
                )
            )
    with transaction.atomic():
        DevicePair.objects.bulk_create(pair_rows, batch_size=2000)
        Device.objects.bulk_create(devices, batch_size=2000)
        Zone.objects.bulk_create(zones, batch_size=2000)
        record(SYSTEM, "create", "proximity.DevicePair", "fleet", f"{len(pairs)} simulated pairs")
    return issued
