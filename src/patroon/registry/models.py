"""The Femicide Monitor's register: one record per victim, linked by an event.

Variables follow the UNODC / UN Women statistical framework (2022); code lists live in
``data/framework.yaml``. Flags are yes / no / unknown, never collapsed. Persons appear only as
pseudonymous references into the identity vault (``person_ref``, set by a registrar).
Nationality and migration background are restricted: encrypted at rest, read only by a
registrar, never used by any risk logic and never published (see ``disclosure``).
"""

from __future__ import annotations

import uuid

from django.db import models

TRI = [("yes", "yes"), ("no", "no"), ("unknown", "unknown")]
CRITERIA = (
    "prior_violence",
    "exploitation",
    "abduction",
    "sex_work",
    "sexual_violence",
    "mutilation",
    "body_public_space",
    "gender_hate",
)


def tri(**kwargs):
    return models.CharField(max_length=7, choices=TRI, default="unknown", **kwargs)


class ImportBatch(models.Model):
    """One import of a source file: its digest, mapping version and mapping report."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    format = models.CharField(max_length=20)
    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    mapping_version = models.CharField(max_length=20)
    imported_at = models.DateTimeField()
    imported_by = models.CharField(max_length=150)
    events = models.PositiveIntegerField()
    victims = models.PositiveIntegerField()
    # The mapping report: counts of unmappable raw values per column. No personal data.
    report = models.JSONField()


class Event(models.Model):
    class Precision(models.TextChoices):
        DAY = "day"
        MONTH = "month"
        UNKNOWN = "unknown"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=40, unique=True)
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, null=True, related_name="+")
    date = models.DateField(null=True)
    year = models.PositiveSmallIntegerField(null=True)
    month = models.PositiveSmallIntegerField(null=True)
    date_precision = models.CharField(max_length=7, choices=Precision.choices)
    country = models.CharField(max_length=2, default="NL")
    region = models.CharField(max_length=40, blank=True)
    municipality = models.CharField(max_length=10, blank=True)
    place_type = models.CharField(max_length=30, default="unknown")
    method = models.CharField(max_length=30, default="unknown")
    methods = models.CharField(max_length=200, blank=True)  # every method, space-separated
    perpetrators = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["country", "year"])]


class Victim(models.Model):
    class VictimType(models.TextChoices):
        PRINCIPAL = "principal"
        LINKED = "linked"

    class Verification(models.TextChoices):
        UNVERIFIED = "unverified"
        ONE_SOURCE = "one_source"
        OFFICIAL = "official"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=40, unique=True)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="victims")
    victim_type = models.CharField(max_length=10, choices=VictimType.choices)
    attempted = models.BooleanField(default=False)
    # Victim
    sex = models.CharField(max_length=10, default="unknown")
    gender_identity = models.CharField(max_length=20, default="unknown")
    age = models.PositiveSmallIntegerField(null=True)
    disability = tri()
    occupation = models.CharField(max_length=60, blank=True)
    pregnant = tri()
    # Perpetrator (the principal one of the event, as it concerns this victim)
    perpetrator_sex = models.CharField(max_length=10, default="unknown")
    perpetrator_age = models.PositiveSmallIntegerField(null=True)
    relationship = models.CharField(max_length=30, blank=True)  # blank: missing
    cohabiting = tri()
    separated = tri()
    perpetrator_suicide = models.CharField(max_length=10, default="unknown")  # died/attempt/no
    # The framework's 8 criteria
    prior_violence = tri()
    exploitation = tri()
    abduction = tri()
    sex_work = tri()
    sexual_violence = tri()
    mutilation = tri()
    body_public_space = tri()
    gender_hate = tri()
    # State response
    prior_police_report = tri()
    veilig_thuis_contact = tri()
    protection_order = tri()
    suspect_identified = tri()
    prosecuted = tri()
    convicted = tri()
    sentence_months = models.PositiveIntegerField(null=True)
    children_present = tri()
    children_orphaned = models.PositiveSmallIntegerField(null=True)
    # Provenance
    sources = models.CharField(max_length=200, blank=True)  # codes, space-separated
    verification = models.CharField(
        max_length=12, choices=Verification.choices, default=Verification.UNVERIFIED
    )
    # Restricted: {"nationality": ..., "migration_background": ...}, encrypted JSON.
    restricted = models.BinaryField(null=True)
    # The vault's pseudonymous person reference; set by a registrar, never shown to analysts.
    person_ref = models.UUIDField(null=True, db_index=True)
    # Classification, recomputed on every change
    femicide_type = models.CharField(max_length=30)
    classification_rule = models.CharField(max_length=4)
    classification_version = models.CharField(max_length=20)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)

    class Meta:
        indexes = [models.Index(fields=["femicide_type"])]
