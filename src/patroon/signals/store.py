"""The one write path for signals: validate a batch, resolve persons, encrypt, store, audit.

The web form and the API store a batch of one; the bulk import stores batches of thousands.
A batch is all-or-nothing: if any row is rejected nothing of the batch is written, and every
rejected row is reported. A source reference already stored with the same content is
"existing" (idempotent re-delivery); with different content it is a conflict.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from patroon.accounts.actor import Actor
from patroon.accounts.models import Organisation
from patroon.audit.services import record_many
from patroon.db.bulk import insert_rows
from patroon.db.ids import time_ordered_uuid
from patroon.db.transactions import atomic_everywhere
from patroon.identity.resolution import PersonMention, resolver
from patroon.security.keys import cipher, pseudonymiser
from patroon.signals.models import Signal, SignalBehaviour, SignalPerson
from patroon.signals.validation import FieldError, PersonInput, SignalInput, validate
from patroon.vocabulary.loader import vocabulary

NARRATIVE_PURPOSE = b"signals.narrative"
SIGNAL_FIELDS = dataclasses.fields(SignalInput)
PERSON_FIELDS = dataclasses.fields(PersonInput)
CREATED, EXISTING, REJECTED, HELD_BACK = "created", "existing", "rejected", "held_back"
REFERENCE_CHUNK = 500


@dataclass
class RowOutcome:
    index: int
    status: str
    signal_id: uuid.UUID | None = None
    errors: list[FieldError] = field(default_factory=list)


@dataclass
class BatchResult:
    rows: list[RowOutcome]

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def rejected(self) -> list[RowOutcome]:
        return [r for r in self.rows if r.status == REJECTED]


def payload_digest(item: SignalInput) -> str:
    """A keyed hash of the validated content, to tell a re-delivery from a conflicting reuse."""
    persons = [[getattr(p, f.name) for f in PERSON_FIELDS] for p in item.persons]
    values = [getattr(item, f.name) for f in SIGNAL_FIELDS if f.name != "persons"]
    canonical = json.dumps([values, persons], default=str, separators=(",", ":"))
    return pseudonymiser().digest("signal", canonical)


def _existing(
    organisation: Organisation, references: list[str]
) -> dict[str, tuple[uuid.UUID, str]]:
    found = {}
    for i in range(0, len(references), REFERENCE_CHUNK):
        rows = Signal.objects.filter(
            organisation=organisation, source_reference__in=references[i : i + REFERENCE_CHUNK]
        ).values_list("source_reference", "id", "payload_digest")
        for ref, sid, digest in rows:
            found[ref] = (sid, digest)
    return found


def store_batch(
    actor: Actor, organisation: Organisation, raws: Sequence, channel: str, *, write: bool = True
) -> BatchResult:
    """Validate and store ``raws``; with ``write=False`` (or any rejected row) store nothing."""
    vocab = vocabulary()
    now = timezone.now()
    outcomes: list[RowOutcome] = []
    accepted: list[tuple[RowOutcome, SignalInput, str]] = []
    for index, raw in enumerate(raws):
        item, errors = validate(raw, vocab, now)
        outcome = RowOutcome(index, REJECTED, errors=errors)
        outcomes.append(outcome)
        if item is not None:
            accepted.append((outcome, item, payload_digest(item)))

    with atomic_everywhere():
        known = _existing(organisation, [item.source_reference for _, item, _ in accepted])
        to_write: list[tuple[RowOutcome, SignalInput, str]] = []
        for outcome, item, digest in accepted:
            previous = known.get(item.source_reference)
            if previous is None:
                outcome.status, outcome.signal_id = CREATED, time_ordered_uuid()
                known[item.source_reference] = (outcome.signal_id, digest)
                to_write.append((outcome, item, digest))
            elif previous[1] == digest:
                outcome.status, outcome.signal_id = EXISTING, previous[0]
            else:
                outcome.errors = [FieldError("source_reference", "reference_conflict")]
        if not write or any(o.status == REJECTED for o in outcomes):
            for outcome in outcomes:
                if outcome.status == CREATED:
                    outcome.status, outcome.signal_id = HELD_BACK, None
            return BatchResult(outcomes)
        if to_write:
            _write(actor, organisation, to_write, channel, vocab.version, now)
    return BatchResult(outcomes)


def _write(actor, organisation, rows, channel: str, vocabulary_version: str, now) -> None:
    mentions = [
        PersonMention(
            organisation.code, item.source_reference, person.identifiers(), position, person.role
        )
        for _, item, _ in rows
        for position, person in enumerate(item.persons)
    ]
    resolution = resolver().resolve_many(mentions)
    encrypt = cipher().encrypt
    keys = [outcome.signal_id.hex for outcome, _, _ in rows]  # formatted once, used thrice
    insert_rows(
        Signal,
        [
            "id",
            "organisation",
            "source_reference",
            "payload_digest",
            "reported_at",
            "occurred_start",
            "occurred_end",
            "occurred_approximate",
            "relationship",
            "confidentiality",
            "narrative",
            "channel",
            "recorded_by",
            "vocabulary_version",
            "created_at",
        ],
        [
            (
                key,
                organisation.pk,
                item.source_reference,
                digest,
                item.reported_at,
                item.occurred_start,
                item.occurred_end,
                item.occurred_approximate,
                item.relationship,
                item.confidentiality,
                encrypt(item.narrative, NARRATIVE_PURPOSE) if item.narrative else None,
                channel,
                actor.username,
                vocabulary_version,
                now,
            )
            for key, (_, item, digest) in zip(keys, rows, strict=True)
        ],
    )
    person_ids = iter(resolution.person_ids)
    insert_rows(
        SignalPerson,
        ["signal", "person_ref", "role", "position"],
        [
            (key, next(person_ids), person.role, position)
            for key, (_, item, _) in zip(keys, rows, strict=True)
            for position, person in enumerate(item.persons)
        ],
    )
    insert_rows(
        SignalBehaviour,
        ["signal", "code"],
        [
            (key, code)
            for key, (_, item, _) in zip(keys, rows, strict=True)
            for code in item.behaviours
        ],
    )
    # One entry per signal covers the identity records written for it: they carry the same
    # organisation and source reference, so the trail leads from one to the other.
    purpose = f"intake via {channel}; signal with its identity records"
    record_many(actor, "create", "signal", [str(o.signal_id) for o, _, _ in rows], purpose)
    person_ids = iter(resolution.person_ids)
    stored = [
        StoredSignal(
            outcome.signal_id,
            organisation.pk,
            organisation.kind,
            item.occurred_start,
            item.reported_at,
            item.relationship,
            tuple(item.behaviours),
            tuple((next(person_ids), person.role) for person in item.persons),
        )
        for outcome, item, _ in rows
    ]
    for hook in _stored_hooks():
        hook(stored)


@dataclass(frozen=True)
class StoredSignal:
    """What later stages (the pattern engine) need of a signal just written, without a query."""

    signal_id: uuid.UUID
    organisation_id: int
    organisation_kind: str
    occurred: date
    reported_at: datetime
    relationship: str
    behaviours: tuple[str, ...]
    persons: tuple[tuple[uuid.UUID, str], ...]


@functools.cache
def _stored_hooks() -> tuple:
    """Called inside the intake transaction, so a signal and its consequences land together."""
    return tuple(import_string(path) for path in settings.PATROON_SIGNAL_STORED_HOOKS)


def decrypt_narrative(signal: Signal) -> str:
    return cipher().decrypt(signal.narrative, NARRATIVE_PURPOSE) if signal.narrative else ""
