"""Incremental linking: score ONE new record against a few blocked candidates, in Python.

The vault finds candidates by the record's blocking keys (the same keys the batch linkage
joins on) and scores them here with the trained weights, without a DuckDB round trip. The
level logic is shared with the batch SQL (``comparisons``), so a pair gets the same match
weight on both paths; a test holds the two together.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from patroon.identity.linkage.comparisons import comparison_level
from patroon.identity.linkage.frames import plaintext_row
from patroon.identity.linkage.model import TrainedModel
from patroon_encode.blocking import KEYS


def blocking_keys(row: dict) -> list[tuple[str, str]]:
    """(key name, value) pairs to index and look up; a row from ``plaintext_row`` or
    ``encoded_row``. In plaintext mode, hash the values with a vault key before storing."""
    return [(key, row[key]) for key in KEYS if row.get(key)]


def identifiers_blocking_keys(identifiers: dict) -> list[tuple[str, str]]:
    """Blocking keys straight from a PersonInput identifiers dict (plaintext mode)."""
    return blocking_keys(plaintext_row(identifiers))


def share_a_block(left: dict, right: dict) -> bool:
    """Would the batch linkage compare these two rows at all?"""
    return any(left.get(k) is not None and left.get(k) == right.get(k) for k in KEYS)


def field_weights(model: TrainedModel, left: dict, right: dict) -> dict[str, float]:
    """Match weight per field of one pair: the explanation shown to the reviewer."""
    bits = model.bloom_bits
    return {
        c.name: model.weights[c.name][comparison_level(c, model.mode, left, right, bits)]
        for c in model.comparisons
    }


def decision(model: TrainedModel, probability: float) -> str:
    if probability >= model.link_threshold:
        return "link"
    if probability >= model.review_threshold:
        return "review"
    return "distinct"


def score_candidates(
    model: TrainedModel, record: dict, candidates: Mapping | Iterable[tuple]
) -> list[dict]:
    """Score ``record`` against each candidate (id -> row, or (id, row) pairs), best first.

    Each result: id, match_weight, match_probability, decision ("link", "review" or
    "distinct") and field_weights. Rows come from ``plaintext_row`` or ``encoded_row``.
    """
    items = candidates.items() if isinstance(candidates, Mapping) else candidates
    results = []
    for candidate_id, row in items:
        weights = field_weights(model, record, row)
        weight = model.prior_weight + sum(weights.values())
        probability = 1.0 / (1.0 + math.pow(2.0, -weight)) if weight > -1000 else 0.0
        results.append(
            {
                "id": candidate_id,
                "match_weight": weight,
                "match_probability": probability,
                "decision": decision(model, probability),
                "field_weights": weights,
            }
        )
    results.sort(key=lambda r: -r["match_weight"])
    return results
