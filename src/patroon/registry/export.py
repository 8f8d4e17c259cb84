"""The public open-data export: aggregate tables only, disclosure-controlled. Pure Python
over dimension rows (``stats.flatten``); ``cli.py`` feeds it through the selectors.

Writes ``<prefix>.csv`` (long format), ``<prefix>.json`` and ``<prefix>.metadata.json``.
No case-level row, no restricted variable, no cell from 1 to threshold-1, and no hidden cell
that row or column totals give away (``disclosure``).
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

from patroon.registry import disclosure, stats
from patroon.registry.framework import framework

DEFAULT_THRESHOLD = 5
# Every table is "by year" so that the year totals are shared and hidden consistently.
TABLES = (
    ("victims_by_year_and_type", "year", "femicide_type"),
    ("victims_by_year_and_relationship", "year", "relationship_group"),
    ("victims_by_year_and_age_group", "year", "age_group"),
    ("victims_by_year_and_method", "year", "method"),
    ("victims_by_year_and_region", "year", "region"),
)
SUPPRESSED = ""  # written in place of a hidden value; the `suppressed` column says why


def protected_tables(rows: list[dict], threshold: int) -> list[disclosure.Table]:
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    tables = [disclosure.build(name, rows, r, c) for name, r, c in TABLES]
    return disclosure.protect_all(tables, threshold)


def cells(table: disclosure.Table):
    for r, c in table.positions():
        hidden = (r, c) in table.hidden
        yield r, c, (None if hidden else table.value(r, c)), hidden


def write(
    rows: list[dict],
    prefix: Path,
    threshold: int = DEFAULT_THRESHOLD,
    title: str = "",
    sources: list[str] | None = None,
) -> dict:
    prefix = Path(prefix)
    prefix.parent.mkdir(parents=True, exist_ok=True)
    tables = protected_tables(rows, threshold)
    csv_path = prefix.with_suffix(".csv")
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(
            ["table", "row_dimension", "row", "column_dimension", "column", "victims", "suppressed"]
        )
        for t in tables:
            for r, c, value, hidden in cells(t):
                out.writerow(
                    [
                        t.name,
                        t.row_dim,
                        r,
                        t.col_dim,
                        c,
                        SUPPRESSED if hidden else value,
                        "yes" if hidden else "no",
                    ]
                )
    doc = {
        "tables": [
            {
                "name": t.name,
                "rows": [*t.rows, disclosure.TOTAL],
                "columns": [*t.cols, disclosure.TOTAL],
                "row_dimension": t.row_dim,
                "column_dimension": t.col_dim,
                # null = suppressed
                "victims": [
                    [
                        None if (r, c) in t.hidden else t.value(r, c)
                        for c in [*t.cols, disclosure.TOTAL]
                    ]
                    for r in [*t.rows, disclosure.TOTAL]
                ],
            }
            for t in tables
        ]
    }
    json_path = prefix.with_suffix(".json")
    json_path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    meta = metadata(rows, tables, threshold, title, sources or [])
    meta_path = prefix.with_suffix(".metadata.json")
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return {
        "csv": str(csv_path),
        "json": str(json_path),
        "metadata": str(meta_path),
        **{k: meta[k] for k in ("threshold", "victims", "suppressed_primary", "suppressed_total")},
    }


def metadata(rows, tables, threshold, title, sources) -> dict:
    primary = sum(1 for t in tables for r, c in t.hidden if 0 < t.value(r, c) < threshold)
    rules = framework()
    return {
        "title": title or "Femicide Monitor: open data (aggregate)",
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "unit": "victims (one per killed or attacked woman or girl; linked victims included)",
        "victims": len(rows),
        "provisional_period": stats.provisional_period(rows),
        "provisional_note": "The latest period is provisional and will be revised.",
        "framework": {"version": rules.version, "sources": rules.sources},
        "data_sources": sources,
        "threshold": threshold,
        "suppressed_primary": primary,
        "suppressed_total": sum(len(t.hidden) for t in tables),
        "disclosure_control": (
            f"Counts from 1 to {threshold - 1} are suppressed (primary). Further cells, and "
            "totals where needed, are suppressed (secondary) until no suppressed value can be "
            "derived from the published cells and the row, column and grand totals, checked by "
            "linear algebra on each table; a year total suppressed in one table is suppressed "
            "in all. Zeros are published. Suppressed cells are empty with suppressed=yes."
        ),
        "not_published": [
            "case-level records",
            "dates finer than the year",
            "municipality",
            "exact age",
            "nationality",
            "migration background",
            "vault links",
        ],
        "tables": [
            {"name": t.name, "rows": t.row_dim, "columns": t.col_dim, "suppressed": len(t.hidden)}
            for t in tables
        ],
    }
