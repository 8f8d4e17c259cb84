import json

import numpy as np
import pytest

from patroon.identity.linkage import (
    TrainedModel,
    encoded_source,
    one_to_one,
    plaintext_source,
    predict,
    score_candidates,
    share_a_block,
    train,
)
from patroon_encode import Encoder


def _sources(mode, febrl_sample):
    a, b, _ = febrl_sample
    groups = [([i for i, _ in a], [r for _, r in a]), ([i for i, _ in b], [r for _, r in b])]
    if mode == "plaintext":
        return [plaintext_source(records, ids) for ids, records in groups]
    encoder = Encoder(b"test key of the organisations")
    return [encoded_source(encoder.encode(records, ids)) for ids, records in groups]


@pytest.fixture(scope="module", params=["plaintext", "encoded"])
def linked(request, febrl_sample):
    sources = _sources(request.param, febrl_sample)
    model = train(*sources, profile="separate")
    return sources, model, predict(model, *sources)


def _f1(predictions, indices, truth):
    found = {
        (predictions.id_l[i], predictions.id_r[i])
        if predictions.source_l[i] == "a"
        else (predictions.id_r[i], predictions.id_l[i])
        for i in indices
    }
    true_positives = len(found & truth)
    return 2 * true_positives / (len(found) + len(truth))


def test_f1_on_a_febrl_sample(linked, febrl_sample):
    _, model, predictions = linked
    linked_pairs = np.flatnonzero(predictions.match_probability >= model.link_threshold)
    assert _f1(predictions, linked_pairs, febrl_sample[2]) >= 0.99
    assert _f1(predictions, one_to_one(predictions), febrl_sample[2]) >= 0.99


def test_incremental_scores_equal_batch_scores(linked):
    sources, model, predictions = linked
    rows = [{i: s.row(n) for n, i in enumerate(s.ids)} for s in sources]
    side = {"a": 0, "b": 1}
    for i in range(0, len(predictions), max(1, len(predictions) // 400)):
        left = rows[side[predictions.source_l[i]]][predictions.id_l[i]]
        right = rows[side[predictions.source_r[i]]][predictions.id_r[i]]
        assert share_a_block(left, right)
        (scored,) = score_candidates(model, left, {predictions.id_r[i]: right})
        assert scored["field_weights"] == pytest.approx(predictions.field_weights(i), abs=1e-9)
        assert scored["match_weight"] == pytest.approx(predictions.match_weight[i], abs=1e-6)


def test_model_json_round_trip(linked):
    sources, model, predictions = linked
    restored = TrainedModel.from_json(json.loads(json.dumps(model.to_json())))
    assert restored == model
    again = predict(restored, *sources)
    assert np.allclose(np.sort(again.match_weight), np.sort(predictions.match_weight))


def _string_values(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _string_values(value)
    elif isinstance(node, list):
        for value in node:
            yield from _string_values(value)
    elif isinstance(node, str):
        yield node


def test_encoded_model_json_holds_no_plaintext(febrl_sample):
    model = train(*_sources("encoded", febrl_sample), profile="separate")
    assert model.mode == "encoded"
    text = " ".join(_string_values(model.to_json()))
    values = {v for _, r in febrl_sample[0] for v in r.values() if v and len(v) >= 4}
    assert not [v for v in values if f"'{v}'" in text or f'"{v}"' in text]


def test_files_from_different_encoder_releases_are_refused(febrl_sample):
    """The normalisation changed between formats: linking across them would quietly miss."""
    from dataclasses import replace

    first, second = _sources("encoded", febrl_sample)
    older = replace(second, encoding={**second.encoding, "format": "patroon-encode/1"})
    with pytest.raises(ValueError, match="different encoder releases"):
        train(first, older, profile="separate")
