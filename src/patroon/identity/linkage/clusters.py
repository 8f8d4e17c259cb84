"""From scored pairs to decisions: clusters at a threshold, or a one-to-one assignment."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from patroon.identity.linkage.model import Predictions

#: Comparisons whose "all other" level means two different people: another BSN, another sex,
#: a date of birth that agrees in nothing. ``keep_apart`` never puts such records together.
CONFLICTS = ("bsn", "sex", "date_of_birth")


def conflicting(predictions: Predictions) -> np.ndarray:
    model, found = predictions.model, np.zeros(len(predictions), dtype=bool)
    for name in CONFLICTS:
        if name in predictions.field_weight:
            found |= predictions.field_weight[name] == model.weights[name][-1]
    return found


def clusters(
    predictions: Predictions,
    threshold: float | None = None,
    *,
    keep_apart=False,
    must_link: Iterable[tuple] = (),
    cannot_link: Iterable[tuple] = (),
):
    """Groups of records linked by pairs at or above ``threshold`` (default: the model's
    link threshold): (source, id) -> cluster id (the smallest member). Records without a
    link are left out.

    By default the groups are connected components. With ``keep_apart``, links are taken
    strongest first and one that would join two groups holding a conflicting scored pair
    (see ``CONFLICTS``) is skipped: a "Mustafa" at an address then joins the father or the
    son, never both into one person.

    ``must_link`` and ``cannot_link`` are (source, id) pairs a person decided, and a person
    knows more than the model: must-link pairs are joined before any scored pair, even
    against a conflict, and cannot-link pairs are never joined, not even through a chain.
    Where the two contradict each other through a chain, cannot-link wins.
    """
    floor = predictions.model.link_threshold if threshold is None else threshold
    parent: dict = {}
    apart: dict = {}

    def find(node):
        root = node
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(node, node) != root:
            parent[node], node = root, parent[node]
        return root

    def node(side: str, i: int):
        return (getattr(predictions, f"source_{side}")[i], getattr(predictions, f"id_{side}")[i])

    def keep(left, right) -> None:
        apart.setdefault(find(left), set()).add(right)
        apart.setdefault(find(right), set()).add(left)

    def join(left, right) -> None:
        a, b = find(left), find(right)
        if a == b or any(find(x) == b for x in apart.get(a, ())):
            return
        low, high = min(a, b, key=repr), max(a, b, key=repr)
        parent[high] = low
        parent.setdefault(low, low)
        if high in apart:
            apart.setdefault(low, set()).update(apart.pop(high))

    for left, right in cannot_link:
        keep(left, right)
    for left, right in sorted(must_link, key=repr):
        join(left, right)
    if keep_apart:
        for i in np.flatnonzero(conflicting(predictions)):
            keep(node("l", i), node("r", i))
    chosen = np.flatnonzero(predictions.match_probability >= floor)
    if keep_apart:
        chosen = _strongest_first(predictions, chosen)
    for i in chosen:
        join(node("l", i), node("r", i))
    return {n: find(n) for n in parent}


def _strongest_first(predictions: Predictions, chosen: np.ndarray) -> np.ndarray:
    """``chosen`` pair indices by descending weight; equal weights (many: the weights take
    few distinct values) by the pair's record ids. DuckDB returns pairs in no fixed order,
    and which of two tied links ``keep_apart`` takes first decides who joins whom: without
    this, two rebuilds of the same vault, or a rebuild and intake, could disagree."""
    ids = [
        sorted(
            (
                repr((predictions.source_l[i], predictions.id_l[i])),
                repr((predictions.source_r[i], predictions.id_r[i])),
            )
        )
        for i in chosen
    ]
    first = np.array([pair[0] for pair in ids], dtype=object)
    second = np.array([pair[1] for pair in ids], dtype=object)
    order = np.lexsort((second, first, -predictions.match_weight[chosen]))
    return chosen[order]


def one_to_one(predictions: Predictions, threshold: float | None = None) -> np.ndarray:
    """Indices of pairs kept by a greedy one-to-one assignment by descending weight.

    Only sound between two sources that are each free of duplicates (e.g. two registers);
    it is what anonlink's ``greedy_solve`` does."""
    floor = predictions.model.link_threshold if threshold is None else threshold
    candidates = np.flatnonzero(predictions.match_probability >= floor)
    order = candidates[np.argsort(-predictions.match_weight[candidates], kind="stable")]
    used, kept = set(), []
    for i in order:
        left = (predictions.source_l[i], predictions.id_l[i])
        right = (predictions.source_r[i], predictions.id_r[i])
        if left not in used and right not in used:
            used.update((left, right))
            kept.append(i)
    return np.array(sorted(kept), dtype=np.intp)
