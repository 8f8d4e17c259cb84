"""How well an instrument separates cases with and without a later outcome. Pure Python.

AUC with the Hanley-McNeil (1982) standard error; sensitivity, specificity, PPV and NPV with
Wilson score intervals, which stay inside [0, 1] and behave for small counts and proportions
near 0 or 1, as they are in a pilot region.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Z95 = 1.959963984540054


def wilson(successes: int, total: int) -> dict | None:
    if total == 0:
        return None
    p = successes / total
    centre = (p + Z95**2 / (2 * total)) / (1 + Z95**2 / total)
    half = Z95 * math.sqrt(p * (1 - p) / total + Z95**2 / (4 * total**2)) / (1 + Z95**2 / total)
    return {
        "value": round(p, 4),
        "ci95": [round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)],
        "n": total,
    }


def auc(scores: Sequence[float], outcomes: Sequence[bool]) -> dict | None:
    """Probability that a case with the outcome scored higher than one without (ties half)."""
    positives = sorted(s for s, o in zip(scores, outcomes, strict=True) if o)
    negatives = sorted(s for s, o in zip(scores, outcomes, strict=True) if not o)
    n1, n0 = len(positives), len(negatives)
    if not n1 or not n0:
        return None
    wins = 0.0
    for score in positives:
        below = _count_below(negatives, score)
        ties = _count_below(negatives, score, inclusive=True) - below
        wins += below + ties / 2
    value = wins / (n1 * n0)
    q1, q2 = value / (2 - value), 2 * value**2 / (1 + value)
    se = math.sqrt(
        (value * (1 - value) + (n1 - 1) * (q1 - value**2) + (n0 - 1) * (q2 - value**2)) / (n1 * n0)
    )
    return {
        "value": round(value, 4),
        "ci95": [round(max(0.0, value - Z95 * se), 4), round(min(1.0, value + Z95 * se), 4)],
        "positives": n1,
        "negatives": n0,
    }


def _count_below(ordered: Sequence[float], value: float, inclusive: bool = False) -> int:
    import bisect

    return (bisect.bisect_right if inclusive else bisect.bisect_left)(ordered, value)


def at_cutoff(predicted: Sequence[bool], outcomes: Sequence[bool]) -> dict:
    """The confusion table of one cut-off, and its four rates with intervals."""
    pairs = list(zip(predicted, outcomes, strict=True))
    tp = sum(1 for p, o in pairs if p and o)
    fp = sum(1 for p, o in pairs if p and not o)
    fn = sum(1 for p, o in pairs if not p and o)
    tn = sum(1 for p, o in pairs if not p and not o)
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "sensitivity": wilson(tp, tp + fn),
        "specificity": wilson(tn, tn + fp),
        "ppv": wilson(tp, tp + fp),
        "npv": wilson(tn, tn + fn),
    }
