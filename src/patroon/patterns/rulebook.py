"""Loads the red-flag rules file, validates it and compiles every rule's condition. Pure Python.

A malformed file is refused at start with a message naming the rule and the field, so a
policy change can never silently switch a rule off.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from patroon.patterns import conditions as c
from patroon.patterns.conditions import RuleError
from patroon.vocabulary.loader import Vocabulary, vocabulary

DATA_FILE = Path(__file__).with_name("data") / "red_flags.yaml"
SEVERITIES = ("red", "orange", "yellow")
SCOPES = ("dyad", "victim")
FILTER_KEYS = {"behaviours", "min_severity", "organisation_kinds", "relationships", "children"}


@dataclass(frozen=True)
class Text:
    nl: str
    en: str

    def __call__(self, language: str) -> str:
        return self.en if language.startswith("en") else self.nl


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    scope: str
    title: Text
    explanation: Text
    sources: tuple[str, ...]
    recommended_step: Text
    condition: object

    @property
    def horizon(self) -> int | None:
        return self.condition.horizon


@dataclass(frozen=True, eq=False)
class RuleBook:
    version: str
    sources: dict[str, str]
    acknowledge_within_hours: dict[str, int]
    outcomes: dict[str, Text]
    rules: tuple[Rule, ...]

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


class _Compiler:
    """Turns one rule's ``when`` mapping into condition objects, naming the path on error."""

    def __init__(self, rule_id: str, vocab: Vocabulary, organisation_kinds: set[str]) -> None:
        self.rule_id = rule_id
        self.vocab = vocab
        self.kinds = organisation_kinds

    def fail(self, path: str, message: str):
        raise RuleError(f"rule '{self.rule_id}': field '{path}': {message}")

    def positive(self, spec: dict, key: str, path: str, *, required: bool = True) -> int | None:
        value = spec.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            self.fail(f"{path}.{key}", "must be a whole number of at least 1")
        return value

    def codes(self, spec: dict, key: str, path: str, known) -> frozenset[str]:
        values = spec.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            self.fail(f"{path}.{key}", "must be a list of codes")
        for value in values:
            if value not in known:
                self.fail(f"{path}.{key}", f"unknown code '{value}'")
        return frozenset(values)

    def filter(self, spec: dict, path: str) -> c.Filter:
        if not isinstance(spec, dict):
            self.fail(path, "must be a mapping")
        severity = spec.get("min_severity", 0)
        if not isinstance(severity, int) or not 0 <= severity <= 5:
            self.fail(f"{path}.min_severity", "must be a whole number 0-5")
        children = spec.get("children")
        if children is not None and not isinstance(children, bool):
            self.fail(f"{path}.children", "must be true or false")
        return c.Filter(
            behaviours=self.codes(spec, "behaviours", path, self.vocab.behaviours),
            min_severity=severity,
            organisation_kinds=self.codes(spec, "organisation_kinds", path, self.kinds),
            relationships=self.codes(spec, "relationships", path, self.vocab.relationships),
            children=children,
        )

    def only(self, spec: dict, allowed: set[str], path: str) -> None:
        unknown = sorted(set(spec) - allowed)
        if unknown:
            self.fail(f"{path}.{unknown[0]}", "is not a known field here")

    def condition(self, spec, path: str):
        if not isinstance(spec, dict) or len(spec) != 1:
            self.fail(path, "must be a mapping with exactly one condition")
        (kind, body), where = next(iter(spec.items())), f"{path}.{next(iter(spec))}"
        build = getattr(self, f"build_{kind}", None)
        if build is None:
            self.fail(where, "is not a known condition")
        return build(body, where)

    def build_count(self, body, path):
        if not isinstance(body, dict):
            self.fail(path, "must be a mapping")
        self.only(body, FILTER_KEYS | {"within_days", "at_least", "distinct"}, path)
        distinct = self.distinct(body, path)
        filt = {k: v for k, v in body.items() if k in FILTER_KEYS}
        return c.Count(
            self.filter(filt, path),
            self.positive(body, "at_least", path),
            self.positive(body, "within_days", path, required=False),
            distinct,
        )

    def build_sequence(self, body, path):
        if not isinstance(body, dict):
            self.fail(path, "must be a mapping")
        self.only(body, {"first", "then", "within_days", "recent_days"}, path)
        for key in ("first", "then"):
            if key not in body:
                self.fail(f"{path}.{key}", "is required")
        return c.Sequence_(
            self.filter(body["first"], f"{path}.first"),
            self.filter(body["then"], f"{path}.then"),
            self.positive(body, "within_days", path),
            self.positive(body, "recent_days", path, required=False),
        )

    def distinct(self, body: dict, path: str) -> str | None:
        distinct = body.get("distinct")
        if distinct is not None and distinct not in c.DISTINCT:
            self.fail(f"{path}.distinct", f"must be one of {', '.join(c.DISTINCT)}")
        return distinct

    def build_rising(self, body, path):
        if not isinstance(body, dict):
            self.fail(path, "must be a mapping")
        self.only(body, FILTER_KEYS | {"window_days", "at_least", "distinct"}, path)
        filt = {k: v for k, v in body.items() if k in FILTER_KEYS}
        return c.Rising(
            self.filter(filt, path),
            self.positive(body, "window_days", path),
            self.positive(body, "at_least", path),
            self.distinct(body, path),
        )

    def build_severity_rising(self, body, path):
        if not isinstance(body, dict):
            self.fail(path, "must be a mapping")
        self.only(body, {"within_days", "by"}, path)
        return c.SeverityRising(
            self.positive(body, "within_days", path), self.positive(body, "by", path)
        )

    def build_absence(self, body, path):
        if not isinstance(body, dict):
            self.fail(path, "must be a mapping")
        self.only(body, {"after", "missing", "days", "recent_days"}, path)
        for key in ("after", "missing"):
            if key not in body:
                self.fail(f"{path}.{key}", "is required")
        days = self.positive(body, "days", path)
        recent = self.positive(body, "recent_days", path)
        if recent < days:
            self.fail(f"{path}.recent_days", "must be at least 'days'")
        return c.Absence(
            self.filter(body["after"], f"{path}.after"),
            self.filter(body["missing"], f"{path}.missing"),
            days,
            recent,
        )

    def build_open_case(self, body, path):
        if not isinstance(body, bool):
            self.fail(path, "must be true or false")
        return c.OpenCase(body)

    def _parts(self, body, path):
        if not isinstance(body, list) or not body:
            self.fail(path, "must be a non-empty list of conditions")
        return tuple(self.condition(part, f"{path}[{i}]") for i, part in enumerate(body))

    def build_all(self, body, path):
        return c.All(self._parts(body, path))

    def build_any(self, body, path):
        return c.Any_(self._parts(body, path))

    def build_not(self, body, path):
        return c.Not(self.condition(body, path))


