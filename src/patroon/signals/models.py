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
