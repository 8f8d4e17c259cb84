"""Probabilistic record linkage of persons, in plaintext or on encoded identifiers.

Pure Python on Splink 5 (DuckDB) and numpy; no Django. The vault calls:

* ``plaintext_source`` / ``encoded_source`` to turn records into a source,
* ``train`` once per model version, storing ``TrainedModel.to_json()``,
* ``predict`` for a batch rebuild, ``clusters`` to group linked records,
* ``plaintext_row`` / ``encoded_row``, ``blocking_keys`` and ``score_candidates`` for one new
  record inside the intake transaction.
"""

from patroon.identity.linkage.clusters import clusters, one_to_one
from patroon.identity.linkage.frames import (
    Source,
    encoded_row,
    encoded_source,
    plaintext_row,
    plaintext_source,
)
from patroon.identity.linkage.model import (
    MODEL_VERSION,
    Predictions,
    TrainedModel,
    predict,
    settings,
    train,
)
from patroon.identity.linkage.scoring import (
    blocking_keys,
    field_weights,
    identifiers_blocking_keys,
    score_candidates,
    share_a_block,
)

__all__ = [
    "MODEL_VERSION",
    "Predictions",
    "Source",
    "TrainedModel",
    "blocking_keys",
    "clusters",
    "encoded_row",
    "encoded_source",
    "field_weights",
    "identifiers_blocking_keys",
    "one_to_one",
    "plaintext_row",
    "plaintext_source",
    "predict",
    "score_candidates",
    "settings",
    "share_a_block",
    "train",
]
