"""Signals (meldingen). Persons appear only as pseudonymous references into the vault."""

from __future__ import annotations

import uuid

from django.db import models

from patroon.accounts.models import Organisation


class Signal(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="signals")
    source_reference = models.CharField(max_length=100)
    payload_digest = models.CharField(max_length=64)
    reported_at = models.DateTimeField()
    occurred_start = models.DateField()
    occurred_end = models.DateField(null=True, blank=True)
    occurred_approximate = models.BooleanField(default=False)
    relationship = models.CharField(max_length=40)
    confidentiality = models.CharField(max_length=20, default="normal")
    narrative = models.BinaryField(null=True)
    channel = models.CharField(max_length=20)
    recorded_by = models.CharField(max_length=150)
    vocabulary_version = models.CharField(max_length=20)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-reported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source_reference"], name="unique_source_reference"
            )
        ]
        indexes = [models.Index(fields=["organisation", "-reported_at"])]


class SignalPerson(models.Model):
    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="persons")
    person_ref = models.UUIDField(db_index=True)
    role = models.CharField(max_length=40)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]


class SignalBehaviour(models.Model):
    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="behaviours")
    code = models.CharField(max_length=60, db_index=True)


class RefFollow(models.Model):
    """A person reference outside the vault that followed a merge (``signals.follow``): kept
    so that undoing the merge puts exactly these references back, and no others."""

    change = models.UUIDField(db_index=True)  # identity.PersonChange that emptied the person
    field = models.CharField(max_length=80)  # app.Model.field
    object_id = models.CharField(max_length=64)
    from_person = models.UUIDField()
    to_person = models.UUIDField()
    followed_at = models.DateTimeField()
    reverted_at = models.DateTimeField(null=True)


class Referral(models.Model):
    """A signal passed on to another organisation with the reporter's consent (a helpline
    forwarding a report to Veilig Thuis of a region): from then on that organisation sees the
    signal as if it were its own, and someone there takes it on (``accepted_*``), so the
    sender can see that it arrived and was picked up."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="referrals")
    from_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals_received"
    )
    # What the sender calls it (the helpline's reference code): names no person.
    reference = models.CharField(max_length=40)
    referred_at = models.DateTimeField()
    referred_by = models.CharField(max_length=150)
    # Reported as urgent or with words of acute danger: reminded sooner when not taken on.
    urgent = models.BooleanField(default=False)
    accepted_at = models.DateTimeField(null=True)
    accepted_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-referred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["signal", "to_organisation"], name="one_referral_per_recipient"
            )
        ]
        indexes = [models.Index(fields=["to_organisation", "accepted_at", "-referred_at"])]
