"""The Fellegi-Sunter linkage model on Splink 5 (DuckDB): settings, training, prediction.

Both modes share one comparison structure (``comparisons.PROFILES``) and one set of
blocking keys (``patroon_encode.blocking``); only the SQL of the fuzzy levels differs. The
model trains without labels: the chance that two random records match from deterministic
rules, u from random pairs, m by expectation maximisation in two blocked passes (on date of
birth, then on name), so each field is trained on pairs not chosen for agreeing on it.

A trained model is plain JSON (``TrainedModel.to_json``): the Splink settings with their m
and u values, plus the match weight of every level, which the incremental scorer uses.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field

import duckdb
import numpy as np
from splink import DuckDBAPI, Linker

from patroon.identity.linkage.comparisons import (
    DEFAULT_PROFILE,
    ENCODED,
    MODES,
    PROFILES,
    level_sql,
    null_sql,
)
from patroon.identity.linkage.frames import Source
from patroon_encode.blocking import KEYS

#: Increased whenever a comparison level changes meaning: a stored model's Splink SQL (batch) and
#: the Python levels (intake) must put a pair in the same level, so older models are refused.
MODEL_VERSION = "patroon-linkage/3"
#: Links at or above this match probability are accepted; between the two, reviewed.
LINK_THRESHOLD = 0.9
REVIEW_THRESHOLD = 0.5
THREADS = 2
#: A BSN is issued once: agreement is near-certain, a conflict strong evidence against.
#: m is fixed rather than learnt, because EM on data where BSN is mostly missing is unstable.
BSN_M_EXACT = 0.998
_DETERMINISTIC_RULES = (
    '"l"."given_name" = "r"."given_name" AND "l"."surname" = "r"."surname" '
    'AND "l"."dob" = "r"."dob"',
    '"l"."surname" = "r"."surname" AND "l"."dob" = "r"."dob" AND "l"."postcode" = "r"."postcode"',
    '"l"."bsn" = "r"."bsn"',
)
_EM_RULES = (
    '"l"."dob" = "r"."dob"',
    '"l"."given_name" = "r"."given_name" AND "l"."surname" = "r"."surname"',
)
_SOURCE_NAMES = ("a", "b")


def blocking_rules() -> list[str]:
    """One equality per blocking key; batch and incremental (``blocking_keys``) agree."""
    return [f'"l"."{key}" = "r"."{key}"' for key in KEYS]


def settings(
    mode: str,
    link_type: str,
    *,
    profile: str = DEFAULT_PROFILE,
    bloom_bits: int = 0,
    words: int = 0,
) -> dict:
    """Splink settings (untrained) for ``mode`` ("plaintext" or "encoded") and address
    ``profile`` ("joint" or "separate", see ``comparisons.PROFILES``)."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    comparisons = []
    for comparison in PROFILES[profile]:
        levels = [
            {
                "sql_condition": null_sql(comparison),
                "label_for_charts": "null",
                "is_null_level": True,
            }
        ]
        for level in comparison.levels:
            entry = {
                "sql_condition": level_sql(level, mode, bloom_bits, words),
                "label_for_charts": level.label,
            }
            if comparison.name == "bsn":
                entry |= {"m_probability": BSN_M_EXACT, "fix_m_probability": True}
            levels.append(entry)
        other = {"sql_condition": "ELSE", "label_for_charts": "all other"}
        if comparison.name == "bsn":
            other |= {"m_probability": 1 - BSN_M_EXACT, "fix_m_probability": True}
        levels.append(other)
        comparisons.append(
            {
                "output_column_name": comparison.name,
                "comparison_description": comparison.name,
                "comparison_levels": levels,
            }
        )
    return {
        "link_type": link_type,
        "unique_id_column_name": "unique_id",
        "comparisons": comparisons,
        "blocking_rules_to_generate_predictions": blocking_rules(),
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": True,
        "max_iterations": 12,
        "em_convergence": 0.001,
    }


