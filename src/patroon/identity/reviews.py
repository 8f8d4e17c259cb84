"""Opening review items: the one place uncertain pairs enter the link reviewer's queue."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable

from patroon.db.bulk import insert_rows
from patroon.db.ids import time_ordered_uuid
from patroon.identity.models import ReviewItem

REVIEW_REASON_PURPOSE = b"identity.review_reason"
COLUMNS = (
    "id",
    "record",
    "candidate",
    "match_probability",
    "match_weight",
    "field_weights",
    "model_version",
    "status",
    "created_at",
    "decided_by",
)


def open_reviews(
    pairs: Iterable[tuple[uuid.UUID, uuid.UUID, float, float, dict]], model_version: str, now
) -> int:
    """(record, candidate, probability, weight, field weights) per pair, all open."""
    return insert_rows(
        ReviewItem,
        COLUMNS,
        [
            (
                time_ordered_uuid(),
                record,
                candidate,
                probability,
                weight,
                json.dumps(weights),
                model_version,
                ReviewItem.Status.OPEN,
                now,
                "",
            )
            for record, candidate, probability, weight, weights in pairs
        ],
    )


def open_new_reviews(
    pairs: Iterable[tuple[uuid.UUID, uuid.UUID, float, float, dict]], model_version: str, now
) -> int:
    """``open_reviews`` for pairs that may already be in the queue (in either order): those
    are left as they are, open or decided, so asking again on every rebuild or intake
    neither duplicates an item nor reopens a decision."""
    fresh: dict = {}
    for pair in pairs:
        fresh.setdefault(frozenset(pair[:2]), pair)
    records = {rid for key in fresh for rid in key}
    existing = ReviewItem.objects.filter(record_id__in=records, candidate_id__in=records)
    for key in existing.values_list("record_id", "candidate_id"):
        fresh.pop(frozenset(key), None)
    return open_reviews(fresh.values(), model_version, now)
