"""Clustering decisions shared by the rebuild and intake (``identity.regroup``), without a
database: links that could go either way are dropped, and ties do not depend on pair order."""

import numpy as np

from patroon.identity.linkage import clusters
from patroon.identity.linkage.model import Predictions, TrainedModel
from patroon.identity.regroup import unambiguous

#: null, exact, all other: a BSN conflict is the "all other" level
BSN_WEIGHTS = [0.0, 11.0, -9.0]


def scored(pairs: list[tuple[str, str, float, bool]]) -> Predictions:
    """Predictions of (left, right, match weight, conflicting BSN) pairs."""
    model = TrainedModel(
        mode="plaintext",
        link_type="dedupe_only",
        profile="joint",
        splink_settings={},
        weights={"bsn": BSN_WEIGHTS},
        prior_weight=-10.0,
    )
    return Predictions(
        model,
        [p[0] for p in pairs],
        [p[1] for p in pairs],
        ["a"] * len(pairs),
        ["a"] * len(pairs),
        np.array([p[2] for p in pairs]),
        {"bsn": np.array([BSN_WEIGHTS[-1] if p[3] else 0.0 for p in pairs])},
    )


def persons(predictions: Predictions) -> set[frozenset]:
    groups: dict = {}
    for (_, rid), root in clusters(predictions, keep_apart=True).items():
        groups.setdefault(root, set()).add(rid)
    return {frozenset(g) for g in groups.values()}


def test_a_clearly_stronger_link_is_not_undone_by_two_weaker_conflicting_ones():
    # "r" shares phone, address and birth date with "p"; "b" (another BSN) and "c" (p's BSN
    # at an old address) only match r's name and birth date, and conflict with each other.
    pairs = [
        ("r", "p", 30.0, False),
        ("r", "b", 11.0, False),
        ("r", "c", 8.0, False),
        ("p", "b", 5.0, True),
        ("b", "c", 5.0, True),
    ]
    assert persons(unambiguous(scored(pairs))) == {frozenset({"r", "p", "c"})}


def test_links_to_two_conflicting_records_of_similar_strength_are_dropped():
    pairs = [("r", "p", 30.0, False), ("r", "b", 28.0, False), ("p", "b", 5.0, True)]
    assert persons(unambiguous(scored(pairs))) == set()


def test_tied_links_cluster_the_same_in_any_order():
    # "x" fits "f" and "s" equally, who conflict: whichever tie is taken first wins, and that
    # must not depend on the order in which the pairs arrive.
    pairs = [("f", "x", 10.0, False), ("s", "x", 10.0, False), ("f", "s", -5.0, True)]
    expected = persons(scored(pairs))
    assert expected == {frozenset({"f", "x"})}
    assert persons(scored(pairs[::-1])) == expected


def test_a_must_link_pair_is_joined_even_against_a_conflict():
    # The model sees another BSN; the reviewer read both files and knows better.
    pairs = [("r", "p", -20.0, True), ("p", "q", 30.0, False)]
    found = clusters(scored(pairs), keep_apart=True, must_link=[(("a", "r"), ("a", "p"))])
    assert set(found) == {("a", "r"), ("a", "p"), ("a", "q")}
    assert len(set(found.values())) == 1


def test_a_cannot_link_pair_is_not_joined_even_through_a_chain():
    pairs = [("r", "p", 30.0, False), ("p", "q", 30.0, False)]
    found = clusters(scored(pairs), keep_apart=True, cannot_link=[(("a", "r"), ("a", "q"))])
    assert found.get(("a", "r")) != found.get(("a", "q")), "one of them stays on its own"
    assert found[("a", "p")] in (found.get(("a", "r")), found.get(("a", "q")))


def test_a_cannot_link_pair_wins_over_a_chain_of_must_link_pairs():
    together = [(("a", "r"), ("a", "p")), (("a", "p"), ("a", "q"))]
    found = clusters(scored([]), must_link=together, cannot_link=[(("a", "r"), ("a", "q"))])
    assert found.get(("a", "r")) != found.get(("a", "q"))