@dataclass
class TrainedModel:
    """A trained model: what the vault stores (as JSON) and both scoring paths read."""

    mode: str
    link_type: str
    profile: str
    splink_settings: dict
    #: comparison name -> match weight per level: [null, level 1, ..., all other]
    weights: dict[str, list[float]]
    prior_weight: float
    encoding: dict | None = None
    link_threshold: float = LINK_THRESHOLD
    review_threshold: float = REVIEW_THRESHOLD
    trained: dict = field(default_factory=dict)

    @property
    def comparisons(self):
        return PROFILES[self.profile]

    @property
    def bloom_bits(self) -> int:
        return self.encoding["parameters"]["bloom_bits"] if self.encoding else 0

    def to_json(self) -> dict:
        return {
            "model_version": MODEL_VERSION,
            "mode": self.mode,
            "link_type": self.link_type,
            "profile": self.profile,
            "prior_weight": self.prior_weight,
            "weights": self.weights,
            "link_threshold": self.link_threshold,
            "review_threshold": self.review_threshold,
            "encoding": self.encoding,
            "trained": self.trained,
            "splink_settings": self.splink_settings,
        }

    @classmethod
    def from_json(cls, data: dict) -> TrainedModel:
        if data.get("model_version") != MODEL_VERSION:
            raise ValueError(f"unsupported model version {data.get('model_version')!r}")
        return cls(
            mode=data["mode"],
            link_type=data["link_type"],
            profile=data["profile"],
            splink_settings=data["splink_settings"],
            weights={k: list(v) for k, v in data["weights"].items()},
            prior_weight=data["prior_weight"],
            encoding=data["encoding"],
            link_threshold=data["link_threshold"],
            review_threshold=data["review_threshold"],
            trained=data["trained"],
        )


def probability(weight: float | np.ndarray):
    """Match probability of a match weight (log2 Bayes factor including the prior)."""
    return 1.0 / (1.0 + np.exp2(-np.asarray(weight, dtype=float)))


def _check(sources: tuple[Source, ...]) -> tuple[str, str]:
    if len(sources) not in (1, 2):
        raise ValueError("pass one source (dedupe) or two (link)")
    modes = {s.mode for s in sources}
    if len(modes) != 1:
        raise ValueError("all sources must be in the same mode")
    if len({(s.encoding or {}).get("key_id") for s in sources}) != 1:
        raise ValueError("encoded sources were made with different keys")
    formats = sorted({str((s.encoding or {}).get("format")) for s in sources})
    if len(formats) != 1:
        raise ValueError(
            f"encoded sources were made by different encoder releases ({', '.join(formats)}): "
            "re-encode with the same release of patroon-encode"
        )
    return modes.pop(), "dedupe_only" if len(sources) == 1 else "link_only"


def _linker(sources: tuple[Source, ...], model_settings: dict) -> Linker:
    # Splink warns about every level unseen in the data (phone in FEBRL, ...): noise here.
    logging.getLogger("splink").setLevel(logging.ERROR)
    connection = duckdb.connect()
    connection.execute(f"SET threads = {THREADS}")
    api = DuckDBAPI(connection)
    tables = [
        api.register(source.to_arrow(), dataset_display_name=name)
        for source, name in zip(sources, _SOURCE_NAMES, strict=False)
    ]
    return Linker(tables if len(tables) > 1 else tables[0], model_settings, log_level=None)


def _level_weights(linker: Linker) -> dict[str, list[float]]:
    """Match weight per level in our order (null, levels..., else) from Splink's own numbers."""
    weights = {}
    for comparison in linker._settings_obj.comparisons:
        levels = comparison.comparison_levels
        null = [lv for lv in levels if lv.is_null_level]
        rest = [lv for lv in levels if not lv.is_null_level]
        weights[comparison.output_column_name] = [0.0] * len(null) + [
            _log2_bayes_factor(lv) for lv in rest
        ]
    return weights


def _log2_bayes_factor(level) -> float:
    m, u = level.m_probability, level.u_probability
    if m is None or u is None:
        return 0.0
    if u == 0:
        return math.inf
    if m == 0:
        return -math.inf
    return math.log2(m / u)


