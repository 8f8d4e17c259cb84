"""The link reviewer's decisions as constraints (``identity.decisions``), without a database:
the latest decision on a pair wins, and an undone review merge no longer binds."""

from datetime import UTC, datetime, timedelta

from patroon.identity.decisions import (
    Decision,
    Merge,
    constraints,
    merge_undone,
    split_pairs,
)

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def pair(a, b) -> frozenset:
    return frozenset((a, b))


def test_the_latest_decision_on_a_pair_wins():
    decided = constraints(
        [
            Decision(at(2), frozenset({pair("x", "p")}), link=True),
            Decision(at(1), split_pairs({"x"}, ["x", "p", "q"]), link=False),
        ]
    )
    assert decided.must_link == {pair("x", "p")}, "accepted after the split"
    assert decided.cannot_link == {pair("x", "q")}
    assert decided.apart() == {("x", "q"), ("q", "x")}


def test_an_accept_counts_until_its_review_merge_is_undone():
    merge = Merge(frozenset({"d"}), at(1), undone=False)
    assert not merge_undone("d", at(1), [merge])
    undone = Merge(frozenset({"d"}), at(1), undone=True)
    assert merge_undone("d", at(1), [undone])
    # A later merge of the same record belongs to a later decision.
    assert not merge_undone("d", at(1), [merge, Merge(frozenset({"d"}), at(5), undone=True)])


def test_an_accept_that_merged_nothing_falls_with_the_merge_that_joined_the_pair():
    joined = Merge(frozenset({"d", "e"}), at(1), undone=True)
    assert merge_undone("d", at(3), [joined])
    assert not merge_undone("d", at(3), [])


def test_decisions_among_records_keep_only_pairs_within_them():
    decided = constraints([Decision(at(1), frozenset({pair("x", "p"), pair("x", "q")}), True)])
    assert decided.among({"x", "p"}).must_link == {pair("x", "p")}
