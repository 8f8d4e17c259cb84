"""The vault's candidate index: keyed hashes of blocking-key values, never the values.

The batch linkage compares two records when they agree on any blocking key; the index finds,
for one new record, exactly the stored records that agree with it on one, so incremental and
batch linking score the same pairs.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from patroon.identity.linkage import blocking_keys, plaintext_row
from patroon.identity.models import BlockingKey, IdentityRecord
from patroon.security.keys import cipher, pseudonymiser

LOOKUP_CHUNK = 500
# A block this large is a value shared by very many people (a common name with a birth
# year, a big postcode): the rest of the record's keys still find its true matches.
MAX_BLOCK = 2000
SIGN = 1 << 63


def digest(kind: str, value: str) -> int:
    """64 bits of the HMAC as a signed integer (a BIGINT column), from the vault's key."""
    return int(pseudonymiser().digest(f"block.{kind}", value)[:16], 16) - SIGN


def digests(row: dict) -> list[int]:
    return list(dict.fromkeys(digest(kind, value) for kind, value in blocking_keys(row)))


@dataclass
class Candidates:
    index: dict[int, list[uuid.UUID]]
    person_of: dict[uuid.UUID, uuid.UUID]
    rows: dict[uuid.UUID, dict]


def candidate_records(wanted: Iterable[int]) -> Candidates:
    """Stored records sharing any of these digests, with their persons and linkage rows."""
    wanted = list(wanted)
    index: dict[int, list[uuid.UUID]] = {}
    for i in range(0, len(wanted), LOOKUP_CHUNK):
        rows = BlockingKey.objects.filter(digest__in=wanted[i : i + LOOKUP_CHUNK])
        for value, record_id in rows.values_list("digest", "record_id"):
            index.setdefault(value, []).append(record_id)
    index = {d: ids[-MAX_BLOCK:] for d, ids in index.items()}
    ids = list({rid for rids in index.values() for rid in rids})
    person_of, linkage_rows = _load("pk__in", ids)
    return Candidates(index, person_of, linkage_rows)


def records_of_persons(persons: Iterable[uuid.UUID]) -> Candidates:
    """Every stored record of these persons (to check a link against all of them)."""
    person_of, linkage_rows = _load("person_id__in", list(persons))
    return Candidates({}, person_of, linkage_rows)


def _load(lookup: str, values: list) -> tuple[dict, dict]:
    from patroon.identity.resolution import IDENTIFIERS_PURPOSE

    person_of: dict[uuid.UUID, uuid.UUID] = {}
    linkage_rows: dict[uuid.UUID, dict] = {}
    decrypt = cipher().decrypt
    for i in range(0, len(values), LOOKUP_CHUNK):
        records = IdentityRecord.objects.filter(**{lookup: values[i : i + LOOKUP_CHUNK]})
        for rid, pid, blob in records.values_list("id", "person_id", "identifiers"):
            person_of[rid] = pid
            linkage_rows[rid] = plaintext_row(json.loads(decrypt(blob, IDENTIFIERS_PURPOSE)))
    return person_of, linkage_rows
