"""Tabulations of register records: counts by any combination of dimensions, rates per
100,000 women, the share of femicide among all killed women, and the provisional period.
Pure Python over plain row dicts (one per victim) so the same code serves the CLI, the API,
the dashboard, the annual report and the public export.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from patroon.registry.framework import framework

# dimension -> how to read it from a row
DIMENSIONS = (
    "year",
    "month",
    "country",
    "region",
    "relationship",
    "relationship_group",
    "femicide_type",
    "femicide",
    "age_group",
    "method",
    "place_type",
    "victim_type",
    "attempted",
    "sex",
    "gender_identity",
    "cohabiting",
    "prior_police_report",
    "protection_order",
    "verification",
)
# Restricted variables are never a dimension: nationality, migration background.
ROW_FIELDS = (
    "event__year",
    "event__month",
    "event__country",
    "event__region",
    "event__method",
    "event__place_type",
    "relationship",
    "femicide_type",
    "age",
    "victim_type",
    "attempted",
    "sex",
    "gender_identity",
    "cohabiting",
    "prior_police_report",
    "protection_order",
    "verification",
)


class UnknownDimension(ValueError):
    pass


def flatten(row: dict) -> dict:
    """A database row (``ROW_FIELDS``) as a row of dimensions."""
    rules = framework()
    out = {k.removeprefix("event__"): v for k, v in row.items() if k != "age"}
    out["method"] = out.pop("method", "unknown")
    rel = row.get("relationship") or ""
    out["relationship"] = rel or "missing"
    out["relationship_group"] = rules.relationships[rel].group if rel else "missing"
    out["age_group"] = rules.age_group(row.get("age"))
    out["femicide"] = "yes" if (row.get("femicide_type") or "").startswith("femicide_") else "no"
    out["attempted"] = "yes" if row.get("attempted") else "no"
    for key in ("year", "month"):
        out[key] = out.get(key) if out.get(key) is not None else "unknown"
    return out


def parse_dimensions(text: str) -> list[str]:
    dims = [d.strip() for d in text.split(",") if d.strip()]
    bad = [d for d in dims if d not in DIMENSIONS]
    if bad:
        raise UnknownDimension(
            f"unknown dimension(s) {', '.join(bad)}; choose from {', '.join(DIMENSIONS)}"
        )
    return dims


def tabulate(rows: list[dict], by: list[str]) -> list[dict]:
    """One dict per combination present: the dimension values and ``victims``."""
    counts: Counter = Counter(tuple(row[d] for d in by) for row in rows)
    return [
        {**dict(zip(by, key, strict=True)), "victims": n}
        for key, n in sorted(counts.items(), key=lambda kv: tuple(str(v) for v in kv[0]))
    ]


@dataclass(frozen=True)
class Population:
    """Women per (year, area) with the source the figures came from."""

    women: dict[tuple[int, str], int]
    source: str

    def get(self, year, area: str) -> int | None:
        return self.women.get((int(year), area)) if str(year).isdigit() else None


def load_population(path: Path) -> Population:
    """CSV with a ``# source:`` comment line and columns year, area, women."""
    source = ""
    lines = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            if line.lower().startswith("# source:"):
                source += line.split(":", 1)[1].strip() + " "
            continue
        lines.append(line)
    if not source.strip():
        raise ValueError(f"{path}: population file must record its source (# source: ...)")
    women = {(int(r["year"]), r["area"].strip()): int(r["women"]) for r in csv.DictReader(lines)}
    return Population(women, source.strip())


def rates(rows: list[dict], population: Population, area: str, by: list[str] | None = None):
    """Victims per 100,000 women per year (and ``by``), for one area's denominators."""
    table = tabulate(rows, ["year", *(by or [])])
    for cell in table:
        women = population.get(cell["year"], area)
        cell["women"] = women
        cell["rate_per_100k"] = round(cell["victims"] / women * 100_000, 3) if women else None
    return table


def provisional_period(rows: list[dict]) -> str | None:
    """The latest year with records: provisional until the source stops revising it."""
    years = [r["year"] for r in rows if isinstance(r["year"], int)]
    return str(max(years)) if years else None


def femicide_share(rows: list[dict]) -> list[dict]:
    """Per year: killed women and girls in scope, how many classified as femicide, share."""
    out = []
    for cell in tabulate([r for r in rows if r["femicide_type"] != "out_of_scope"], ["year"]):
        year = cell["year"]
        fem = sum(1 for r in rows if r["year"] == year and r["femicide"] == "yes")
        out.append(
            {
                "year": year,
                "women_killed": cell["victims"],
                "femicide": fem,
                "share": round(fem / cell["victims"], 4) if cell["victims"] else None,
            }
        )
    return out