def train(
    *sources: Source,
    profile: str = DEFAULT_PROFILE,
    u_pairs: float = 3e5,
    em_pairs: float | None = None,
    recall: float = 0.7,
    seed: int = 1,
) -> TrainedModel:
    """Train without labels on one source (dedupe) or two (link-only).

    ``u_pairs`` random pairs estimate u; ``em_pairs`` caps the pairs of each EM pass (for
    large data; None uses all blocked pairs); ``recall`` is the assumed recall of the
    deterministic rules used for the prior match probability.
    """
    started = time.perf_counter()
    mode, link_type = _check(sources)
    words = next(iter(sources[0].blooms.values()))[0].shape[1] if mode == ENCODED else 0
    bits = sources[0].encoding["parameters"]["bloom_bits"] if mode == ENCODED else 0
    linker = _linker(
        sources, settings(mode, link_type, profile=profile, bloom_bits=bits, words=words)
    )
    training = linker.training
    training.estimate_probability_two_random_records_match(list(_DETERMINISTIC_RULES), recall)
    training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=seed, num_chunks=1)
    for rule in _EM_RULES:
        training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=em_pairs)
    trained_settings = linker.misc.save_model_to_json()
    probability_match = linker._settings_obj._probability_two_random_records_match
    return TrainedModel(
        mode=mode,
        link_type=link_type,
        profile=profile,
        splink_settings=trained_settings,
        weights=_level_weights(linker),
        prior_weight=math.log2(probability_match / (1 - probability_match)),
        encoding=sources[0].encoding,
        trained={
            "records": sum(len(s) for s in sources),
            "seconds": round(time.perf_counter() - started, 3),
            "u_pairs": u_pairs,
            "em_pairs": em_pairs,
        },
    )


@dataclass
class Predictions:
    """Scored pairs, column by column. Side ``l``/``r`` carry the record id and source name."""

    model: TrainedModel
    id_l: list
    id_r: list
    source_l: list
    source_r: list
    match_weight: np.ndarray
    #: comparison name -> match weight of that field per pair (Splink's ``mw_`` columns)
    field_weight: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.id_l)

    @property
    def match_probability(self) -> np.ndarray:
        return probability(self.match_weight)

    def field_weights(self, index: int) -> dict[str, float]:
        """The explanation of one pair: match weight contributed by each field."""
        return {name: float(weights[index]) for name, weights in self.field_weight.items()}

    def pairs(self, min_probability: float | None = None) -> list[dict]:
        """Pairs at or above ``min_probability`` (default: the review threshold), explained."""
        floor = self.model.review_threshold if min_probability is None else min_probability
        chosen = np.flatnonzero(self.match_probability >= floor)
        return [
            {
                "id_l": self.id_l[i],
                "id_r": self.id_r[i],
                "source_l": self.source_l[i],
                "source_r": self.source_r[i],
                "match_weight": float(self.match_weight[i]),
                "match_probability": float(probability(self.match_weight[i])),
                "field_weights": self.field_weights(i),
            }
            for i in chosen
        ]


def predict(model: TrainedModel, *sources: Source, min_probability: float = 0.0) -> Predictions:
    """Score all blocked pairs of one source (dedupe) or between two (link-only)."""
    mode, link_type = _check(sources)
    if mode != model.mode or link_type != model.link_type:
        raise ValueError(f"model is for {model.mode}/{model.link_type}, not {mode}/{link_type}")
    if mode == ENCODED and sources[0].encoding["key_id"] != model.encoding["key_id"]:
        raise ValueError("sources and model were encoded with different keys")
    if mode == ENCODED and sources[0].encoding.get("format") != model.encoding.get("format"):
        raise ValueError("sources and model come from different encoder releases: retrain")
    linker = _linker(sources, model.splink_settings)
    frame = linker.inference.predict(
        threshold_match_probability=min_probability or None, warning_mode="never"
    )
    relation = frame.as_duckdbpyrelation()
    has_source = "source_dataset_l" in relation.columns
    sources_sql = '"source_dataset_l", "source_dataset_r"' if has_source else "'a', 'a'"
    weights_sql = ", ".join(f'"mw_{c.name}"' for c in model.comparisons)
    table = relation.select(
        f'"unique_id_l", "unique_id_r", {sources_sql}, "match_weight", {weights_sql}'
    ).to_arrow_table()
    frame.drop_table_from_database_and_remove_from_cache()
    source_l = table.column(2).to_pylist()
    source_r = table.column(3).to_pylist()
    lookups = {
        name: {str(i): i for i in s.ids} for s, name in zip(sources, _SOURCE_NAMES, strict=False)
    }
    id_l = [lookups[s][u] for s, u in zip(source_l, table.column(0).to_pylist(), strict=True)]
    id_r = [lookups[s][u] for s, u in zip(source_r, table.column(1).to_pylist(), strict=True)]
    return Predictions(
        model,
        id_l,
        id_r,
        source_l,
        source_r,
        table.column("match_weight").to_numpy(),
        {c.name: table.column(f"mw_{c.name}").to_numpy() for c in model.comparisons},
    )
