"""Writes of the identity vault beyond intake: training, batch rebuild, review decisions,
splits, undo, and re-identification as an audited act."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from patroon.accounts.access import AccessDenied, NotVisible, require
from patroon.accounts.actor import Actor
from patroon.accounts.permissions import Capability
from patroon.audit.services import record
from patroon.db.bulk import insert_rows
from patroon.db.transactions import atomic_everywhere
from patroon.identity import context_links, decisions, moves
from patroon.identity.blocking import digests
from patroon.identity.linkage import plaintext_source, predict, train
from patroon.identity.linkage.context import Mention
from patroon.identity.models import (
    BlockingKey,
    IdentityRecord,
    LinkageModel,
    PersonChange,
    ReviewItem,
)
from patroon.identity.regroup import group, without
from patroon.identity.resolution import IDENTIFIERS_PURPOSE
from patroon.identity.reviews import REVIEW_REASON_PURPOSE, open_reviews
from patroon.identity.scoring import scorer
from patroon.security.keys import cipher

READ_CHUNK = 5000
MIN_REASON = 10


class ReasonRequired(ValueError):
    """A decision or a break-the-glass read needs a written reason."""


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ReasonRequired("reason_required")
    return reason


def _all_records(progress: Callable[[int], None] | None = None, mentions: dict | None = None):
    """(record ids, person ids, identifiers dicts) of the whole vault, decrypted in memory;
    fills ``mentions`` (record id -> signal and role) if given."""
    decrypt = cipher().decrypt
    ids, persons, identifiers = [], [], []
    rows = IdentityRecord.objects.order_by("id").values_list(
        "id", "person_id", "identifiers", "organisation_code", "source_reference", "role"
    )
    for rid, pid, blob, code, ref, role in rows.iterator(chunk_size=READ_CHUNK):
        ids.append(rid)
        persons.append(pid)
        identifiers.append(json.loads(decrypt(blob, IDENTIFIERS_PURPOSE)))
        if mentions is not None:
            mentions[rid] = Mention((code, ref), role)
        if progress and len(ids) % READ_CHUNK == 0:
            progress(READ_CHUNK)
    return ids, persons, identifiers


def train_model(actor: Actor, progress=None) -> LinkageModel:
    """Train on the vault's own records (no labels) and make the model the active one."""
    ids, _, identifiers = _all_records(progress)
    if len(ids) < 50:
        raise ValueError("too few records to train a linkage model (at least 50)")
    started = time.perf_counter()
    model = train(plaintext_source(identifiers, ids))
    seconds = time.perf_counter() - started
    with atomic_everywhere():
        LinkageModel.objects.filter(active=True).update(active=False)
        stored = LinkageModel.objects.create(
            version=model.to_json()["model_version"],
            mode=model.mode,
            parameters=model.to_json(),
            records=len(ids),
            seconds=round(seconds, 2),
            trained_at=timezone.now(),
            trained_by=actor.username,
            active=True,
        )
        record(actor, "create", "linkage_model", str(stored.pk), f"trained on {len(ids)} records")
    return stored


@dataclass(frozen=True)
class RebuildResult:
    records: int
    persons: int
    moved: int
    reviews_opened: int
    seconds: float


def rebuild(actor: Actor, progress=None) -> RebuildResult:
    """Re-link the whole vault in one batch with the active model.

    Persons become the clusters of the pairs at or above the link threshold, taken strongest
    first and never joining records that conflict on BSN, sex or date of birth (the same
    algorithm incremental linking applies, ``regroup``). The link reviewer's decisions bind
    it as they bind intake (``identity.decisions``): an accepted pair stays linked, a
    rejected pair or a split stays apart, until the decision is undone. Each cluster keeps
    the person most of its records already had, so a rebuild that agrees with incremental
    linking moves nothing.
    """
    started = time.perf_counter()
    active = scorer()
    if active.model is None:
        raise ValueError("no trained linkage model: run `patroon link train` first")
    mentions: dict = {}
    ids, persons, identifiers = _all_records(progress, mentions)
    source = plaintext_source(identifiers, ids)
    scored = predict(active.model, source)  # all blocked pairs: conflicts matter too
    decided = decisions.load()
    roots = group(scored, decided)
    base = {rid: roots.get(rid, rid) for rid in ids}
    rows = {rid: source.row(i) for i, rid in enumerate(ids)}
    final, evidence, ambiguous = context_links.decide(
        active.model, rows, mentions, base, decided.apart()
    )
    current = dict(zip(ids, persons, strict=True))
    with atomic_everywhere():
        target = context_links.write_moves(
            final, evidence, current, kind="rebuild", actor=actor.username
        )
        reviews = _open_reviews(without(scored, decided.cannot_link), target, active)
        reviews += context_links.review_ambiguous(active, rows, ambiguous, final)
        _reindex(ids, identifiers)
        count = sum(target[rid] != current[rid] for rid in ids)
        record(actor, "update", "person_links", "all", f"rebuild: {count} records moved")
    return RebuildResult(
        len(ids), len(set(final.values())), count, reviews, round(time.perf_counter() - started, 2)
    )


