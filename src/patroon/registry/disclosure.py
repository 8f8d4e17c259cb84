"""Statistical disclosure control for the public export. Pure Python (+ numpy for ranks).

A table is rows x columns of counts with row totals, column totals and a grand total, all
published. Primary suppression hides every count from 1 up to the threshold minus one
(zeros are published: a zero reveals nobody). Secondary suppression then hides more cells
until no hidden value can be worked out from the published cells and totals: a hidden cell
is recoverable exactly when its unit vector lies in the row space of the table's linear
equations restricted to the hidden cells, which we test with matrix ranks, and we keep
hiding the smallest published non-zero cell sharing a line with a recoverable one until none
is. Totals shared between tables (the same year's total in every "by year" table) are hidden
everywhere once hidden anywhere, so tables cannot be played off against each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

TOTAL = "Total"


@dataclass
class Table:
    name: str
    row_dim: str
    col_dim: str
    rows: list[str]
    cols: list[str]
    cells: dict[tuple[str, str], int]  # missing = 0
    hidden: set[tuple[str, str]] = field(default_factory=set)  # may include TOTAL positions

    def value(self, r: str, c: str) -> int:
        if r == TOTAL and c == TOTAL:
            return sum(self.cells.values())
        if r == TOTAL:
            return sum(self.cells.get((x, c), 0) for x in self.rows)
        if c == TOTAL:
            return sum(self.cells.get((r, x), 0) for x in self.cols)
        return self.cells.get((r, c), 0)

    def positions(self) -> list[tuple[str, str]]:
        return [(r, c) for r in [*self.rows, TOTAL] for c in [*self.cols, TOTAL]]

    def equations(self) -> list[list[tuple[str, str]]]:
        """Each line: the cells that add up to its total (total last)."""
        lines = [[(r, c) for c in [*self.cols, TOTAL]] for r in [*self.rows, TOTAL]]
        lines += [[(r, c) for r in [*self.rows, TOTAL]] for c in [*self.cols, TOTAL]]
        return lines


def recoverable(table: Table) -> set[tuple[str, str]]:
    """Hidden positions whose value follows from the published values and the totals."""
    hidden = sorted(table.hidden)
    if not hidden:
        return set()
    index = {p: i for i, p in enumerate(hidden)}
    rows = []
    for line in table.equations():
        coeffs = np.zeros(len(hidden))
        *parts, total = line
        for p in parts:
            if p in index:
                coeffs[index[p]] += 1
        if total in index:
            coeffs[index[total]] -= 1
        if coeffs.any():
            rows.append(coeffs)
    if not rows:
        return set()
    a = np.array(rows)
    # e_i lies in the row space exactly when it is orthogonal to the null space.
    _, sv, vt = np.linalg.svd(a)
    rank = int((sv > 1e-9).sum())
    null = vt[rank:]
    if null.shape[0] == 0:
        return set(index)
    return {p for p, i in index.items() if np.abs(null[:, i]).max() < 1e-9}


def _complement(table: Table, position: tuple[str, str]) -> tuple[str, str] | None:
    """The published position sharing a line with ``position`` whose hiding leaves the fewest
    recoverable cells (inner cells before totals, non-zero before zero, smallest first)."""
    r, c = position
    candidates = [
        p
        for p in table.positions()
        if (p[0] == r or p[1] == c) and p != position and p not in table.hidden
    ]
    if not candidates:
        return None

    def cost(p):
        table.hidden.add(p)
        left = len(recoverable(table))
        table.hidden.discard(p)
        value = table.value(*p)
        return (left, TOTAL in p, value == 0, value, p)

    return min(candidates, key=cost)


def protect(table: Table, threshold: int) -> Table:
    for p in table.positions():
        if 0 < table.value(*p) < threshold:
            table.hidden.add(p)
    while True:
        exposed = recoverable(table)
        if not exposed:
            return table
        target = min(exposed)
        extra = _complement(table, target)
        if extra is None:
            # Nothing left on its lines: hide the whole table rather than leak.
            table.hidden.update(table.positions())
            return table
        table.hidden.add(extra)


def protect_all(tables: list[Table], threshold: int) -> list[Table]:
    """Protect each table, then hide shared totals consistently until nothing changes.

    Row totals are shared between tables with the same row dimension (and the grand total
    between all): a total hidden in one is hidden in all, and each is protected again."""
    while True:
        for t in tables:
            protect(t, threshold)
        shared: set[tuple[str, str]] = set()
        for t in tables:
            shared |= {(t.row_dim, r) for (r, c) in t.hidden if c == TOTAL}
        grand = any((TOTAL, TOTAL) in t.hidden for t in tables)
        changed = False
        for t in tables:
            for r in [*t.rows, TOTAL]:
                want = (t.row_dim, r) in shared or (r == TOTAL and grand)
                if want and (r, TOTAL) not in t.hidden:
                    t.hidden.add((r, TOTAL))
                    changed = True
        if not changed:
            return tables


def build(name: str, rows: list[dict], row_dim: str, col_dim: str) -> Table:
    cells: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (str(row[row_dim]), str(row[col_dim]))
        cells[key] = cells.get(key, 0) + 1
    return Table(
        name,
        row_dim,
        col_dim,
        sorted({k[0] for k in cells}),
        sorted({k[1] for k in cells}),
        cells,
    )
