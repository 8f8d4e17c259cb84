"""Timelines, alerts and their lifecycle. Persons appear only as pseudonymous references."""

from __future__ import annotations

import uuid

from django.db import models

from patroon.accounts.models import Organisation


class TimelineEntry(models.Model):
    """One signal as it concerns one victim and (if named) one alleged perpetrator.

    A denormalised stream kept next to the signals so that the rule engine reads a victim's
    whole pattern with one indexed range scan, and a sweep reads all victims in one pass.
    """

    victim_ref = models.UUIDField()
    perpetrator_ref = models.UUIDField(null=True)
    signal_id = models.UUIDField(db_index=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    organisation_kind = models.CharField(max_length=40)
    occurred = models.DateField()
    reported_at = models.DateTimeField()
    relationship = models.CharField(max_length=40)
    behaviours = models.CharField(max_length=400)
    severity = models.PositiveSmallIntegerField()
    has_child = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["victim_ref", "occurred"], name="timeline_victim_date")]


class Alert(models.Model):
    class Status(models.TextChoices):
        NEW = "new"
        ACKNOWLEDGED = "acknowledged"
        HANDLED = "handled"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    rule_id = models.CharField(max_length=60)
    rules_version = models.CharField(max_length=20)
    severity = models.CharField(max_length=10)
    victim_ref = models.UUIDField()
    perpetrator_ref = models.UUIDField(null=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    region = models.CharField(max_length=40, blank=True)
    routed_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, related_name="routed_alerts"
    )
    raised_at = models.DateTimeField()
    acknowledge_by = models.DateTimeField()
    evidence_until = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True)
    acknowledged_by = models.CharField(max_length=150, blank=True)
    handled_at = models.DateTimeField(null=True)
    handled_by = models.CharField(max_length=150, blank=True)
    outcome = models.CharField(max_length=40, blank=True)
    escalated_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["routed_organisation", "status", "-raised_at"]),
            models.Index(fields=["victim_ref", "perpetrator_ref", "rule_id"]),
            models.Index(fields=["status", "acknowledge_by"]),
        ]


class AlertEvidence(models.Model):
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="evidence")
    signal_id = models.UUIDField()
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    occurred = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "signal_id"], name="unique_alert_evidence")
        ]
        ordering = ["occurred"]


class AlertEvent(models.Model):
    """The alert's history: who did what, when and why. Notes are encrypted (may name people)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    action = models.CharField(max_length=30)
    detail = models.CharField(max_length=200, blank=True)
    note = models.BinaryField(null=True)

    class Meta:
        ordering = ["at", "id"]
