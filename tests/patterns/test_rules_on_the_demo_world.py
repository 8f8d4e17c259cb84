"""The shipped rules separate escalating from other households on the demo world's truth.

Synthetic data: this guards the rules against regressions, it does not validate them."""

from datetime import date

from patroon.bench.rules_truth import run


def test_escalating_households_are_alerted_far_more_often_than_others():
    result = run(households=400, years=3, seed=5, end=date(2026, 11, 1))
    strong = result["red_and_orange_alerts"]
    escalating = strong["escalating_households_alerted"]["share"]
    others = strong["non_escalating_households_alerted"]["share"]
    assert escalating >= 0.75
    assert others <= escalating / 2
    assert strong["median_days_first_alert_before_outcome"] > 30
