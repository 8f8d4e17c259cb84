"""Loads the risk-assessment instrument files and validates them. Pure Python.

An instrument is policy data: items with Dutch and English wording, the vocabulary behaviours
that may prefill them, a scoring rule, outcomes mapped onto Patroon's level scale, and its
sources. A malformed file is refused at start with a message naming the instrument, the item
and the field, so a typo can never silently change how a woman's danger is scored.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from patroon.patterns.rulebook import Text
from patroon.risk.levels import ASSESSED_LEVELS
from patroon.vocabulary.loader import vocabulary

DATA_DIR = Path(__file__).with_name("data") / "instruments"
UNKNOWN = "unknown"
ANSWER_OPTIONS = {"yes_no": ("yes", "no"), "colour": ("red", "blue", "yellow")}
RULES = ("count", "weighted", "colour_per_section", "judgement")
WEIGHT_STATUSES = ("verified", "unverified")


class InstrumentError(ValueError):
    """A malformed instrument file; the message names the instrument, item and field."""


def answer_code(value):
    """YAML reads an unquoted ``yes``/``no`` as a boolean; in answers it means the word."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


@dataclass(frozen=True)
class Prefill:
    behaviours: frozenset[str]
    answer: str


@dataclass(frozen=True)
class Item:
    id: str
    section: str
    text: Text
    help: Text | None
    answer_type: str
    options: tuple[str, ...]
    prefill: Prefill | None
    weight: float
    applies_when: tuple[str, str] | None

    @property
    def choices(self) -> tuple[str, ...]:
        """Every answer the professional may give, ``unknown`` always among them."""
        return (*self.options, UNKNOWN)


@dataclass(frozen=True)
class Section:
    id: str
    title: Text


@dataclass(frozen=True)
class Outcome:
    id: str
    level: str
    text: Text


@dataclass(frozen=True)
class Band:
    min: float
    outcome: str


@dataclass(frozen=True)
class Critical:
    item: str
    answer: str
    outcome: str


@dataclass(frozen=True)
class Scoring:
    rule: str
    counted: tuple[str, ...] = ()
    bands: tuple[Band, ...] = ()
    critical: tuple[Critical, ...] = ()
    colour: str = ""
    at_least: int = 0
    outcome: str = ""
    otherwise: str = ""
    judgement_item: str = ""
    judgement_outcomes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    title: Text
    summary: Text
    provenance: Text
    sources: dict[str, str]
    weights_verified: bool
    sections: tuple[Section, ...]
    items: tuple[Item, ...]
    scoring: Scoring
    outcomes: dict[str, Outcome]

    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)

    def applicable(self, answers: dict[str, str]) -> list[Item]:
        """The items that need an answer, given the answers so far (conditional items)."""
        return [
            i
            for i in self.items
            if i.applies_when is None or answers.get(i.applies_when[0]) == i.applies_when[1]
        ]


