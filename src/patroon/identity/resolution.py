"""Person resolution: the one interface through which intake turns identifiers into persons.

``LinkageResolver`` links each new mention to the persons already in the vault, inside the
intake transaction, so the pattern engine sees the right person at once:

1. the mention's blocking keys (the same keys the batch linkage joins on) are keyed-hashed
   and looked up in ``BlockingKey`` — also among the batch's own earlier mentions;
2. each candidate is scored with the active trained model (``identity.linkage``); without a
   trained model yet, only a same BSN, or the same first name, surname and date of birth,
   links (the deterministic rules);
3. links join the best candidate's person; if the mention links to several persons, they
   are merged; when a conflicting BSN, sex or birth date is in play, the persons involved
   are re-clustered the way the batch rebuild clusters (``regroup``). Pairs in the review
   band, and links kept apart by a conflict, become review items for the link reviewer,
   never automatic merges.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from patroon.db.bulk import insert_rows
from patroon.db.ids import time_ordered_uuid
from patroon.identity import decisions, moves
from patroon.identity.blocking import candidate_records, digests, records_of_persons
from patroon.identity.context_links import relink_around
from patroon.identity.linkage import plaintext_row
from patroon.identity.models import BlockingKey, IdentityRecord, Person
from patroon.identity.regroup import any_conflict, assign_persons, cluster
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
    role: str = ""


@dataclass(frozen=True)
class Resolution:
    person_ids: list[uuid.UUID]
    new_persons: int
    record_ids: list[uuid.UUID]


@dataclass
class _Batch:
    """What one call has decided so far: the person of every record it has seen (stored
    records as loaded, new ones as linked), and the moves of stored records to write."""

    person_of: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)
    members: dict[uuid.UUID, set[uuid.UUID]] = field(default_factory=dict)
    rows: dict[uuid.UUID, dict] = field(default_factory=dict)
    new_records: set[uuid.UUID] = field(default_factory=set)
    loaded_persons: set[uuid.UUID] = field(default_factory=set)
    local_index: dict[int, list[uuid.UUID]] = field(default_factory=dict)
    new_persons: set[uuid.UUID] = field(default_factory=set)
    reviews: dict[tuple[uuid.UUID, uuid.UUID], dict] = field(default_factory=dict)
    origin: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)

    def assign(self, record_id: uuid.UUID, person: uuid.UUID) -> None:
        before = self.person_of.get(record_id)
        if before is not None:
            self.members[before].discard(record_id)
        self.person_of[record_id] = person
        self.members.setdefault(person, set()).add(record_id)

    def load(self, persons: Iterable[uuid.UUID]) -> None:
        """Bring every stored record of these persons into the batch (decrypted), once."""
        missing = set(persons) - self.loaded_persons - self.new_persons
        if not missing:
            return
        stored = records_of_persons(missing)
        for rid, person in stored.person_of.items():
            if rid not in self.person_of:
                self.assign(rid, person)
                self.rows[rid] = stored.rows[rid]
        self.loaded_persons |= missing

    def records_of(self, persons: Iterable[uuid.UUID]) -> dict[uuid.UUID, dict]:
        persons = list(persons)
        self.load(persons)
        return {rid: self.rows[rid] for p in persons for rid in self.members.get(p, ())}

    def neighbourhood(self, rows: dict[uuid.UUID, dict]) -> dict[uuid.UUID, dict]:
        """These records, the records their blocking keys reach, and all records of every
        person among them: what a batch rebuild would weigh when placing them."""
        wanted = {d for r in rows.values() for d in digests(r)}
        stored = candidate_records(wanted)
        for rid, person in stored.person_of.items():
            if rid not in self.person_of:
                self.assign(rid, person)
                self.rows[rid] = stored.rows[rid]
        found = set(stored.person_of)
        found.update(rid for d in wanted for rid in self.local_index.get(d, ()))
        persons = {self.person_of[rid] for rid in found | set(rows)}
        return {**self.records_of(persons), **rows}

    def move(self, record_id: uuid.UUID, person: uuid.UUID) -> None:
        if record_id not in self.new_records:
            self.origin.setdefault(record_id, self.person_of[record_id])
        if person not in self.members:  # a person the re-clustering made up
            self.new_persons.add(person)
        self.assign(record_id, person)


class LinkageResolver:
    def resolve_many(self, mentions: Sequence[PersonMention]) -> Resolution:
        now = timezone.now()
        score = scorer()
        rows = [plaintext_row(m.identifiers) for m in mentions]
        keys = [digests(row) for row in rows]
        stored = candidate_records({d for ks in keys for d in ks})
        batch = _Batch()
        for rid, person in stored.person_of.items():
            batch.assign(rid, person)
        batch.rows.update(stored.rows)
        if score.model is not None:  # conflicts are checked against whole persons
            batch.load(set(stored.person_of.values()))
        record_ids = [time_ordered_uuid() for _ in mentions]
        for record_id, row, record_keys in zip(record_ids, rows, keys, strict=True):
            self._link(batch, score, record_id, row, record_keys, stored)
        # Later mentions may have moved earlier ones (a merge or a split).
        person_ids = [batch.person_of[r] for r in record_ids]
        self._write(batch, mentions, record_ids, person_ids, keys, score, now)
        if score.model is not None:
            relink_around(record_ids, score)
            stored = IdentityRecord.objects.filter(pk__in=record_ids)
            final = dict(stored.values_list("id", "person"))
            person_ids = [final[r] for r in record_ids]
        return Resolution(person_ids, len(set(person_ids) & batch.new_persons), record_ids)

    def _link(self, batch: _Batch, score: Scorer, record_id, row, record_keys, stored) -> None:
        candidates: dict[uuid.UUID, dict] = {}
        for digest in record_keys:
            for cid in (*stored.index.get(digest, ()), *batch.local_index.get(digest, ())):
                candidates[cid] = batch.rows[cid]
        results = score(row, candidates)
        persons = list(
            dict.fromkeys(batch.person_of[r["id"]] for r in results if r["decision"] == "link")
        )
        batch.new_records.add(record_id)
        batch.rows[record_id] = row
        for digest in record_keys:
            batch.local_index.setdefault(digest, []).append(record_id)
        if not persons:
            target = uuid.uuid4()
            batch.new_persons.add(target)
            batch.assign(record_id, target)
        elif len(persons) == 1 and score.model is None:
            batch.assign(record_id, persons[0])
        else:
            self._join(batch, score, record_id, row, persons)
        # Review-band pairs, and links kept apart by a conflict, go to the link reviewer
        # if the two records still belong to different persons when the batch is written.
        for result in results:
            if result["decision"] in ("review", "link"):
                batch.reviews.setdefault((record_id, result["id"]), result)

    @staticmethod
    def _join(batch: _Batch, score: Scorer, record_id, row, persons) -> None:
        """Join the linked persons, or re-link the neighbourhood the batch way.

        The common case — one person, no conflicting birth date, sex or BSN — is a join.
        Otherwise the records around the new one (the persons it links to, and the persons
        their own blocking keys reach) are clustered exactly as the batch rebuild clusters
        everything, bound by the reviewer's decisions between them, so the result depends
        neither on the order in which records arrived nor on the path.
        """
        members = batch.records_of(persons)
        model = score.model
        if model is None or (
            len(persons) == 1 and not any_conflict(model, [row], members.values())
        ):
            batch.assign(record_id, persons[0])
            for rid in members:
                if batch.person_of[rid] != persons[0]:
                    batch.move(rid, persons[0])
            return
        batch.assign(record_id, persons[0])  # provisional, decided below
        rows = batch.neighbourhood({**members, record_id: row})
        roots = cluster(model, rows, decisions.load(set(rows) - batch.new_records))
        groups: dict[object, list] = {}
        for rid, root in roots.items():
            groups.setdefault(root, []).append(rid)
        current = {rid: batch.person_of[rid] for rid in rows}
        current[record_id] = None
        for rid, person in assign_persons(groups.values(), current).items():
            if rid == record_id:
                if person not in batch.members:
                    batch.new_persons.add(person)
                batch.assign(rid, person)
            elif person != batch.person_of[rid]:
                batch.move(rid, person)

    def _write(self, batch, mentions, record_ids, person_ids, keys, score, now) -> None:
        insert_rows(
            Person,
            ["id", "created_at"],
            [(p, now) for p in dict.fromkeys(person_ids) if p in batch.new_persons],
        )
        insert_records(
            (rid, pid, m, now) for rid, pid, m in zip(record_ids, person_ids, mentions, strict=True)
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
                if batch.person_of[rid] != batch.person_of[cid]
            ),
            score.version,
            now,
        )
        moved: dict[tuple[uuid.UUID, uuid.UUID], list[uuid.UUID]] = {}
        for rid, before in batch.origin.items():
            after = batch.person_of[rid]
            if after != before:
                moved.setdefault((before, after), []).append(rid)
        for (before, after), rids in moved.items():
            moves.move_records(rids, before, after, kind="link", actor="linkage", reason="")


def insert_records(records: Iterable[tuple[uuid.UUID, uuid.UUID, PersonMention, object]]) -> None:
    """(record id, person, mention, created at) as encrypted identity records: intake's way,
    also used to fill a vault for benchmarks."""
    encrypt = cipher().encrypt
    insert_rows(
        IdentityRecord,
        [
            "id",
            "person",
            "organisation_code",
            "source_reference",
            "position",
            "role",
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
                m.role,
                encrypt(json.dumps(m.identifiers, separators=(",", ":")), IDENTIFIERS_PURPOSE),
                at,
            )
            for rid, pid, m, at in records
        ],
    )


def resolver() -> LinkageResolver:
    return import_string(settings.PATROON_PERSON_RESOLVER)()


def decrypt_identifiers(record: IdentityRecord) -> dict:
    return json.loads(cipher().decrypt(record.identifiers, IDENTIFIERS_PURPOSE))
