"""Which person each record belongs to, decided the same way in batch and incrementally.

Pure Python (no ORM). The batch rebuild clusters the whole vault with ``keep_apart``
(``identity.linkage.clusters``): links strongest first, never joining records that conflict
on BSN, sex or date of birth. Incrementally, a new record usually just joins the person it
links to; when its arrival brings a conflict into play, the persons involved are re-clustered
with the very same algorithm on their records, so a new record can also split a person the
batch would have kept apart. Persons keep their ids where they can (``assign_persons``).
Both paths cluster through ``group``, bound by the link reviewer's ``Decisions``.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable, Mapping

import numpy as np

from patroon.identity.linkage import TrainedModel, clusters
from patroon.identity.linkage.clusters import CONFLICTS, conflicting
from patroon.identity.linkage.model import Predictions
from patroon.identity.linkage.scoring import field_weights, share_a_block
from patroon_encode.blocking import KEYS


@dataclasses.dataclass(frozen=True)
class Decisions:
    """The link reviewer's decisions as record pairs (each a frozenset of two record ids).

    They bind the clustering of the rebuild and of intake alike (``group``): a person who
    read the files knows more than the model. Read from the vault by ``identity.decisions``.
    """

    must_link: frozenset[frozenset] = frozenset()
    cannot_link: frozenset[frozenset] = frozenset()

    def among(self, ids: Iterable) -> Decisions:
        """Only the pairs between these records: a clustering of part of the vault must not
        be joined through a record it does not hold."""
        ids = set(ids)
        return Decisions(
            frozenset(p for p in self.must_link if p <= ids),
            frozenset(p for p in self.cannot_link if p <= ids),
        )

    def apart(self) -> set[tuple]:
        """The cannot-link pairs in both orders: the form context linkage takes."""
        return {(a, b) for pair in self.cannot_link for a in pair for b in pair if a != b}


def conflicts(model: TrainedModel, left: dict, right: dict) -> bool:
    """A scored pair whose BSN, sex or date of birth says: two different people."""
    if not share_a_block(left, right):
        return False
    weights = field_weights(model, left, right)
    return any(name in weights and weights[name] == model.weights[name][-1] for name in CONFLICTS)


def any_conflict(model: TrainedModel, group: Iterable[dict], others: Iterable[dict]) -> bool:
    others = list(others)
    return any(conflicts(model, a, b) for a in group for b in others)


def cluster(
    model: TrainedModel, rows: Mapping[object, dict], decisions: Decisions = Decisions()
) -> dict[object, object]:
    """Record id -> component root, by the batch algorithm (``group``) on these records only,
    bound by the reviewer's ``decisions`` between them."""
    ids = list(rows)
    left, right, weights = [], [], []
    per_field: dict[str, list[float]] = {c.name: [] for c in model.comparisons}
    for i, j in _blocked_pairs([rows[rid] for rid in ids]):
        a, b = ids[i], ids[j]
        fields = field_weights(model, rows[a], rows[b])
        left.append(a)
        right.append(b)
        weights.append(model.prior_weight + sum(fields.values()))
        for name, value in fields.items():
            per_field[name].append(value)
    scored = Predictions(
        model=model,
        id_l=left,
        id_r=right,
        source_l=["a"] * len(left),
        source_r=["a"] * len(left),
        match_weight=np.array(weights, dtype=float),
        field_weight={name: np.array(v, dtype=float) for name, v in per_field.items()},
    )
    roots = group(scored, decisions.among(ids))
    return {rid: roots.get(rid, rid) for rid in ids}


def group(scored: Predictions, decisions: Decisions) -> dict:
    """Record id -> cluster root, for the records in a link or a must-link pair.

    The batch algorithm (``unambiguous``, then ``keep_apart`` clusters), bound by the
    reviewer's decisions: must-link pairs are joined whatever the model says, cannot-link
    pairs never. The one clustering of the rebuild and of intake, so the two agree.
    """
    source = scored.source_l[0] if len(scored) else "a"

    def nodes(pairs: frozenset[frozenset]) -> list[tuple]:
        return [tuple((source, rid) for rid in sorted(pair, key=str)) for pair in pairs]

    clustered = clusters(
        unambiguous(without(scored, decisions.cannot_link)),
        keep_apart=True,
        must_link=nodes(decisions.must_link),
        cannot_link=nodes(decisions.cannot_link),
    )
    return {rid: root for (_, rid), root in clustered.items()}


