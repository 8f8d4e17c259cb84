"""The identity vault: the only tables that hold identifying data, always encrypted.

Other apps refer to a person by ``Person.id`` (a random UUID) and never join into this app,
so the vault can move to its own database. A person is a cluster of identity records that
linkage decided belong together; records are never destroyed, only moved between persons,
and every move is a ``PersonChange`` that can be undone.
"""

from __future__ import annotations

import uuid

from django.db import models


class Person(models.Model):
    """A pseudonymous person reference. Holds nothing identifying."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField()


class IdentityRecord(models.Model):
    """The identifiers one organisation recorded for one person in one signal, encrypted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexed through the (person, organisation_code) index below.
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="records", db_index=False
    )
    organisation_code = models.CharField(max_length=40)
    source_reference = models.CharField(max_length=100)
    # The person's place in the signal's list of persons: ties the record to its mention.
    position = models.PositiveSmallIntegerField(default=0)
    # The person's role in the signal (victim, alleged perpetrator, ...): context linkage
    # links a weak mention through the persons named with it. Not identifying.
    role = models.CharField(max_length=40, blank=True, default="")
    identifiers = models.BinaryField()
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["person", "organisation_code"]),
            models.Index(fields=["organisation_code", "source_reference"]),
        ]


class BlockingKey(models.Model):
    """A keyed hash (64 bits of an HMAC) of one blocking-key value of one record.

    Finds the candidates a new record is scored against, without storing the value.
    """

    digest = models.BigIntegerField(db_index=True)
    record = models.ForeignKey(
        IdentityRecord, on_delete=models.CASCADE, related_name="+", db_index=False
    )


class LinkageModel(models.Model):
    """A trained Fellegi-Sunter model: its parameters, where they came from, and when."""

    version = models.CharField(max_length=40)
    mode = models.CharField(max_length=20)
    parameters = models.JSONField()
    records = models.PositiveIntegerField()
    seconds = models.FloatField()
    trained_at = models.DateTimeField()
    trained_by = models.CharField(max_length=150)
    active = models.BooleanField(default=False)


class ReviewItem(models.Model):
    """An uncertain pair for the link reviewer (koppelbeheerder): linked only if accepted."""

    class Status(models.TextChoices):
        OPEN = "open"
        ACCEPTED = "accepted"
        REJECTED = "rejected"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    record = models.ForeignKey(IdentityRecord, on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(IdentityRecord, on_delete=models.CASCADE, related_name="+")
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    field_weights = models.JSONField()
    model_version = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True)
    decided_by = models.CharField(max_length=150, blank=True)
    reason = models.BinaryField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "candidate"], name="unique_review_pair")
        ]
        indexes = [models.Index(fields=["status", "-match_probability"])]


class PersonChange(models.Model):
    """Records moved from one person to another: a link, merge, split, rebuild or undo."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20)
    from_person = models.UUIDField()
    to_person = models.UUIDField()
    records = models.JSONField()
    actor = models.CharField(max_length=150)
    reason = models.BinaryField(null=True)
    created_at = models.DateTimeField()
    undone_by = models.UUIDField(null=True)
