"""The link reviewer's decisions as constraints on clustering, for the rebuild and intake.

A rebuild re-clusters the vault from the model, and intake re-clusters the persons around new
records; both would undo what a person decided unless the decisions bind them
(``regroup.Decisions``, applied in ``regroup.group``). The rules:

* An accepted review item links its two records (must-link), unless the merge it made was
  undone. A review item does not name its merge, so the merge is taken to be the latest
  change of kind "review" that moved the item's record at or before the decision
  (``services.decide_review`` merges that record's person, in the same transaction). An
  accept that merged nothing, the two being one person already, thus stands or falls with
  the review merge that had joined them.
* A rejected review item keeps its two records apart (cannot-link).
* A split that was not undone keeps the records split off apart from the records its person
  (``from_person``) holds now: current membership, which is cheap to read and which a
  rebuild keeps, as a person keeps its id there.
* Per pair, the latest decision wins: a reviewer may accept a pair split before, or split
  records accepted before.

The rules are pure functions of plain values; ``load`` reads them from the vault.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from patroon.identity.models import IdentityRecord, PersonChange, ReviewItem
from patroon.identity.regroup import Decisions


@dataclass(frozen=True)
class Decision:
    """One human decision about record pairs: link them (``link``) or keep them apart."""

    at: datetime
    pairs: frozenset[frozenset]
    link: bool


@dataclass(frozen=True)
class Merge:
    """A review merge: the records it moved, when, and whether it was undone."""

    records: frozenset
    at: datetime
    undone: bool


def constraints(decisions: Iterable[Decision]) -> Decisions:
    """Must-link and cannot-link pairs, the latest decision on each pair winning."""
    latest: dict[frozenset, bool] = {}
    for decision in sorted(decisions, key=lambda d: d.at):
        for pair in decision.pairs:
            latest[pair] = decision.link
    return Decisions(
        frozenset(pair for pair, link in latest.items() if link),
        frozenset(pair for pair, link in latest.items() if not link),
    )


def merge_undone(record, decided_at: datetime, merges: Iterable[Merge]) -> bool:
    """Was the review merge behind accepting ``record`` at ``decided_at`` undone?"""
    made = [m for m in merges if record in m.records and m.at <= decided_at]
    return bool(made) and max(made, key=lambda m: m.at).undone


def split_pairs(split: Iterable, stayed: Iterable) -> frozenset[frozenset]:
    """Each record split off against each record that stayed with the person."""
    split = set(split)
    return frozenset(frozenset((a, b)) for a in split for b in stayed if b not in split)


def load(records: Iterable | None = None) -> Decisions:
    """The decisions that touch ``records`` (the whole vault if None)."""
    records = None if records is None else list(records)
    return constraints([*_reviews(records), *_splits(records)])


def _reviews(records: list | None) -> list[Decision]:
    items = ReviewItem.objects.exclude(status=ReviewItem.Status.OPEN)
    if records is not None:
        items = items.filter(Q(record_id__in=records) | Q(candidate_id__in=records))
    rows = [
        (a, b, status == ReviewItem.Status.ACCEPTED, decided or created)
        for a, b, status, decided, created in items.values_list(
            "record_id", "candidate_id", "status", "decided_at", "created_at"
        )
    ]
    accepted = [at for _, _, link, at in rows if link]
    merges = _review_merges(max(accepted)) if accepted else []
    return [
        Decision(at, frozenset({frozenset((a, b))}), link)
        for a, b, link, at in rows
        if not (link and merge_undone(a, at, merges))
    ]


def _review_merges(until: datetime) -> list[Merge]:
    changes = PersonChange.objects.filter(kind="review", created_at__lte=until)
    return [
        Merge(frozenset(uuid.UUID(r) for r in moved), at, undone_by is not None)
        for moved, at, undone_by in changes.values_list("records", "created_at", "undone_by")
    ]


def _splits(records: list | None) -> list[Decision]:
    splits = PersonChange.objects.filter(kind="split", undone_by__isnull=True)
    if records is not None:
        persons = set(
            IdentityRecord.objects.filter(pk__in=records).values_list("person_id", flat=True)
        )
        splits = splits.filter(Q(from_person__in=persons) | Q(to_person__in=persons))
    rows = list(splits.values_list("records", "from_person", "created_at"))
    if not rows:
        return []
    stayed: dict[uuid.UUID, list] = {}
    members = IdentityRecord.objects.filter(person_id__in={person for _, person, _ in rows})
    for rid, person in members.values_list("id", "person_id"):
        stayed.setdefault(person, []).append(rid)
    return [
        Decision(at, split_pairs((uuid.UUID(r) for r in moved), stayed.get(person, ())), False)
        for moved, person, at in rows
    ]
