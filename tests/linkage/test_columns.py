from datetime import date
from types import SimpleNamespace

import numpy as np
import pytest

from patroon.identity.linkage import Predictions, clusters
from patroon_encode.blocking import blocking_table, blocking_values
from patroon_encode.fields import linkage_fields, linkage_table

RECORDS = [
    {"given_names": "Koos", "surname": "Bakker", "sex": "M", "phone": "06 3107 5985"},
    {"given_names": "Jacobus Hendrik", "surname": "Bakker", "date_of_birth": date(1970, 8, 28)},
    {"given_names": "Bakker", "surname": "Jacobus", "sex": "U", "postcode": "3086 je"},
    {"given_names": "J.H.", "surname_prefix": "van der", "surname": "Berg-de Vries"},
    {"given_names": "Anna", "date_of_birth": "1990-13-45", "house_number": "12 a"},
    {},
]


def test_columns_equal_the_row_by_row_fields_and_keys(febrl_sample):
    records = RECORDS + [r for _, r in febrl_sample[0][:300]] + RECORDS
    rows = [linkage_fields(r) for r in records]
    table = linkage_table(records)
    assert [{name: table[name][i] for name in table} for i in range(len(records))] == rows
    keys = blocking_table(table)
    assert [{k: keys[k][i] for k in keys} for i in range(len(records))] == [
        blocking_values(row) for row in rows
    ]
    assert linkage_table(RECORDS[:1]) == {k: [v] for k, v in linkage_fields(RECORDS[0]).items()}


def test_call_names_other_given_names_and_sex():
    koos, jacobus, swapped = (linkage_fields(r) for r in RECORDS[:3])
    assert koos["given_canon"] == jacobus["given_canon"] == "jacobus"
    assert (jacobus["given_other"], koos["given_other"]) == ("hendrik", None)
    assert (koos["sex"], swapped["sex"]) == ("m", None)


def _predictions(pairs):
    """Fake predictions: (left, right, weight, conflicting) with one "bsn" comparison."""
    model = SimpleNamespace(link_threshold=0.9, weights={"bsn": [0.0, 11.0, -9.0]})
    return Predictions(
        model,
        [p[0] for p in pairs],
        [p[1] for p in pairs],
        ["a"] * len(pairs),
        ["a"] * len(pairs),
        np.array([p[2] for p in pairs], dtype=float),
        {"bsn": np.array([-9.0 if p[3] else 0.0 for p in pairs])},
    )


@pytest.mark.parametrize("keep_apart", [False, True])
def test_keep_apart_joins_an_ambiguous_mention_to_one_person_only(keep_apart):
    # "mustafa" (address only) scores with the father and the son, whose BSNs differ
    found = clusters(
        _predictions(
            [
                ("mustafa", "father", 6.0, False),
                ("mustafa", "son", 7.0, False),
                ("father", "son", -20.0, True),
                ("son", "son again", 12.0, False),
            ]
        ),
        keep_apart=keep_apart,
    )
    together = found.get(("a", "father")) == found[("a", "son")]
    assert together is not keep_apart
    assert found[("a", "mustafa")] == found[("a", "son")] == found[("a", "son again")]
