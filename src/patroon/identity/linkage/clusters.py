"""From scored pairs to decisions: clusters at a threshold, or a one-to-one assignment."""

from __future__ import annotations

import numpy as np

from patroon.identity.linkage.model import Predictions


def clusters(predictions: Predictions, threshold: float | None = None) -> dict:
    """Connected components of the pairs at or above ``threshold`` (default: the model's
    link threshold): (source, id) -> cluster id (the smallest member). Records without a
    link are left out."""
    floor = predictions.model.link_threshold if threshold is None else threshold
    parent: dict = {}

    def find(node):
        root = node
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(node, node) != root:
            parent[node], node = root, parent[node]
        return root

    for i in np.flatnonzero(predictions.match_probability >= floor):
        left = (predictions.source_l[i], predictions.id_l[i])
        right = (predictions.source_r[i], predictions.id_r[i])
        a, b = find(left), find(right)
        if a != b:
            parent[max(a, b, key=repr)] = min(a, b, key=repr)
            parent.setdefault(min(a, b, key=repr), min(a, b, key=repr))
    return {node: find(node) for node in parent}


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
