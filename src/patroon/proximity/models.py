"""The victim device's evidence log: pairs, devices, zones, pings, alarms and what was done.

Positions and zone geometry are personal data of the highest sensitivity (where the victim is,
where she lives): they are stored only as ciphertext (``position``, ``geometry``), bound to
their column's purpose. Nothing here is ever deleted by the application; the log is evidence.
"""

from __future__ import annotations

import uuid

from django.db import models


class DevicePair(models.Model):
    """An ankle monitor and one or more victim devices under one protective measure."""

    class Status(models.TextChoices):
        ACTIVE = "active"
        ENDED = "ended"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    reference = models.CharField(max_length=40, unique=True)
    measure = models.ForeignKey(
        "cases.Measure", on_delete=models.PROTECT, null=True, related_name="device_pairs"
    )
    legal_basis = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    # Which engine worker owns the pair: both devices of a pair always reach the same one.
    partition = models.PositiveSmallIntegerField()
    alert_radius_m = models.FloatField()
    inner_radius_m = models.FloatField()
    simulated = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)

    class Meta:
        indexes = [models.Index(fields=["partition", "status"])]


class Device(models.Model):
    class Kind(models.TextChoices):
        ANKLE_MONITOR = "ankle_monitor"
        VICTIM_DEVICE = "victim_device"

    id = models.CharField(primary_key=True, max_length=40)
    pair = models.ForeignKey(DevicePair, on_delete=models.PROTECT, related_name="devices")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # SHA-256 of the device's secret; the secret itself is shown once, at pairing.
    secret_hash = models.CharField(max_length=64)
    report_interval_seconds = models.PositiveIntegerField(default=60)


class Zone(models.Model):
    """A static exclusion zone; ``geometry`` (circle or polygon, JSON) is ciphertext."""

    class Kind(models.TextChoices):
        HOME = "home"
        WORK = "work"
        SCHOOL = "school"
        CHILDRENS_SCHOOL = "childrens_school"
        OTHER = "other"

    pair = models.ForeignKey(DevicePair, on_delete=models.PROTECT, related_name="zones")
    name = models.CharField(max_length=60)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    geometry = models.BinaryField()
    # Weekly windows in Dutch local time: [{"weekday": 0, "start": "08:00", "end": "16:00"}].
    schedule = models.JSONField(default=list)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pair", "name"], name="zone_name_per_pair")]


class Ping(models.Model):
    """One message from a device, exactly as accepted; flagged, never silently corrected."""

    id = models.BigAutoField(primary_key=True)
    # No index of their own: (device, message_id) and (pair, time) lead with them. Every index
    # is written for each of thousands of pings a second, and three more (device twice, for
    # LIKE as well, and pair) cost the group commit a third of its writes for nothing.
    # No foreign-key constraint in the database either: the ingestor writes only devices and
    # pairs it has loaded, devices and pairs are never deleted (PROTECT holds in the ORM), and
    # PostgreSQL's check of the two keys (a row lock on the device and the pair per ping) cost
    # more than the insert itself, about 18 µs a ping.
    device = models.ForeignKey(
        Device, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    pair = models.ForeignKey(
        DevicePair, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    message_id = models.BigIntegerField()
    kind = models.CharField(max_length=10)  # position | heartbeat
    time = models.DateTimeField()
    received_at = models.DateTimeField()
    # {"lat", "lon", "accuracy_m", "speed"} as AES-GCM ciphertext; empty for a heartbeat.
    position = models.BinaryField(null=True)
    battery = models.FloatField(null=True)
    strap_ok = models.BooleanField(default=True)
    skin_contact = models.BooleanField(default=True)
    unit_linked = models.BooleanField(default=True)
    panic = models.BooleanField(default=False)
    flags = models.CharField(max_length=100, blank=True)
    transport = models.CharField(max_length=10)
    # The group commit it arrived in; the audit trail has one entry per batch.
    batch = models.UUIDField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["device", "message_id"], name="ping_once_per_message")
        ]
        indexes = [models.Index(fields=["pair", "time"])]


class Alarm(models.Model):
    class Status(models.TextChoices):
        OPEN = "open"
        ACKNOWLEDGED = "acknowledged"
        CLOSED = "closed"

    id = models.BigAutoField(primary_key=True)
    pair = models.ForeignKey(DevicePair, on_delete=models.PROTECT, related_name="alarms")
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="+")
    # The ping that made the engine decide, by its device and message id (pings are written
    # in bulk, without returning their row ids).
    ping_device = models.CharField(max_length=40, blank=True)
    ping_message_id = models.BigIntegerField(null=True)
    kind = models.CharField(max_length=30)
    priority = models.PositiveSmallIntegerField()
    time = models.DateTimeField()
    raised_at = models.DateTimeField()
    # Distance in metres and the victim device or zone name concerned: never a position.
    detail = models.JSONField(default=dict)
    policy_version = models.CharField(max_length=40)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    escalated_at = models.DateTimeField(null=True)
    acknowledged_at = models.DateTimeField(null=True)
    acknowledged_by = models.CharField(max_length=150, blank=True)

    class Meta:
        constraints = [
            # A replayed ping after a crash must not raise the same alarm twice.
            models.UniqueConstraint(
                fields=["pair", "kind", "device", "time"], name="alarm_once_per_moment"
            )
        ]
        indexes = [models.Index(fields=["status", "priority", "raised_at"])]


class Suppression(models.Model):
    """A decision not to alarm, with its reason: the dwell, hysteresis or schedule at work."""

    id = models.BigAutoField(primary_key=True)
    pair = models.ForeignKey(DevicePair, on_delete=models.PROTECT, related_name="+")
    ping_device = models.CharField(max_length=40, blank=True)
    ping_message_id = models.BigIntegerField(null=True)
    kind = models.CharField(max_length=30)
    device = models.CharField(max_length=40)
    time = models.DateTimeField()
    reason = models.CharField(max_length=200)


class Delivery(models.Model):
    """At-least-once delivery of an alarm to the monitoring console or a victim device."""

    class Status(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"

    id = models.BigAutoField(primary_key=True)
    alarm = models.ForeignKey(Alarm, on_delete=models.PROTECT, related_name="deliveries")
    target = models.CharField(max_length=60)  # "console" or "device:<id>"
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True)
    delivered_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alarm", "target"], name="delivery_once_per_target")
        ]
        indexes = [models.Index(fields=["target", "status"])]


class Command(models.Model):
    """An instruction back to a device (report every 15 s during an alarm)."""

    id = models.BigAutoField(primary_key=True)
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="commands")
    report_interval_seconds = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True)


class OperatorAction(models.Model):
    """What the monitoring centre did, and why: part of the evidence log."""

    class Kind(models.TextChoices):
        ACKNOWLEDGE = "acknowledge"
        ESCALATE = "escalate"
        CALL_VICTIM = "call_victim"
        POLICE_DISPATCHED = "police_dispatched"
        CLOSE = "close"
        NOTE = "note"

    id = models.BigAutoField(primary_key=True)
    pair = models.ForeignKey(DevicePair, on_delete=models.PROTECT, related_name="actions")
    alarm = models.ForeignKey(Alarm, on_delete=models.PROTECT, null=True, related_name="actions")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    note = models.BinaryField(null=True)
