"""Context linkage in the vault: after intake, and in the batch rebuild.

The rule itself is pure (``identity.linkage.context``); this module feeds it stored records
and writes what it decides as moves of kind "context", whose encrypted reason is the
evidence. It decides on base clusters (the model's clusters, before any context link), so
after intake it re-clusters the persons around the new records — every person connected to
them through shared signals, where all the rule's inputs lie — the way the rebuild clusters
everything, bound by the same decisions of the link reviewer (``identity.decisions``), and a
rebuild then agrees with intake. A weak mention that fits several persons is linked to none;
each of them goes to the link reviewer as a pair to decide.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping

from django.utils import timezone

from patroon.identity import decisions, moves
from patroon.identity.linkage import TrainedModel, plaintext_row, score_candidates
from patroon.identity.linkage.context import (
    Ambiguous,
    ContextLink,
    Mention,
    apply,
    context_links,
)
from patroon.identity.models import IdentityRecord
from patroon.identity.regroup import assign_persons, cluster
from patroon.identity.reviews import open_new_reviews
from patroon.identity.scoring import Scorer
from patroon.security.keys import cipher

CHUNK = 500
#: Persons connected through shared signals are re-decided together, up to this many
#: records; beyond it the rest of a (very large) web of signals is left as it is.
MAX_RECORDS = 5000


def decide(
    model: TrainedModel,
    rows: Mapping,
    mentions: Mapping,
    base: Mapping,
    rejected: set,
) -> tuple[dict, dict[object, list[ContextLink]], list[Ambiguous]]:
    """Record id -> final cluster root, the applied links per final cluster root, and the
    weak mentions that fit several persons (for ``review_ambiguous``)."""
    links, ambiguous = context_links(model, rows, mentions, base, rejected=rejected)
    final, applied = apply(model, rows, base, links, rejected)
    evidence: dict[object, list[ContextLink]] = {}
    for link in applied:
        evidence.setdefault(final[link.record], []).append(link)
    return final, evidence, ambiguous


def review_ambiguous(
    score: Scorer, rows: Mapping, ambiguous: Iterable[Ambiguous], final: Mapping
) -> int:
    """Put each person an ambiguous weak mention fits before the link reviewer, as the pair
    (mention, that person's record named in the same role), with the model's field weights.

    The rule cannot choose between the persons; a reviewer who knows the files can, and
    accepting one pair merges the two persons like any reviewed pair (audited, undoable).
    Pairs already in the queue, or decided, are left as they are."""
    pairs = []
    for item in ambiguous:
        for candidate in item.candidates:
            if final[item.record] == final[candidate]:
                continue
            (scored,) = score_candidates(
                score.model, rows[item.record], {candidate: rows[candidate]}
            )
            pairs.append(
                (
                    item.record,
                    candidate,
                    scored["match_probability"],
                    scored["match_weight"],
                    scored["field_weights"],
                )
            )
    return open_new_reviews(pairs, score.version, timezone.now())


def reason(links: Iterable[ContextLink]) -> str:
    return "context linkage: " + " | ".join(link.explain() for link in links)


def write_moves(
    final: Mapping,
    evidence: Mapping[object, list[ContextLink]],
    current: Mapping,
    *,
    kind: str,
    actor: str,
) -> dict:
    """Give every final cluster a person (``assign_persons``) and move records to it; a move
    into a cluster joined by context links is of kind "context", its reason the evidence."""
    groups: dict = {}
    for rid, root in final.items():
        groups.setdefault(root, []).append(rid)
    target = assign_persons(groups.values(), current)
    moved: dict[tuple, list] = {}
    for rid, person in target.items():
        if person != current[rid]:
            moved.setdefault((current[rid], person, final[rid]), []).append(rid)
    for (before, after, root), rids in sorted(moved.items(), key=lambda m: str(m[0])):
        links = evidence.get(root)
        moves.move_records(
            rids,
            before,
            after,
            kind="context" if links else kind,
            actor=actor,
            reason=reason(links) if links else "",
        )
    return target


def relink_around(record_ids: Iterable[uuid.UUID], score: Scorer) -> None:
    """Re-decide the context links of the persons connected to these records by signals
    (with the trained model of ``score``), and queue the ambiguous ones for review."""
    from patroon.identity.resolution import IDENTIFIERS_PURPOSE

    fields = ("id", "person_id", "organisation_code", "source_reference", "role")
    seen_persons: set = set()
    seen_signals: set = set()
    found: dict[uuid.UUID, tuple] = {}
    persons = set(
        IdentityRecord.objects.filter(pk__in=list(record_ids)).values_list("person_id", flat=True)
    )
    while persons and len(found) < MAX_RECORDS:
        seen_persons |= persons
        batch = _query(fields, "person_id__in", list(persons))
        found.update((r[0], r) for r in batch)
        signals = {(r[2], r[3]) for r in batch} - seen_signals
        seen_signals |= signals
        refs = list({ref for _, ref in signals})
        # With the organisations too: the index leads with the organisation, and without it
        # PostgreSQL scanned the whole vault (35 ms a record at a million records).
        codes = {"organisation_code__in": list({code for code, _ in signals})}
        named = [
            r
            for r in _query(fields, "source_reference__in", refs, **codes)
            if (r[2], r[3]) in signals
        ]
        found.update((r[0], r) for r in named)
        persons = {r[1] for r in named} - seen_persons
    if len({(r[2], r[3]) for r in found.values()}) == len(found):
        return  # every signal names one person: no context to use
    decrypt = cipher().decrypt
    rows, mentions, current = {}, {}, {}
    for rid, person, code, ref, role, blob in _query(
        (*fields, "identifiers"), "pk__in", sorted(found)
    ):
        rows[rid] = plaintext_row(json.loads(decrypt(blob, IDENTIFIERS_PURPOSE)))
        mentions[rid] = Mention((code, ref), role)
        current[rid] = person
    decided = decisions.load(rows)
    model = score.model
    base = cluster(model, rows, decided)
    final, evidence, ambiguous = decide(model, rows, mentions, base, decided.apart())
    write_moves(final, evidence, current, kind="link", actor="linkage")
    review_ambiguous(score, rows, ambiguous, final)


def _query(fields: tuple, lookup: str, values: list, **also) -> list[tuple]:
    out = []
    for i in range(0, len(values), CHUNK):
        rows = IdentityRecord.objects.filter(**{lookup: values[i : i + CHUNK]}, **also)
        out.extend(rows.values_list(*fields))
    return out
