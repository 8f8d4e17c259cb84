"""Person resolution: the one interface through which intake turns identifiers into persons.

``LinkageResolver`` links each new mention to the persons already in the vault, inside the
intake transaction, so the pattern engine sees the right person at once:

1. the mention's blocking keys (the same keys the batch linkage joins on) are keyed-hashed
   and looked up in ``BlockingKey`` — also among the batch's own earlier mentions;
2. each candidate is scored with the active trained model (``identity.linkage``); without a
   trained model yet, only a same BSN, or the same first name, surname and date of birth,
   links (the deterministic rules);
3. links join the best candidate's person; if the mention links to several persons, they
   are merged (the same connected components a batch rebuild finds); pairs in the review
   band become review items for the link reviewer, never automatic merges.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from patroon.db.bulk import insert_rows
from patroon.db.ids import time_ordered_uuid
from patroon.identity import moves
from patroon.identity.blocking import candidate_records, digests
from patroon.identity.linkage import plaintext_row
from patroon.identity.models import BlockingKey, IdentityRecord, Person
from patroon.identity.reviews import open_reviews
from patroon.identity.scoring import Scorer, scorer
from patroon.security.keys import cipher

IDENTIFIERS_PURPOSE = b"identity.identifiers"
LOOKUP_CHUNK = 500


@dataclass(frozen=True)
class PersonMention:
    """One person as named in one signal by one organisation."""

    organisation_code: str
    source_reference: str
    identifiers: dict
    position: int = 0


@dataclass(frozen=True)
class Resolution:
    person_ids: list[uuid.UUID]
    new_persons: int
    record_ids: list[uuid.UUID]


@dataclass
class _Batch:
    """What one call has decided so far: persons of records, new rows to write."""

    person_of: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)
    rows: dict[uuid.UUID, dict] = field(default_factory=dict)
    local_index: dict[int, list[uuid.UUID]] = field(default_factory=dict)
    new_persons: list[uuid.UUID] = field(default_factory=list)
    reviews: dict[tuple[uuid.UUID, uuid.UUID], dict] = field(default_factory=dict)
    merges: list[tuple[uuid.UUID, uuid.UUID]] = field(default_factory=list)


class LinkageResolver:
    def resolve_many(self, mentions: Sequence[PersonMention]) -> Resolution:
        now = timezone.now()
        score = scorer()
        rows = [plaintext_row(m.identifiers) for m in mentions]
        keys = [digests(row) for row in rows]
        stored = candidate_records({d for ks in keys for d in ks})
        batch = _Batch()
        batch.person_of.update(stored.person_of)
        batch.rows.update(stored.rows)
        record_ids = [time_ordered_uuid() for _ in mentions]
        person_ids = []
        for record_id, row, record_keys in zip(record_ids, rows, keys, strict=True):
            person_ids.append(self._link(batch, score, record_id, row, record_keys, stored))
        # Merges during the batch may have moved earlier mentions' persons.
        person_ids = [batch.person_of[r] for r in record_ids]
        self._write(batch, mentions, record_ids, person_ids, keys, score, now)
        return Resolution(person_ids, len(batch.new_persons), record_ids)

    def _link(self, batch: _Batch, score: Scorer, record_id, row, record_keys, stored):
        candidates: dict[uuid.UUID, dict] = {}
        for digest in record_keys:
            for cid in stored.index.get(digest, ()):
                candidates[cid] = batch.rows[cid]
            for cid in batch.local_index.get(digest, ()):
                candidates[cid] = batch.rows[cid]
        results = score(row, candidates)
        linked = [r for r in results if r["decision"] == "link"]
        persons = list(dict.fromkeys(batch.person_of[r["id"]] for r in linked))
        if persons:
            target = persons[0]
            for other in persons[1:]:
                batch.merges.append((other, target))
                for rid, pid in batch.person_of.items():
                    if pid == other:
                        batch.person_of[rid] = target
        else:
            target = uuid.uuid4()
            batch.new_persons.append(target)
        for result in results:
            if result["decision"] != "review":
                continue
            candidate = result["id"]
            if batch.person_of[candidate] == target:
                continue
            batch.reviews.setdefault((record_id, candidate), result)
        batch.person_of[record_id] = target
        batch.rows[record_id] = row
        for digest in record_keys:
            batch.local_index.setdefault(digest, []).append(record_id)
        return target

    def _write(self, batch, mentions, record_ids, person_ids, keys, score, now) -> None:
        absorbed = {other for other, _ in batch.merges}
        insert_rows(
            Person,
            ["id", "created_at"],
            [(p, now) for p in batch.new_persons if p not in absorbed],
        )
        encrypt = cipher().encrypt
        insert_rows(
            IdentityRecord,
            [
                "id",
                "person",
                "organisation_code",
                "source_reference",
                "position",
                "identifiers",
                "created_at",
            ],
            [
                (
                    rid,
                    pid,
                    m.organisation_code,
                    m.source_reference,
                    m.position,
                    encrypt(json.dumps(m.identifiers, separators=(",", ":")), IDENTIFIERS_PURPOSE),
                    now,
                )
                for rid, pid, m in zip(record_ids, person_ids, mentions, strict=True)
            ],
        )
        insert_rows(
            BlockingKey,
            ["digest", "record"],
            [(d, rid) for rid, ks in zip(record_ids, keys, strict=True) for d in ks],
        )
        open_reviews(
            (
                (rid, cid, r["match_probability"], r["match_weight"], r["field_weights"])
                for (rid, cid), r in batch.reviews.items()
            ),
            score.version,
            now,
        )
        new = set(batch.new_persons)
        for other, target in _collapse(batch.merges):
            if other not in new:  # a new person's records were written under the target
                moves.merge_persons(other, target, kind="link", actor="linkage", reason="")


def _collapse(merges: list[tuple[uuid.UUID, uuid.UUID]]) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """Merge chains (a→b, b→c) as each absorbed person straight into its final target."""
    target = dict(merges)

    def final(person):
        seen = set()
        while person in target and person not in seen:
            seen.add(person)
            person = target[person]
        return person

    return [(a, final(a)) for a in target]


def resolver() -> LinkageResolver:
    return import_string(settings.PATROON_PERSON_RESOLVER)()


def decrypt_identifiers(record: IdentityRecord) -> dict:
    return json.loads(cipher().decrypt(record.identifiers, IDENTIFIERS_PURPOSE))
