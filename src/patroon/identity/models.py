"""The identity vault: the only tables that hold identifying data, always encrypted.

Other apps refer to a person by ``Person.id`` (a random UUID) and never join into this app,
so the vault can move to its own database.
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
    identifiers = models.BinaryField()
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["person", "organisation_code"])]


class MatchKey(models.Model):
    """A keyed hash (HMAC) of an identifier combination, pointing at the person it resolved to."""

    kind = models.CharField(max_length=20)
    digest = models.CharField(max_length=64)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="match_keys")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "digest"], name="unique_match_key")]