def without(scored: Predictions, pairs: frozenset[frozenset]) -> Predictions:
    """The scored pairs not among ``pairs``: a link a reviewer refused takes no part, not
    even in making another link ambiguous, nor as a pair to review again."""
    if not pairs:
        return scored
    keep = [
        i for i in range(len(scored)) if frozenset((scored.id_l[i], scored.id_r[i])) not in pairs
    ]
    return subset(scored, keep)


def _blocked_pairs(rows: list[dict]) -> list[tuple[int, int]]:
    """Index pairs (i < j, in order) of rows that share a blocking key: the pairs the batch
    scores, found through the keys instead of trying every pair."""
    blocks: dict[tuple[str, object], list[int]] = {}
    for index, row in enumerate(rows):
        for key in KEYS:
            value = row.get(key)
            if value is not None:
                blocks.setdefault((key, value), []).append(index)
    pairs = set()
    for members in blocks.values():
        pairs.update((a, b) for n, a in enumerate(members) for b in members[n + 1 :])
    return sorted(pairs)


#: How much stronger (in bits of match weight) one of two conflicting links must be to win.
MARGIN = 4.0


def unambiguous(scored: Predictions) -> Predictions:
    """The pairs without links that could go either way.

    A record that links to two records which conflict with each other — "Joost Bouzid, male",
    nothing else, when a father and a son of that name are known — could be either. If one
    link is clearly stronger (by ``MARGIN`` bits: a shared BSN against a shared name) the
    weaker is dropped; if not, the record links to neither and its pairs go to the link
    reviewer. Decided per record from its own pairs, so the order of arrival does not matter.
    """
    links = np.flatnonzero(scored.match_probability >= scored.model.link_threshold)
    apart = {
        frozenset((scored.id_l[i], scored.id_r[i])) for i in np.flatnonzero(conflicting(scored))
    }
    partners: dict = {}
    for i in links:
        weight = float(scored.match_weight[i])
        partners.setdefault(scored.id_l[i], {})[scored.id_r[i]] = (weight, i)
        partners.setdefault(scored.id_r[i], {})[scored.id_l[i]] = (weight, i)
    dropped: set[int] = set()
    for linked in partners.values():
        dropped.update(_weaker_links(linked, apart))
    if not dropped:
        return scored
    return subset(scored, [i for i in range(len(scored)) if i not in dropped])


def _weaker_links(linked: dict, apart: set) -> list[int]:
    """The pair indices one record must drop, given its links (partner -> (weight, index)).

    Strongest first: a link that conflicts with a link already kept is dropped if that one
    is ``MARGIN`` bits stronger, and otherwise the record is ambiguous and drops them all.
    A link beaten this way takes no further part: a record whose phone, address and birth
    date agree with one person is not made ambiguous by two weaker name matches that
    conflict with each other (the same name under two BSNs, a father and his son).
    """
    kept: list[tuple[float, object]] = []
    beaten = []
    for partner, (weight, index) in sorted(linked.items(), key=lambda p: (-p[1][0], str(p[0]))):
        rivals = [w for w, other in kept if frozenset((partner, other)) in apart]
        if any(w - weight < MARGIN for w in rivals):
            return [i for _, i in linked.values()]
        if rivals:
            beaten.append(index)
        else:
            kept.append((weight, partner))
    return beaten


def subset(scored: Predictions, keep: list[int]) -> Predictions:
    """The pairs at these indices."""
    return dataclasses.replace(
        scored,
        id_l=[scored.id_l[i] for i in keep],
        id_r=[scored.id_r[i] for i in keep],
        source_l=[scored.source_l[i] for i in keep],
        source_r=[scored.source_r[i] for i in keep],
        match_weight=scored.match_weight[keep],
        field_weight={name: w[keep] for name, w in scored.field_weight.items()},
    )


def assign_persons(
    groups: Iterable[list], current: Mapping[object, uuid.UUID | None]
) -> dict[object, uuid.UUID]:
    """A person per group: the one most of its records already have, unless a larger group
    kept it (then a new person). Records with ``None`` are new. Deterministic."""
    claimed: set[uuid.UUID] = set()
    assigned: dict[object, uuid.UUID] = {}
    for members in sorted(groups, key=lambda g: (-len(g), sorted(map(str, g)))):
        counts: dict[uuid.UUID, int] = {}
        for rid in members:
            person = current.get(rid)
            if person is not None and person not in claimed:
                counts[person] = counts.get(person, 0) + 1
        target = max(sorted(counts, key=str), key=counts.get) if counts else uuid.uuid4()
        claimed.add(target)
        for rid in members:
            assigned[rid] = target
    return assigned
