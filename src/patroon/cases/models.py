"""Casusregie: one case per victim under one case director, with a team, a safety plan,
protective measures, case conferences, children in view and aftercare.

Free text that may describe people (action texts, agendas, decisions, notes) is stored
encrypted (``TEXT_PURPOSE``); the rest is pseudonymous references, codes and dates.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from patroon.accounts.models import Organisation


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open"
        ACTIVE = "active"
        AFTERCARE = "aftercare"
        CLOSED = "closed"

    class Origin(models.TextChoices):
        ALERT = "alert"
        ASSESSMENT = "assessment"
        MANUAL = "manual"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(max_length=20, unique=True)
    victim_ref = models.UUIDField(null=True, db_index=True)
    perpetrator_ref = models.UUIDField(null=True)
    region = models.CharField(max_length=40, blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    origin = models.CharField(max_length=20, choices=Origin.choices)
    origin_ref = models.CharField(max_length=64, blank=True)
    opened_at = models.DateTimeField()
    opened_by = models.CharField(max_length=150)
    director = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # Criminal and civil proceedings handled together (e.g. contact ban and custody).
    combined_handling = models.BooleanField(default=False)
    director_seen_at = models.DateTimeField(null=True)
    # Signals on the victim since the director last opened the case.
    unseen_signals = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=40, blank=True)
    close_reason = models.BinaryField(null=True)
    closed_at = models.DateTimeField(null=True)
    closed_by = models.CharField(max_length=150, blank=True)
    anonymised_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "victim_ref"]),
            models.Index(fields=["director", "status"]),
            models.Index(fields=["status", "closed_at"]),
        ]

    def __str__(self) -> str:
        return self.number


class CaseEvent(models.Model):
    """The case's own history: who did what and when. Shown on the case and in the dossier."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40)
    at = models.DateTimeField()
    by = models.CharField(max_length=150)
    detail = models.JSONField(default=dict)
    note = models.BinaryField(null=True)

    class Meta:
        indexes = [models.Index(fields=["case", "kind", "at"])]
        ordering = ["at", "id"]


class TeamMember(models.Model):
    """Membership grants need-to-know access while ``removed_at`` is empty, and not after."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    task = models.CharField(max_length=80, blank=True)
    added_at = models.DateTimeField()
    added_by = models.CharField(max_length=150)
    removed_at = models.DateTimeField(null=True)
    removed_by = models.CharField(max_length=150, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"],
                condition=Q(removed_at__isnull=True),
                name="one_active_membership",
            )
        ]
        indexes = [models.Index(fields=["user", "removed_at"])]


class SafetyGoal(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="goals")
    text = models.BinaryField()
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)


class SafetyAction(models.Model):
    class Status(models.TextChoices):
        OPEN = "open"
        DONE = "done"
        CANCELLED = "cancelled"

    class Origin(models.TextChoices):
        MANUAL = "manual"
        ALERT = "alert"
        PROTOCOL = "protocol"
        CONFERENCE = "conference"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    goal = models.ForeignKey(SafetyGoal, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.BinaryField()
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.MANUAL)
    origin_ref = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)
    done_at = models.DateTimeField(null=True)
    done_by = models.CharField(max_length=150, blank=True)

    class Meta:
        indexes = [models.Index(fields=["case", "status", "due_at"])]
        ordering = ["due_at", "id"]


class Measure(models.Model):
    """A protective measure; its kind's vocabulary (and breach behaviours) lives in
    ``data/measures.yaml``."""

    class Status(models.TextChoices):
        ACTIVE = "active"
        ENDED = "ended"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(max_length=40)
    legal_basis = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True)
    responsible_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    note = models.BinaryField(null=True)
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)
    ended_at = models.DateTimeField(null=True)
    ended_by = models.CharField(max_length=150, blank=True)

    class Meta:
        indexes = [models.Index(fields=["case", "status", "ends_on"])]
        ordering = ["starts_on", "id"]


class Breach(models.Model):
    """A signal showing a breach of an active measure: an alert on the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="breaches")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="breaches")
    signal_id = models.UUIDField()
    behaviour = models.CharField(max_length=60)
    occurred = models.DateField()
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True)
    acknowledged_by = models.CharField(max_length=150, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["measure", "signal_id"], name="one_breach_per_signal")
        ]


class Conference(models.Model):
    """A multidisciplinary case conference (MDO)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="conferences")
    scheduled_at = models.DateTimeField()
    agenda = models.BinaryField(null=True)
    held_at = models.DateTimeField(null=True)
    # [{"username", "organisation", "present"}]: professionals, not the people in the case.
    attendance = models.JSONField(default=list)
    # Levels and open alerts at the moment the conference was held.
    risk_picture = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)
    recorded_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["scheduled_at", "id"]


class Decision(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="decisions")
    text = models.BinaryField()
    action = models.ForeignKey(SafetyAction, null=True, on_delete=models.SET_NULL, related_name="+")


class Child(models.Model):
    class AgeGroup(models.TextChoices):
        INFANT = "0-3"
        CHILD = "4-11"
        ADOLESCENT = "12-17"

    class Risk(models.TextChoices):
        YES = "yes"
        NO = "no"
        UNKNOWN = "unknown"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="children")
    person_ref = models.UUIDField(null=True)
    label = models.CharField(max_length=40)
    # An age group, not a birth date: enough for safety decisions, not for identifying the
    # child (who can be reached in the vault through ``person_ref`` by those allowed to).
    age_group = models.CharField(max_length=10, choices=AgeGroup.choices, blank=True)
    safety = models.BinaryField(null=True)
    school_custody = models.BinaryField(null=True)
    access_arrangement_risk = models.CharField(
        max_length=10, choices=Risk.choices, default=Risk.UNKNOWN
    )
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)


class AftercareTask(models.Model):
    class For(models.TextChoices):
        CHILD = "child"
        VICTIM = "victim"
        RELATIVE = "relative"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="aftercare")
    for_whom = models.CharField(max_length=20, choices=For.choices)
    child = models.ForeignKey(Child, null=True, on_delete=models.CASCADE, related_name="+")
    text = models.BinaryField()
    check_in_on = models.DateField()
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(null=True)
    done_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["check_in_on", "id"]


class Notification(models.Model):
    """In-app inbox entry (and the e-mail that announced it). The message names the case
    number and what needs attention, never a person: e-mail leaves the system."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    case = models.ForeignKey(Case, null=True, on_delete=models.CASCADE, related_name="+")
    # What the message names when it is about no case (a referral's reference code).
    reference = models.CharField(max_length=40, blank=True)
    subject_key = models.CharField(max_length=120)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True)
    emailed_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "subject_key"], name="one_notice_per_subject")
        ]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]

    @property
    def subject(self) -> str:
        """The case number, or the reference of what else it is about."""
        return self.case.number if self.case_id else self.reference


class RetentionLog(models.Model):
    """What retention deleted or anonymised: metadata only, kept so the deletion is provable."""

    case_number = models.CharField(max_length=20)
    category = models.CharField(max_length=40)
    action = models.CharField(max_length=20)
    rows = models.PositiveIntegerField()
    policy_version = models.CharField(max_length=20)
    at = models.DateTimeField()
    by = models.CharField(max_length=150)