def _text(spec, rule_id: str, field: str) -> Text:
    if not isinstance(spec, dict) or not spec.get("nl") or not spec.get("en"):
        raise RuleError(f"rule '{rule_id}': field '{field}': needs both 'nl' and 'en' text")
    return Text(str(spec["nl"]), str(spec["en"]))


def parse(data, vocab: Vocabulary, organisation_kinds: set[str]) -> RuleBook:
    if not isinstance(data, dict) or not data.get("version"):
        raise RuleError("rules file: 'version' is required")
    sources = data.get("sources") or {}
    hours = data.get("acknowledge_within_hours") or {}
    for severity in SEVERITIES:
        value = hours.get(severity)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise RuleError(
                f"rules file: field 'acknowledge_within_hours.{severity}': "
                "must be a whole number of hours of at least 1"
            )
    default_step = _text(data.get("recommended_step"), "*", "recommended_step")
    outcome_specs = data.get("outcomes")
    if not isinstance(outcome_specs, dict) or not outcome_specs:
        raise RuleError("rules file: 'outcomes' must list the ways an alert can be handled")
    outcomes = {
        str(code): _text(spec, "*", f"outcomes.{code}") for code, spec in outcome_specs.items()
    }
    specs = data.get("rules")
    if not isinstance(specs, list) or not specs:
        raise RuleError("rules file: 'rules' must be a non-empty list")
    rules, seen = [], set()
    for index, spec in enumerate(specs):
        rule_id = spec.get("id") if isinstance(spec, dict) else None
        if not isinstance(rule_id, str) or not rule_id:
            raise RuleError(f"rule #{index + 1}: field 'id': is required")
        if rule_id in seen:
            raise RuleError(f"rule '{rule_id}': field 'id': is used twice")
        seen.add(rule_id)
        severity = spec.get("severity")
        if severity not in SEVERITIES:
            raise RuleError(
                f"rule '{rule_id}': field 'severity': must be one of {', '.join(SEVERITIES)}"
            )
        scope = spec.get("scope", "dyad")
        if scope not in SCOPES:
            raise RuleError(f"rule '{rule_id}': field 'scope': must be one of {', '.join(SCOPES)}")
        cited = spec.get("sources")
        if not isinstance(cited, list) or not cited:
            raise RuleError(f"rule '{rule_id}': field 'sources': at least one source is required")
        for key in cited:
            if key not in sources:
                raise RuleError(
                    f"rule '{rule_id}': field 'sources': '{key}' is not listed under 'sources'"
                )
        if "when" not in spec:
            raise RuleError(f"rule '{rule_id}': field 'when': is required")
        compiler = _Compiler(rule_id, vocab, organisation_kinds)
        rules.append(
            Rule(
                id=rule_id,
                severity=severity,
                scope=scope,
                title=_text(spec.get("title"), rule_id, "title"),
                explanation=_text(spec.get("explanation"), rule_id, "explanation"),
                sources=tuple(cited),
                recommended_step=(
                    _text(spec["recommended_step"], rule_id, "recommended_step")
                    if "recommended_step" in spec
                    else default_step
                ),
                condition=compiler.condition(spec["when"], "when"),
            )
        )
    return RuleBook(str(data["version"]), dict(sources), dict(hours), outcomes, tuple(rules))


def load(path: Path | str, organisation_kinds: set[str]) -> RuleBook:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RuleError(f"rules file {path}: not valid YAML ({exc})") from exc
    return parse(data, vocabulary(), organisation_kinds)


@functools.cache
def _cached(path: str, kinds: frozenset[str]) -> RuleBook:
    return load(path, set(kinds))


def rulebook() -> RuleBook:
    """The active rules: the file named by the ``PATROON_RULES_FILE`` setting."""
    from django.conf import settings

    from patroon.accounts.catalogue import organisation_kinds

    return _cached(str(settings.PATROON_RULES_FILE), frozenset(organisation_kinds()))


def clear_cache() -> None:
    _cached.cache_clear()