def _open_reviews(predictions, current, active) -> int:
    """Review items for uncertain pairs the batch found between different persons."""
    existing = set()
    for a, b in ReviewItem.objects.values_list("record_id", "candidate_id"):
        existing.update({(a, b), (b, a)})
    probabilities = predictions.match_probability
    pairs = []
    for i in range(len(predictions)):
        left, right = predictions.id_l[i], predictions.id_r[i]
        # The review band, and links that keep_apart refused (a conflicting birth date).
        if probabilities[i] < active.model.review_threshold or current[left] == current[right]:
            continue
        if (left, right) in existing:
            continue
        existing.update({(left, right), (right, left)})
        pairs.append(
            (
                left,
                right,
                float(probabilities[i]),
                float(predictions.match_weight[i]),
                predictions.field_weights(i),
            )
        )
    return open_reviews(pairs, active.version, timezone.now())


def _reindex(ids: list, identifiers: list[dict]) -> None:
    """Rebuild the candidate index (blocking keys may have changed with the model)."""
    from patroon.identity.linkage import plaintext_row

    BlockingKey.objects.all().delete()
    rows = [
        (d, rid)
        for rid, ident in zip(ids, identifiers, strict=True)
        for d in digests(plaintext_row(ident))
    ]
    insert_rows(BlockingKey, ["digest", "record"], rows)


def decide_review(actor: Actor, item_id, accept: bool, reason: str) -> ReviewItem:
    """Accept (the two records are one person: merge) or reject (never link them)."""
    require(actor, Capability.LINK_REVIEW)
    reason = _reason(reason)
    with atomic_everywhere():
        item = ReviewItem.objects.select_for_update().filter(pk=item_id).first()
        if item is None:
            raise NotVisible("review item")
        if item.status != ReviewItem.Status.OPEN:
            raise moves.MoveError("already decided")
        if accept:
            persons = IdentityRecord.objects.filter(pk__in=[item.record_id, item.candidate_id])
            by_record = dict(persons.values_list("id", "person_id"))
            absorbed, survivor = by_record[item.record_id], by_record[item.candidate_id]
            if absorbed != survivor:
                moves.merge_persons(
                    absorbed, survivor, kind="review", actor=actor.username, reason=reason
                )
        item.status = ReviewItem.Status.ACCEPTED if accept else ReviewItem.Status.REJECTED
        item.decided_at, item.decided_by = timezone.now(), actor.username
        item.reason = cipher().encrypt(reason, REVIEW_REASON_PURPOSE)
        item.save(update_fields=["status", "decided_at", "decided_by", "reason"])
        record(actor, "update", "review_item", str(item.pk), f"link review: {item.status}")
    return item


def split(actor: Actor, record_ids: list, reason: str) -> PersonChange:
    require(actor, Capability.LINK_REVIEW)
    reason = _reason(reason)
    with atomic_everywhere():
        change = moves.split_records(record_ids, actor=actor.username, reason=reason)
        record(actor, "update", "person_change", str(change.pk), "split")
    return change


def undo(actor: Actor, change_id, reason: str) -> PersonChange:
    require(actor, Capability.LINK_REVIEW)
    reason = _reason(reason)
    with atomic_everywhere():
        change = moves.undo(change_id, actor=actor.username, reason=reason)
        record(actor, "update", "person_change", str(change_id), "undo")
    return change


def reidentify(actor: Actor, person_ref: uuid.UUID, reason: str) -> dict:
    """Show who a pseudonymous person is: an act with a reason, never a default view.

    Without case-team membership (case teams arrive with casusregie) every re-identification
    is a break-the-glass read: allowed with a written reason, and flagged in the audit trail
    for the privacy officer.
    """
    if not actor.can(Capability.REIDENTIFY) or actor.organisation_id is None:
        raise AccessDenied(Capability.REIDENTIFY.value)
    reason = _reason(reason)
    rows = IdentityRecord.objects.filter(person_id=person_ref).order_by("-created_at")
    latest = rows.values_list("id", "identifiers").first()
    if latest is None:
        raise NotVisible("person")
    identifiers = json.loads(cipher().decrypt(latest[1], IDENTIFIERS_PURPOSE))
    record(actor, "break_glass", "person", str(person_ref), reason[:200])
    record(actor, "reidentify", "identity_record", str(latest[0]), "break-the-glass read")
    return {
        k: identifiers.get(k)
        for k in ("given_names", "surname_prefix", "surname", "date_of_birth", "sex")
    }
