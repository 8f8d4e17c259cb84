"""Reading import files into canonical signal dicts, row by row. Pure Python.

JSON Lines: one canonical signal object per line. CSV: one signal per row, with columns
``source_reference, reported_at, occurred_start, occurred_end, occurred_approximate,
relationship, behaviours`` (separated by ``;``) ``, narrative, confidentiality`` and per person
``person1_role, person1_bsn, person1_given_names, ...`` (see docs/intake.md). Both turn into
the same dict, so the same validation and messages apply.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PERSON_COLUMN = re.compile(r"^person(\d{1,2})_([a-z_]+)$")
TRUE_WORDS = {"true", "1", "ja", "yes"}
FALSE_WORDS = {"false", "0", "nee", "no", ""}


@dataclass(frozen=True)
class FileRow:
    number: int
    raw: object
    parse_error: str | None = None


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    raise ValueError(f"cannot tell the format of {path.name}; use --format csv or jsonl")


def read_jsonl(path: Path) -> Iterator[FileRow]:
    with path.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield FileRow(number, json.loads(line))
            except json.JSONDecodeError as exc:
                yield FileRow(number, None, f"{exc.msg} (column {exc.colno})")


def _boolean(value: str):
    lowered = value.strip().lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    return value


def csv_row_to_signal(row: dict[str, str]) -> dict:
    signal: dict = {}
    occurred: dict = {}
    persons: dict[int, dict] = {}
    for column, value in row.items():
        if column is None:
            continue
        value = (value or "").strip()
        match = PERSON_COLUMN.match(column)
        if match:
            if value:
                persons.setdefault(int(match.group(1)), {})[match.group(2)] = value
        elif column == "occurred_start":
            occurred["start"] = value or None
        elif column == "occurred_end":
            occurred["end"] = value or None
        elif column == "occurred_approximate":
            occurred["approximate"] = _boolean(value)
        elif column == "behaviours":
            signal["behaviours"] = [b.strip() for b in value.split(";") if b.strip()]
        elif value:
            signal[column] = value
    if occurred:
        signal["occurred"] = occurred
    signal["persons"] = [persons[n] for n in sorted(persons)]
    return signal


def read_csv(path: Path) -> Iterator[FileRow]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            if None in row:
                yield FileRow(reader.line_num, None, "more values than columns in the header")
                continue
            yield FileRow(reader.line_num, csv_row_to_signal(row))


def read_rows(path: Path, fmt: str | None = None) -> Iterator[FileRow]:
    fmt = fmt or detect_format(path)
    if fmt == "jsonl":
        return read_jsonl(path)
    if fmt == "csv":
        return read_csv(path)
    raise ValueError(f"unknown format {fmt!r}; use csv or jsonl")
