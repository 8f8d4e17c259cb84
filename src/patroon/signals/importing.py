"""Bulk import of a signal file in atomic batches, with a row-by-row rejection report."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from patroon.accounts.actor import Actor
from patroon.accounts.models import Organisation
from patroon.signals.fileformats import FileRow, read_rows
from patroon.signals.messages import render
from patroon.signals.services import import_batch
from patroon.signals.store import CREATED, EXISTING, HELD_BACK, REJECTED
from patroon.signals.validation import FieldError

DEFAULT_BATCH_SIZE = 5000


@dataclass(frozen=True)
class Rejection:
    row: int
    field: str
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    existing: int = 0
    held_back: int = 0
    rejected_rows: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.rejected_rows == 0

    def write_csv(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["row", "field", "message"])
            writer.writerows((r.row, r.field, r.message) for r in self.rejections)


def _batches(rows: Iterable[FileRow], size: int):
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def import_file(
    actor: Actor,
    organisation: Organisation,
    path: Path,
    fmt: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: Callable[[int], None] | None = None,
) -> ImportReport:
    report = ImportReport()
    for batch in _batches(read_rows(path, fmt), batch_size):
        parsed = [row for row in batch if row.parse_error is None]
        for row in batch:
            if row.parse_error is not None:
                message = render(FieldError("", "invalid_json", {"detail": row.parse_error}))
                report.rejections.append(Rejection(row.number, "", message))
                report.rejected_rows += 1
        result = import_batch(
            actor, organisation, [row.raw for row in parsed], write=len(parsed) == len(batch)
        )
        for row, outcome in zip(parsed, result.rows, strict=True):
            if outcome.status == REJECTED:
                report.rejected_rows += 1
                report.rejections.extend(
                    Rejection(row.number, error.field, render(error)) for error in outcome.errors
                )
        report.rows += len(batch)
        report.created += result.count(CREATED)
        report.existing += result.count(EXISTING)
        report.held_back += result.count(HELD_BACK)
        if on_progress:
            on_progress(len(batch))
    report.rejections.sort(key=lambda r: r.row)
    return report