class _Parser:
    """Validates one instrument mapping, naming the item and field in every error."""

    def __init__(self, data, name: str) -> None:
        self.data = data
        self.name = name

    def fail(self, where: str, message: str):
        raise InstrumentError(f"instrument '{self.name}': {where}: {message}")

    def text(self, spec, where: str) -> Text:
        if not isinstance(spec, dict) or not spec.get("nl") or not spec.get("en"):
            self.fail(where, "needs both 'nl' and 'en' text")
        return Text(str(spec["nl"]), str(spec["en"]))

    def parse(self) -> Instrument:
        data = self.data
        if not isinstance(data, dict):
            self.fail("file", "must be a mapping")
        for key in ("id", "version"):
            if not isinstance(data.get(key), str) or not data[key]:
                self.fail(f"field '{key}'", "is required")
        self.name = data["id"]
        sources = data.get("sources")
        if not isinstance(sources, dict) or not sources:
            self.fail("field 'sources'", "at least one source with its citation is required")
        sections = self.sections(data.get("sections"))
        outcomes = self.outcomes(data.get("outcomes"))
        weights_verified = self.weights_status(data.get("weights"))
        items = self.items(data.get("items"), {s.id for s in sections})
        if not weights_verified and len({i.weight for i in items}) > 1:
            self.fail(
                "field 'weights.status'",
                "weights are unverified, so every item must carry the same weight",
            )
        scoring = _ScoringParser(self, items, sections, outcomes).parse(data.get("scoring"))
        return Instrument(
            id=data["id"],
            version=data["version"],
            title=self.text(data.get("title"), "field 'title'"),
            summary=self.text(data.get("summary"), "field 'summary'"),
            provenance=self.text(data.get("provenance"), "field 'provenance'"),
            sources={str(k): str(v) for k, v in sources.items()},
            weights_verified=weights_verified,
            sections=sections,
            items=items,
            scoring=scoring,
            outcomes=outcomes,
        )

    def weights_status(self, spec) -> bool:
        if spec is None:
            return True
        status = spec.get("status") if isinstance(spec, dict) else None
        if status not in WEIGHT_STATUSES:
            self.fail("field 'weights.status'", f"must be one of {', '.join(WEIGHT_STATUSES)}")
        return status == "verified"

    def sections(self, specs) -> tuple[Section, ...]:
        if not isinstance(specs, list) or not specs:
            self.fail("field 'sections'", "must be a non-empty list")
        found = []
        for index, spec in enumerate(specs):
            if not isinstance(spec, dict) or not spec.get("id"):
                self.fail(f"section #{index + 1}: field 'id'", "is required")
            found.append(Section(spec["id"], self.text(spec, f"section '{spec['id']}'")))
        return tuple(found)

    def outcomes(self, specs) -> dict[str, Outcome]:
        if not isinstance(specs, list) or not specs:
            self.fail("field 'outcomes'", "must be a non-empty list")
        found = {}
        for index, spec in enumerate(specs):
            if not isinstance(spec, dict) or not spec.get("id"):
                self.fail(f"outcome #{index + 1}: field 'id'", "is required")
            where = f"outcome '{spec['id']}'"
            if spec.get("level") not in ASSESSED_LEVELS:
                self.fail(f"{where}: field 'level'", f"must be one of {', '.join(ASSESSED_LEVELS)}")
            found[spec["id"]] = Outcome(spec["id"], spec["level"], self.text(spec, where))
        return found

    def items(self, specs, section_ids: set[str]) -> tuple[Item, ...]:
        if not isinstance(specs, list) or not specs:
            self.fail("field 'items'", "must be a non-empty list")
        items: list[Item] = []
        for index, spec in enumerate(specs):
            item_id = spec.get("id") if isinstance(spec, dict) else None
            if not isinstance(item_id, str) or not item_id:
                self.fail(f"item #{index + 1}: field 'id'", "is required")
            if any(i.id == item_id for i in items):
                self.fail(f"item '{item_id}': field 'id'", "is used twice")
            items.append(self.item(spec, item_id, section_ids, items))
        return tuple(items)

    def item(self, spec: dict, item_id: str, section_ids: set[str], earlier: list[Item]) -> Item:
        where = f"item '{item_id}'"
        if spec.get("section") not in section_ids:
            self.fail(f"{where}: field 'section'", f"must be one of {', '.join(section_ids)}")
        answer_type = spec.get("answer", "yes_no")
        if answer_type == "scale":
            options = spec.get("options")
            if not isinstance(options, list) or len(options) < 2:
                self.fail(f"{where}: field 'options'", "a scale needs at least two options")
            options = tuple(str(o) for o in options)
        elif answer_type in ANSWER_OPTIONS:
            options = ANSWER_OPTIONS[answer_type]
        else:
            self.fail(f"{where}: field 'answer'", "must be yes_no, colour or scale")
        weight = spec.get("weight", 1)
        if not isinstance(weight, int | float) or isinstance(weight, bool) or weight < 0:
            self.fail(f"{where}: field 'weight'", "must be a number of at least 0")
        return Item(
            id=item_id,
            section=spec["section"],
            text=self.text(spec.get("text"), f"{where}: field 'text'"),
            help=self.text(spec["help"], f"{where}: field 'help'") if "help" in spec else None,
            answer_type=answer_type,
            options=options,
            prefill=self.prefill(spec.get("prefill"), where, answer_type, options),
            weight=float(weight),
            applies_when=self.condition(spec.get("applies_when"), where, earlier),
        )

    def prefill(self, spec, where: str, answer_type: str, options) -> Prefill | None:
        if spec is None:
            return None
        if not isinstance(spec, dict):
            self.fail(f"{where}: field 'prefill'", "must be a mapping")
        codes = spec.get("behaviours")
        if not isinstance(codes, list) or not codes:
            self.fail(f"{where}: field 'prefill.behaviours'", "must be a non-empty list of codes")
        known = vocabulary().behaviours
        for code in codes:
            if code not in known:
                self.fail(f"{where}: field 'prefill.behaviours'", f"unknown behaviour '{code}'")
        answer = answer_code(spec.get("answer", "yes" if answer_type == "yes_no" else None))
        if answer not in options:
            self.fail(f"{where}: field 'prefill.answer'", f"must be one of {', '.join(options)}")
        return Prefill(frozenset(codes), answer)

    def condition(self, spec, where: str, earlier: list[Item]) -> tuple[str, str] | None:
        if spec is None:
            return None
        target = next((i for i in earlier if i.id == (spec or {}).get("item")), None)
        if target is None:
            self.fail(f"{where}: field 'applies_when.item'", "must name an earlier item")
        answer = answer_code(spec.get("answer"))
        if answer not in target.options:
            self.fail(f"{where}: field 'applies_when.answer'", "is not an answer of that item")
        return (target.id, answer)


