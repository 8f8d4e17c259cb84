"""The case-direction policy files: measures, retention, aftercare and referral reminders.
Pure Python.

Each file carries a version and its sources; a malformed file raises ``PolicyError`` naming
the file and the entry, so the application refuses to start rather than run on a bad policy.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

DATA = Path(__file__).with_name("data")
RETENTION_ACTIONS = ("delete", "anonymise")
AFTERCARE_FOR = ("child", "victim", "relative")


class PolicyError(ValueError):
    pass


@dataclass(frozen=True)
class Text:
    nl: str
    en: str

    def get(self, language: str) -> str:
        return self.en if language.startswith("en") else self.nl


@dataclass(frozen=True)
class MeasureKind:
    id: str
    label: Text
    legal_basis: str
    breach: frozenset[str]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Measures:
    version: str
    sources: dict[str, str]
    warn_days: int
    kinds: dict[str, MeasureKind]


@dataclass(frozen=True)
class RetentionCategory:
    id: str
    label: Text
    after_days: int
    action: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Retention:
    version: str
    sources: dict[str, str]
    categories: dict[str, RetentionCategory]


@dataclass(frozen=True)
class AftercareTemplate:
    id: str
    for_whom: str
    per_child: bool
    when: frozenset[str]
    check_in_days: int
    text: Text
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Aftercare:
    version: str
    sources: dict[str, str]
    outcomes: dict[str, Text]
    tasks: tuple[AftercareTemplate, ...]


def _load(name: str) -> dict:
    path = DATA / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not data.get("version"):
        raise PolicyError(f"{name}: needs a mapping with a 'version'")
    return data


def _text(spec: dict, where: str) -> Text:
    if not isinstance(spec, dict) or not spec.get("nl") or not spec.get("en"):
        raise PolicyError(f"{where}: needs 'nl' and 'en' text")
    return Text(str(spec["nl"]), str(spec["en"]))


def _sources(spec: dict, known: dict, where: str) -> tuple[str, ...]:
    keys = tuple(spec.get("sources") or ())
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise PolicyError(f"{where}: unknown source {unknown[0]!r}")
    return keys


def _positive(value, where: str) -> int:
    if not isinstance(value, int) or value < 0:
        raise PolicyError(f"{where}: must be a whole number of days, not {value!r}")
    return value


def parse_measures(data: dict, name: str = "measures.yaml") -> Measures:
    sources = dict(data.get("sources") or {})
    kinds = {}
    for kind_id, spec in (data.get("kinds") or {}).items():
        where = f"{name}: kind {kind_id!r}"
        kinds[kind_id] = MeasureKind(
            kind_id,
            _text(spec, where),
            str(spec.get("legal_basis", "")),
            frozenset(spec.get("breach") or ()),
            _sources(spec, sources, where),
        )
    if not kinds:
        raise PolicyError(f"{name}: no measure kinds")
    return Measures(str(data["version"]), sources, _positive(data.get("warn_days", 7), name), kinds)


def parse_retention(data: dict, name: str = "retention.yaml") -> Retention:
    sources = dict(data.get("sources") or {})
    categories = {}
    for cat_id, spec in (data.get("categories") or {}).items():
        where = f"{name}: category {cat_id!r}"
        if spec.get("action") not in RETENTION_ACTIONS:
            raise PolicyError(f"{where}: action must be one of {', '.join(RETENTION_ACTIONS)}")
        categories[cat_id] = RetentionCategory(
            cat_id,
            _text(spec, where),
            _positive(spec.get("after_days"), f"{where}: after_days"),
            spec["action"],
            _sources(spec, sources, where),
        )
    missing = set(RETENTION_CATEGORIES) - set(categories)
    if missing:
        raise PolicyError(f"{name}: no period for {', '.join(sorted(missing))}")
    return Retention(str(data["version"]), sources, categories)


def parse_aftercare(data: dict, name: str = "aftercare.yaml") -> Aftercare:
    sources = dict(data.get("sources") or {})
    outcomes = {k: _text(v, f"{name}: outcome {k!r}") for k, v in data["outcomes"].items()}
    tasks = []
    for spec in data.get("tasks") or ():
        where = f"{name}: task {spec.get('id')!r}"
        if spec.get("for") not in AFTERCARE_FOR:
            raise PolicyError(f"{where}: 'for' must be one of {', '.join(AFTERCARE_FOR)}")
        when = frozenset(spec.get("when") or ())
        if not when or not when <= set(outcomes):
            raise PolicyError(f"{where}: 'when' must list known outcomes")
        tasks.append(
            AftercareTemplate(
                spec["id"],
                spec["for"],
                bool(spec.get("per_child")),
                when,
                _positive(spec.get("check_in_days"), f"{where}: check_in_days"),
                _text(spec, where),
                _sources(spec, sources, where),
            )
        )
    # Children first: the order in which the tasks are created and listed.
    order = {"child": 0, "victim": 1, "relative": 2}
    tasks.sort(key=lambda t: order[t.for_whom])
    return Aftercare(str(data["version"]), sources, outcomes, tuple(tasks))


@dataclass(frozen=True)
class Referrals:
    version: str
    sources: dict[str, str]
    urgent_hours: int
    other_hours: int
    escalate_urgent_hours: int
    escalate_other_hours: int

    def remind_after_hours(self, urgent: bool) -> int:
        return self.urgent_hours if urgent else self.other_hours

    def escalate_after_hours(self, urgent: bool) -> int:
        return self.escalate_urgent_hours if urgent else self.escalate_other_hours


def parse_referrals(data: dict, name: str = "referrals.yaml") -> Referrals:
    remind = _whole_hours(data, "remind_after_hours", name)
    escalate = _whole_hours(data, "escalate_after_hours", name)
    for kind, first, then in zip(("urgent", "other"), remind, escalate, strict=True):
        if then <= first:
            raise PolicyError(
                f"{name}: escalate_after_hours.{kind} must come after remind_after_hours.{kind}"
            )
    return Referrals(str(data["version"]), dict(data.get("sources") or {}), *remind, *escalate)


def _whole_hours(data: dict, field: str, name: str) -> tuple[int, int]:
    hours = data.get(field) or {}
    values = []
    for key in ("urgent", "other"):
        value = hours.get(key)
        if not isinstance(value, int) or value <= 0:
            raise PolicyError(f"{name}: {field}.{key} must be a whole number of hours")
        values.append(value)
    return values[0], values[1]


# The categories retention knows how to act on (see retention.py); the file must set each.
RETENTION_CATEGORIES = ("notifications", "working_file", "measures", "team", "case_record")


@functools.cache
def measures() -> Measures:
    return parse_measures(_load("measures.yaml"))


@functools.cache
def retention() -> Retention:
    return parse_retention(_load("retention.yaml"))


@functools.cache
def aftercare() -> Aftercare:
    return parse_aftercare(_load("aftercare.yaml"))


@functools.cache
def referrals() -> Referrals:
    return parse_referrals(_load("referrals.yaml"))
