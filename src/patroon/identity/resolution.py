"""Person resolution: the one interface through which intake turns identifiers into persons.

The current resolver links on exact keyed hashes (BSN, else normalised name + date of birth).
The linkage issue replaces it with probabilistic linkage behind the same ``resolve_many``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from patroon.db.bulk import insert_rows
from patroon.db.ids import time_ordered_uuid
from patroon.identity.keys import match_values
from patroon.identity.models import IdentityRecord, MatchKey, Person
from patroon.security.keys import cipher, pseudonymiser

IDENTIFIERS_PURPOSE = b"identity.identifiers"
LOOKUP_CHUNK = 500


@dataclass(frozen=True)
class PersonMention:
    """One person as named in one signal by one organisation."""

    organisation_code: str
    source_reference: str
    identifiers: dict


@dataclass(frozen=True)
class Resolution:
    person_ids: list[uuid.UUID]
    new_persons: int
    record_ids: list[uuid.UUID]


class ExactKeyResolver:
    def resolve_many(self, mentions: Sequence[PersonMention]) -> Resolution:
        hasher = pseudonymiser()
        keys_per_mention = [
            [(kind, hasher.digest(kind, value)) for kind, value in match_values(m.identifiers)]
            for m in mentions
        ]
        known = _lookup({k for keys in keys_per_mention for k in keys})
        now = timezone.now()
        new_persons: list[uuid.UUID] = []
        new_keys: dict[tuple[str, str], uuid.UUID] = {}
        person_ids: list[uuid.UUID] = []
        for keys in keys_per_mention:
            person = next((known[k] for k in keys if k in known), None)
            if person is None:
                person = uuid.uuid4()
                new_persons.append(person)
            for key in keys:
                if key not in known:
                    known[key] = person
                    new_keys[key] = person
            person_ids.append(person)

        insert_rows(Person, ["id", "created_at"], [(p, now) for p in new_persons])
        insert_rows(
            MatchKey,
            ["kind", "digest", "person"],
            [(kind, digest, person) for (kind, digest), person in new_keys.items()],
        )
        encrypt = cipher().encrypt
        record_ids = [time_ordered_uuid() for _ in mentions]
        insert_rows(
            IdentityRecord,
            ["id", "person", "organisation_code", "source_reference", "identifiers", "created_at"],
            [
                (
                    rid,
                    pid,
                    m.organisation_code,
                    m.source_reference,
                    encrypt(json.dumps(m.identifiers, separators=(",", ":")), IDENTIFIERS_PURPOSE),
                    now,
                )
                for rid, pid, m in zip(record_ids, person_ids, mentions, strict=True)
            ],
        )
        return Resolution(person_ids, len(new_persons), record_ids)


def _lookup(keys: set[tuple[str, str]]) -> dict[tuple[str, str], uuid.UUID]:
    found: dict[tuple[str, str], uuid.UUID] = {}
    by_kind: dict[str, list[str]] = {}
    for kind, digest in keys:
        by_kind.setdefault(kind, []).append(digest)
    for kind, digests in by_kind.items():
        for i in range(0, len(digests), LOOKUP_CHUNK):
            rows = MatchKey.objects.filter(kind=kind, digest__in=digests[i : i + LOOKUP_CHUNK])
            for digest, person_id in rows.values_list("digest", "person_id"):
                found[(kind, digest)] = person_id
    return found


def resolver() -> ExactKeyResolver:
    return import_string(settings.PATROON_PERSON_RESOLVER)()


def decrypt_identifiers(record: IdentityRecord) -> dict:
    return json.loads(cipher().decrypt(record.identifiers, IDENTIFIERS_PURPOSE))
