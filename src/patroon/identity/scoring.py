"""Which scorer decides links now: the active trained model, or the deterministic rules.

Before ``patroon link train`` has produced a model (a fresh installation), a pair links only
on the same BSN, or on the same first name, surname and date of birth with no conflicting
BSN — the exact rules the vault used before probabilistic linkage. Nothing goes to review.
The same holds after an upgrade that changed what the comparison levels mean (a new
``MODEL_VERSION``): a model trained before it is not used, intake goes on under the rules,
and ``patroon link train`` (``make run`` does it) brings probabilistic linkage back.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from patroon.identity.linkage import MODEL_VERSION, TrainedModel, score_candidates
from patroon.identity.models import LinkageModel

DETERMINISTIC = "deterministic/1"


@dataclass(frozen=True)
class Scorer:
    version: str
    model: TrainedModel | None

    def __call__(self, row: dict, candidates: Mapping[object, dict]) -> list[dict]:
        if not candidates:
            return []
        if self.model is not None:
            return score_candidates(self.model, row, candidates)
        return [_deterministic(cid, row, other) for cid, other in candidates.items()]


def _deterministic(candidate_id, row: dict, other: dict) -> dict:
    same_bsn = bool(row.get("bsn")) and row.get("bsn") == other.get("bsn")
    conflict = bool(row.get("bsn") and other.get("bsn")) and not same_bsn
    same_name_dob = all(
        row.get(f) and row.get(f) == other.get(f) for f in ("given_name", "surname", "dob")
    )
    link = same_bsn or (same_name_dob and not conflict)
    return {
        "id": candidate_id,
        "match_weight": 0.0,
        "match_probability": 1.0 if link else 0.0,
        "decision": "link" if link else "distinct",
        "field_weights": {},
    }


def scorer() -> Scorer:
    active = current_models().order_by("-id")
    found = active.values_list("id", "trained_at").first()
    return _load(*found) if found is not None else Scorer(DETERMINISTIC, None)


def current_models():
    """Active models this version of Patroon can use."""
    return LinkageModel.objects.filter(active=True, version=MODEL_VERSION)


@functools.lru_cache(maxsize=4)
def _load(model_id: int, trained_at) -> Scorer:
    """Parsing a model takes milliseconds; intake asks for it on every batch."""
    row = LinkageModel.objects.get(pk=model_id)
    return Scorer(f"{row.version}#{row.pk}", TrainedModel.from_json(row.parameters))