class _ScoringParser:
    def __init__(self, parser: _Parser, items, sections, outcomes) -> None:
        self.p = parser
        self.items = {i.id: i for i in items}
        self.sections = {s.id for s in sections}
        self.outcomes = outcomes

    def outcome(self, value, field: str) -> str:
        if value not in self.outcomes:
            self.p.fail(f"field 'scoring.{field}'", f"'{value}' is not listed under 'outcomes'")
        return value

    def parse(self, spec) -> Scoring:
        if not isinstance(spec, dict) or spec.get("rule") not in RULES:
            self.p.fail("field 'scoring.rule'", f"must be one of {', '.join(RULES)}")
        rule = spec["rule"]
        critical = tuple(self.critical(spec.get("critical") or []))
        if rule in ("count", "weighted"):
            return Scoring(rule, self.counted(spec), self.bands(spec.get("bands")), critical)
        if rule == "colour_per_section":
            at_least = spec.get("at_least")
            if not isinstance(at_least, int) or at_least < 1:
                self.p.fail("field 'scoring.at_least'", "must be a whole number of at least 1")
            colour = spec.get("colour")
            if colour not in ANSWER_OPTIONS["colour"]:
                self.p.fail("field 'scoring.colour'", "must be red, blue or yellow")
            return Scoring(
                rule,
                critical=critical,
                colour=colour,
                at_least=at_least,
                outcome=self.outcome(spec.get("outcome"), "outcome"),
                otherwise=self.outcome(spec.get("otherwise"), "otherwise"),
            )
        item = self.items.get(spec.get("item"))
        if item is None or item.answer_type != "scale":
            self.p.fail("field 'scoring.item'", "must name a scale item")
        mapping = spec.get("outcomes")
        if not isinstance(mapping, dict) or set(mapping) != set(item.options):
            self.p.fail("field 'scoring.outcomes'", "must map every option of the item")
        return Scoring(
            rule,
            critical=critical,
            judgement_item=item.id,
            judgement_outcomes=tuple(
                (o, self.outcome(mapping[o], f"outcomes.{o}")) for o in item.options
            ),
        )

    def counted(self, spec: dict) -> tuple[str, ...]:
        if "items" in spec and "section" in spec:
            self.p.fail("field 'scoring'", "give 'items' or 'section', not both")
        if "section" in spec:
            if spec["section"] not in self.sections:
                self.p.fail("field 'scoring.section'", "is not a section of this instrument")
            return tuple(i for i, item in self.items.items() if item.section == spec["section"])
        counted = spec.get("items") or [i for i, item in self.items.items()]
        for item_id in counted:
            item = self.items.get(item_id)
            if item is None or item.answer_type != "yes_no":
                self.p.fail("field 'scoring.items'", f"'{item_id}' is not a yes/no item")
        return tuple(counted)

    def bands(self, specs) -> tuple[Band, ...]:
        if not isinstance(specs, list) or not specs:
            self.p.fail("field 'scoring.bands'", "must be a non-empty list")
        bands = []
        for index, spec in enumerate(specs):
            low = spec.get("min") if isinstance(spec, dict) else None
            if not isinstance(low, int | float) or isinstance(low, bool):
                self.p.fail(f"field 'scoring.bands[{index}].min'", "must be a number")
            if bands and low <= bands[-1].min:
                self.p.fail(f"field 'scoring.bands[{index}].min'", "bands must rise")
            bands.append(Band(low, self.outcome(spec.get("outcome"), f"bands[{index}].outcome")))
        if bands[0].min != 0:
            self.p.fail("field 'scoring.bands[0].min'", "the first band must start at 0")
        return tuple(bands)

    def critical(self, specs) -> list[Critical]:
        found = []
        for index, spec in enumerate(specs):
            item = self.items.get(spec.get("item") if isinstance(spec, dict) else None)
            if item is None:
                self.p.fail(f"field 'scoring.critical[{index}].item'", "must name an item")
            answer = answer_code(spec.get("answer", item.options[0]))
            if answer not in item.options:
                self.p.fail(f"field 'scoring.critical[{index}].answer'", "is not an answer")
            outcome = self.outcome(spec.get("outcome"), f"critical[{index}].outcome")
            found.append(Critical(item.id, answer, outcome))
        return found


def parse(data, name: str = "?") -> Instrument:
    return _Parser(data, name).parse()


def load(path: Path | str) -> Instrument:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InstrumentError(f"instrument file {path.name}: not valid YAML ({exc})") from exc
    return parse(data, path.stem)


@functools.cache
def instruments() -> dict[str, Instrument]:
    """Every shipped instrument, by id, in a stable order."""
    found: dict[str, Instrument] = {}
    for path in sorted(DATA_DIR.glob("*.yaml")):
        instrument = load(path)
        if instrument.id in found:
            raise InstrumentError(f"instrument '{instrument.id}': field 'id': is used twice")
        found[instrument.id] = instrument
    return found


def instrument(instrument_id: str) -> Instrument | None:
    return instruments().get(instrument_id)
