"""The public export: no cell below the threshold, and no suppressed cell recoverable from the
row, column or grand totals (property test), checked independently of the implementation."""

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patroon.registry import disclosure, export
from patroon.registry.selectors import rows
from patroon.registry.services import import_file

TOTAL = disclosure.TOTAL


def solvable(table: disclosure.Table) -> list:
    """Hidden positions an attacker can solve for from the published cells and totals:
    x_k is determined iff adding the unit row e_k does not raise the rank of the system."""
    hidden = sorted(table.hidden)
    col = {p: i for i, p in enumerate(hidden)}
    eqs = []
    for r in [*table.rows, TOTAL]:
        line = [(r, c) for c in table.cols] + [(r, TOTAL)]
        eqs.append(line)
    for c in [*table.cols, TOTAL]:
        eqs.append([(r, c) for r in table.rows] + [(TOTAL, c)])
    a = []
    for line in eqs:
        v = np.zeros(len(hidden))
        for p in line[:-1]:
            if p in col:
                v[col[p]] += 1
        if line[-1] in col:
            v[col[line[-1]]] -= 1
        if v.any():
            a.append(v)
    if not a or not hidden:
        return []
    a = np.array(a)
    base = np.linalg.matrix_rank(a)
    out = []
    for p, i in col.items():
        e = np.zeros(len(hidden))
        e[i] = 1
        if np.linalg.matrix_rank(np.vstack([a, e])) == base:
            out.append(p)
    return out


dimension_rows = st.lists(
    st.fixed_dictionaries(
        {
            "year": st.sampled_from(["2021", "2022", "2023", "2024"]),
            "femicide_type": st.sampled_from(["a", "b", "c"]),
            "relationship_group": st.sampled_from(["p", "f", "o", "n"]),
            "age_group": st.sampled_from(["18-29", "30-44", "45-59", "60-74", "75+"]),
            "method": st.sampled_from(["x", "y"]),
            "region": st.sampled_from(["r1", "r2", "r3"]),
        }
    ),
    max_size=120,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=dimension_rows, threshold=st.integers(min_value=1, max_value=8))
def test_no_small_cell_and_no_recoverable_suppressed_cell(data, threshold):
    tables = export.protected_tables(data, threshold)
    year_totals: dict[str, set] = {}
    for t in tables:
        for p in t.positions():
            if p not in t.hidden:
                value = t.value(*p)
                assert value == 0 or value >= threshold, (t.name, p, value)
        assert solvable(t) == [], t.name
        for r in [*t.rows, TOTAL]:
            year_totals.setdefault(r, set()).add((r, TOTAL) in t.hidden)
    # A year total hidden in one table is hidden in all of them.
    assert all(len(flags) == 1 for flags in year_totals.values())


def test_a_lone_small_cell_forces_a_second_suppression():
    data = [{"y": "2024", "t": "a"}] * 2 + [{"y": "2024", "t": "b"}] * 9
    data += [{"y": "2025", "t": "a"}] * 7 + [{"y": "2025", "t": "b"}] * 8
    table = disclosure.protect(disclosure.build("t", data, "y", "t"), 5)
    assert ("2024", "a") in table.hidden
    assert len(table.hidden) >= 4  # the 2 cannot be read off a total
    assert solvable(table) == []


@pytest.mark.django_db
def test_the_export_files_from_the_real_argentine_data(source_files, cli_registrar, tmp_path):
    import_file(cli_registrar, "ar-minjus", source_files[1])
    written = export.write(rows(cli_registrar, country="AR"), tmp_path / "open", threshold=10)
    with open(written["csv"], encoding="utf-8") as handle:
        lines = list(csv.DictReader(handle))
    for line in lines:
        if line["suppressed"] == "yes":
            assert line["victims"] == ""
        else:
            assert int(line["victims"]) == 0 or int(line["victims"]) >= 10
    assert {line["table"] for line in lines} == {name for name, _, _ in export.TABLES}
    text = Path(written["csv"]).read_text(encoding="utf-8")
    assert "AR-123" not in text and "nationality" not in text  # no case-level rows
    meta = json.loads(Path(written["metadata"]).read_text(encoding="utf-8"))
    assert meta["threshold"] == 10 and meta["victims"] == 771
    assert meta["suppressed_primary"] > 0 and "secondary" in meta["disclosure_control"]
    doc = json.loads(Path(written["json"]).read_text(encoding="utf-8"))
    assert len(doc["tables"]) == len(export.TABLES)
