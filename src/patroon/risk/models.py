"""Risk assessments, their answers with evidence, overrides, protocol tasks and flags.

Persons appear only as pseudonymous references. Free text (override reasons, notes) may name
people and is encrypted at rest. Item answers are real rows, not a JSON blob, so every answer
keeps its own evidence and confirmation.
"""

from __future__ import annotations

import uuid

from django.db import models

from patroon.accounts.models import Organisation
from patroon.risk.levels import LEVELS, NOT_ASSESSED

LEVEL_CHOICES = [(level, level) for level in LEVELS]


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        COMPLETED = "completed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    instrument_id = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=20)
    victim_ref = models.UUIDField()
    perpetrator_ref = models.UUIDField(null=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    region = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    started_at = models.DateTimeField()
    started_by = models.CharField(max_length=150)
    completed_at = models.DateTimeField(null=True)
    completed_by = models.CharField(max_length=150, blank=True)
    total = models.FloatField(null=True)
    outcome = models.CharField(max_length=40, blank=True)
    decided_by = models.CharField(max_length=400, blank=True)
    computed_level = models.CharField(max_length=20, choices=LEVEL_CHOICES, default=NOT_ASSESSED)
    final_level = models.CharField(max_length=20, choices=LEVEL_CHOICES, default=NOT_ASSESSED)
    override_level = models.CharField(max_length=20, choices=LEVEL_CHOICES, blank=True)
    override_reason = models.BinaryField(null=True)
    override_by = models.CharField(max_length=150, blank=True)
    override_approved_by = models.CharField(max_length=150, blank=True)
    override_approved_at = models.DateTimeField(null=True)
    reassess_due = models.DateTimeField(null=True)
    superseded = models.BooleanField(default=False)
    overdue_flagged_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "status", "-started_at"]),
            models.Index(fields=["victim_ref", "completed_at"]),
            models.Index(fields=["status", "superseded", "reassess_due"]),
        ]


class Answer(models.Model):
    """One item's answer. ``suggested`` is what the timeline prefilled; ``value`` counts only
    once ``confirmed`` by the professional."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    item_id = models.CharField(max_length=60)
    suggested = models.CharField(max_length=20, blank=True)
    value = models.CharField(max_length=20, blank=True)
    confirmed = models.BooleanField(default=False)
    confirmed_by = models.CharField(max_length=150, blank=True)
    confirmed_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item_id"], name="unique_item_answer")
        ]


class AnswerEvidence(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="evidence")
    signal_id = models.UUIDField()
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    occurred = models.DateField()

    class Meta:
        ordering = ["occurred"]


class ProtocolTask(models.Model):
    class Kind(models.TextChoices):
        ACTION = "action"
        INFORM = "inform"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    code = models.CharField(max_length=60)
    level = models.CharField(max_length=20, choices=LEVEL_CHOICES)
    due_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True)
    done_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["due_at", "id"]


class Disagreement(models.Model):
    """Two organisations' latest assessments of one victim differ by two levels or more."""

    victim_ref = models.UUIDField(db_index=True)
    first = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+")
    flagged_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="unique_disagreement")
        ]
