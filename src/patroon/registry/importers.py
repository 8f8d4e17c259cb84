"""Parsers for the real source files: each turns a file into register records (plain dicts,
one per victim, grouped by event) and a mapping report of what could not be mapped.

Pure Python, no ORM: ``services.import_file`` stores what these return.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from patroon.registry.mappings import mapping


class ImportFileError(ValueError):
    """The file is not of the stated format (wrong columns, margins that do not add up)."""


@dataclass
class Parsed:
    format: str
    mapping_version: str
    sha256: str
    rows: int
    events: list[dict] = field(default_factory=list)  # each with a "victims" list
    unmapped: Counter = field(default_factory=Counter)  # (column, raw value, reason) -> rows
    checks: dict = field(default_factory=dict)

    @property
    def victims(self) -> int:
        return sum(len(e["victims"]) for e in self.events)

    def report(self) -> dict:
        return {
            "format": self.format,
            "mapping_version": self.mapping_version,
            "sha256": self.sha256,
            "rows": self.rows,
            "events": len(self.events),
            "victims": self.victims,
            "checks": self.checks,
            "unmapped": [
                {"column": c, "value": v, "reason": r, "rows": n}
                for (c, v, r), n in sorted(self.unmapped.items())
            ],
        }


def _read(path: Path, required: set[str]) -> tuple[list[dict], str]:
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    reader = csv.DictReader(text.splitlines())
    missing = required - set(reader.fieldnames or ())
    if missing:
        raise ImportFileError(f"{path.name}: missing columns {', '.join(sorted(missing))}")
    return list(reader), hashlib.sha256(raw).hexdigest()


# --- Spain: DGVG monthly series with margins ------------------------------------------------


def parse_es_dgvg(path: Path) -> Parsed:
    spec = mapping("es-dgvg")
    cols = spec["columns"]
    total = spec["total"]
    required = {"Año", "Mes", "Victimas", *(c["column"] for c in cols.values())}
    rows, digest = _read(path, required)
    parsed = Parsed("es-dgvg", spec["version"], digest, len(rows))
    detail: Counter = Counter()
    margins: dict[tuple[int, int], int] = {}
    for line, row in enumerate(rows, start=2):
        try:
            year, month, count = int(row["Año"]), int(row["Mes"]), int(row["Victimas"])
        except ValueError as exc:
            raise ImportFileError(f"line {line}: {exc}") from exc
        if count < 0:
            raise ImportFileError(f"line {line}: negative count")
        levels = [row[c["column"]].strip() for c in cols.values()]
        if all(v == total for v in levels):
            margins[(year, month)] = margins.get((year, month), 0) + count
            continue
        if any(v == total for v in levels):
            continue  # a partial margin: implied by the detailed cells, never counted
        detail[(year, month, *levels)] += count
    for name in spec.get("always_total", ()):
        values = {r.get(name, "") for r in rows}
        if values - {total}:
            raise ImportFileError(f"{name}: expected only {total!r}, found {sorted(values)}")
        parsed.unmapped[(name, total, "column is always Total in this export")] = len(rows)
    sums: Counter = Counter()
    for (year, month, *_), n in detail.items():
        sums[(year, month)] += n
    mismatched = sorted(
        f"{y}-{m:02d}" for (y, m) in set(sums) | set(margins) if sums[(y, m)] != margins.get((y, m))
    )
    if mismatched:
        raise ImportFileError(
            "detailed cells do not add up to the margin: " + ", ".join(mismatched)
        )
    months = sorted(margins)
    present = set(months)
    missing_months = []
    if months:
        y, m = months[0]
        while (y, m) <= months[-1]:
            if (y, m) not in present:
                missing_months.append(f"{y}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    names = list(cols)
    serial = 0
    for key in sorted(detail):
        year, month, *levels = key
        values = {}
        for name, raw in zip(names, levels, strict=True):
            mapped = cols[name]["values"].get(raw)
            if mapped is None:
                parsed.unmapped[(cols[name]["column"], raw, "value not in mapping")] += detail[key]
                mapped = "unknown" if name != "relationship" else ""
            values[name] = mapped
        for _ in range(detail[key]):
            serial += 1
            victim = {
                "reference": f"ES-{year}-{month:02d}-{serial:05d}",
                "victim_type": "principal",
                **spec["victim"],
                **values,
            }
            parsed.events.append(
                {
                    "reference": victim["reference"],
                    "year": year,
                    "month": month,
                    "date": None,
                    "country": spec["country"],
                    "region": spec["region"],
                    "victims": [victim],
                }
            )
    last = months[-1] if months else None
    parsed.checks = {
        "margin_total": sum(margins.values()),
        "detail_total": sum(detail.values()),
        "months": len(months),
        "months_without_rows": missing_months,
        "first_month": f"{months[0][0]}-{months[0][1]:02d}" if months else None,
        "last_month": f"{last[0]}-{last[1]:02d}" if last else None,
    }
    return parsed


# --- Argentina: Ministerio de Justicia case-level register ---------------------------------

_SPLIT = re.compile(r"\s*-\s*")


def _age(raw: str, spec: dict, parsed: Parsed) -> int | None:
    value = raw.strip()
    if value.isdigit():
        return int(value)
    if value in spec["ages"]:
        return int(spec["ages"][value])
    if value in spec["unknown_values"]:
        return None
    reason = "age range, not an age" if value in spec["age_ranges"] else "not an age"
    parsed.unmapped[("edad", value, reason)] += 1
    return None


def parse_ar_minjus(path: Path) -> Parsed:
    spec = mapping("ar-minjus")
    required = {"nmero", "edad", "identidad_genero", "tipo_victima", "lugar_hecho"}
    required |= {"modalidad_comisiva", "fecha_hecho"}
    rows, digest = _read(path, required)
    parsed = Parsed("ar-minjus", spec["version"], digest, len(rows))
    unknown = set(spec["unknown_values"])
    events: dict[str, dict] = {}
    for row in rows:
        case = row["nmero"].strip()
        raw_type = row["tipo_victima"].strip()
        victim_type = spec["victim_type"].get(raw_type)
        if victim_type is None:
            parsed.unmapped[("tipo_victima", raw_type, "value not in mapping")] += 1
            victim_type = "principal"
        raw_gender = row["identidad_genero"].strip()
        sex, gender = spec["gender"].get(raw_gender, (None, None))
        if sex is None:
            parsed.unmapped[("identidad_genero", raw_gender, "value not in mapping")] += 1
            sex, gender = "unknown", "unknown"
        raw_place = row["lugar_hecho"].strip()
        region = spec["provinces"].get(raw_place, "")
        if not region:
            parsed.unmapped[("lugar_hecho", raw_place, "not a jurisdiction")] += 1
        methods: list[str] = []
        criteria: dict[str, str] = {}
        for part in _SPLIT.split(row["modalidad_comisiva"].strip()):
            if part in unknown:
                continue
            method = spec["methods"].get(part) or spec["methods"].get(part.capitalize())
            if method is None:
                parsed.unmapped[("modalidad_comisiva", part, "value not in mapping")] += 1
                method = "other"
            if method not in methods:
                methods.append(method)
            for criterion in spec.get("method_criteria", {}).get(part, ()):
                criteria[criterion] = "yes"
        raw_date = row["fecha_hecho"].strip()
        killed: date | None = None
        if raw_date not in unknown:
            try:
                killed = datetime.strptime(raw_date, spec["date_format"]).date()  # noqa: DTZ007
            except ValueError:
                parsed.unmapped[("fecha_hecho", raw_date, "not a date")] += 1
        event = events.get(case)
        if event is None:
            event = events[case] = {
                "reference": f"AR-{case}",
                "year": killed.year if killed else None,
                "month": killed.month if killed else None,
                "date": killed,
                "country": spec["country"],
                "region": region,
                "method": methods[0] if methods else "unknown",
                "methods": methods,
                "victims": [],
            }
        elif killed and event["date"] and killed != event["date"]:
            parsed.unmapped[("fecha_hecho", raw_date, "differs within one case; first kept")] += 1
        event["victims"].append(
            {
                "reference": f"AR-{case}-{len(event['victims']) + 1}",
                "victim_type": victim_type,
                "sex": sex,
                "gender_identity": gender,
                "age": _age(row["edad"], spec, parsed),
                # No perpetrator-relationship column in this extract.
                "relationship": "not_known",
                **criteria,
            }
        )
    parsed.unmapped[("(none)", "relationship", "no perpetrator-relationship column")] = len(rows)
    parsed.events = list(events.values())
    parsed.checks = {
        "jurisdictions": len({e["region"] for e in parsed.events if e["region"]}),
        "raw_place_strings": len({r["lugar_hecho"] for r in rows}),
        "principal": sum(
            1 for e in parsed.events for v in e["victims"] if v["victim_type"] == "principal"
        ),
        "linked": sum(
            1 for e in parsed.events for v in e["victims"] if v["victim_type"] == "linked"
        ),
    }
    return parsed


PARSERS = {"es-dgvg": parse_es_dgvg, "ar-minjus": parse_ar_minjus}


def parse(fmt: str, path: Path) -> Parsed:
    mapping(fmt)
    return PARSERS[fmt](Path(path))
