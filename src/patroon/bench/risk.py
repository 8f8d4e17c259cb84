"""`patroon bench risk --outcomes FILE`: how well each instrument's levels and scores separate
assessments followed by an outcome from those that were not.

Per instrument and outcome: AUC of the score, and per level cut-off (at least medium, high,
extreme) sensitivity, specificity, PPV and NPV with 95 % intervals; overall, per region and
per age band. The file is a CSV with the columns of ``patroon.risk.demo_outcomes.FIELDS``;
rows marked ``synthetic`` make the whole result labelled SYNTHETIC.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from patroon.risk.demo_outcomes import FIELDS
from patroon.risk.levels import rank
from patroon.risk.metrics import at_cutoff, auc

OUTCOMES = ("revictimisation", "severe_violence", "femicide_or_attempt")
CUTOFFS = ("medium", "high", "extreme")
SYNTHETIC_CAVEAT = (
    "SYNTHETIC: derived from the generated demo world with prefill-only answers; these figures "
    "show that the measurement works, not how well any instrument predicts real violence."
)


class OutcomesFileError(ValueError):
    pass


def _read(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = set(FIELDS) - set(reader.fieldnames or ()) - {"synthetic", "assessment_id"}
        if missing:
            raise OutcomesFileError(f"{path}: missing columns {', '.join(sorted(missing))}")
        rows = []
        for line, row in enumerate(reader, start=2):
            try:
                rows.append(
                    {
                        **row,
                        "score": float(row["score"]),
                        "rank": rank(row["level"]),
                        **{o: row[o] == "1" for o in OUTCOMES},
                    }
                )
            except ValueError as exc:
                raise OutcomesFileError(f"{path}: line {line}: {exc}") from exc
    return rows


def _measure(rows: list[dict]) -> dict:
    measured = {"assessments": len(rows)}
    for outcome in OUTCOMES:
        observed = [r[outcome] for r in rows]
        measured[outcome] = {
            "prevalence": round(sum(observed) / len(observed), 4) if observed else None,
            "auc": auc([r["score"] for r in rows], observed),
            "cutoffs": {
                f"at_least_{level}": at_cutoff([r["rank"] >= rank(level) for r in rows], observed)
                for level in CUTOFFS
            },
        }
    return measured


def _grouped(rows: list[dict], key: str) -> dict:
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    return {name: _measure(group) for name, group in sorted(groups.items())}


def run(path: Path) -> dict:
    rows = _read(path)
    synthetic = any(r.get("synthetic", "").lower() == "true" for r in rows)
    per_instrument: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        per_instrument[row["instrument"]].append(row)
    return {
        "benchmark": "risk",
        "synthetic": synthetic,
        "caveat": SYNTHETIC_CAVEAT if synthetic else "",
        "file": str(path),
        "instruments": {
            name: {
                "overall": _measure(group),
                "per_region": _grouped(group, "region"),
                "per_age_band": _grouped(group, "age_band"),
            }
            for name, group in sorted(per_instrument.items())
        },
    }
