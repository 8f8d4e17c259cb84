"""The level protocol: per level, the required actions with response times, who must be
informed, and when to re-assess. Policy data, overridable per region. Pure Python.

A level without a protocol entry (``not_assessed``) creates no tasks and no re-assessment.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import yaml

from patroon.patterns.rulebook import Text
from patroon.risk.instruments import InstrumentError
from patroon.risk.levels import ASSESSED_LEVELS

DATA_FILE = Path(__file__).with_name("data") / "protocol.yaml"


@dataclass(frozen=True)
class Action:
    id: str
    due: timedelta
    text: Text


@dataclass(frozen=True)
class LevelProtocol:
    level: str
    reassess_after: timedelta
    actions: tuple[Action, ...]
    inform: tuple[str, ...]


@dataclass(frozen=True)
class Protocol:
    version: str
    sources: dict[str, str]
    parties: dict[str, Text]
    levels: dict[str, LevelProtocol]
    regions: dict[str, dict[str, LevelProtocol]]

    def for_level(self, level: str, region: str = "") -> LevelProtocol | None:
        return self.regions.get(region, {}).get(level) or self.levels.get(level)


def _fail(where: str, message: str):
    raise InstrumentError(f"protocol: {where}: {message}")


def _hours(value, where: str) -> timedelta:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        _fail(where, "must be a whole number of hours of at least 1")
    return timedelta(hours=value)


def _text(spec, where: str) -> Text:
    if not isinstance(spec, dict) or not spec.get("nl") or not spec.get("en"):
        _fail(where, "needs both 'nl' and 'en' text")
    return Text(str(spec["nl"]), str(spec["en"]))


def _level(level: str, spec, parties: dict, where: str) -> LevelProtocol:
    if not isinstance(spec, dict):
        _fail(where, "must be a mapping")
    actions = []
    for index, action in enumerate(spec.get("actions") or []):
        if not isinstance(action, dict) or not action.get("id"):
            _fail(f"{where}.actions[{index}].id", "is required")
        at = f"{where}.actions[{index}]"
        actions.append(
            Action(
                action["id"], _hours(action.get("due_hours"), f"{at}.due_hours"), _text(action, at)
            )
        )
    inform = spec.get("inform") or []
    for party in inform:
        if party not in parties:
            _fail(f"{where}.inform", f"'{party}' is not listed under 'parties'")
    return LevelProtocol(
        level,
        _hours(spec.get("reassess_after_hours"), f"{where}.reassess_after_hours"),
        tuple(actions),
        tuple(inform),
    )


def parse(data) -> Protocol:
    if not isinstance(data, dict) or not data.get("version"):
        _fail("field 'version'", "is required")
    parties = {
        str(k): _text(v, f"field 'parties.{k}'") for k, v in (data.get("parties") or {}).items()
    }
    specs = data.get("levels") or {}
    levels = {}
    for level in ASSESSED_LEVELS:
        if level not in specs:
            _fail(f"field 'levels.{level}'", "is required")
        levels[level] = _level(level, specs[level], parties, f"field 'levels.{level}'")
    regions: dict[str, dict[str, LevelProtocol]] = {}
    for region, overrides in (data.get("regions") or {}).items():
        for level, spec in (overrides or {}).items():
            where = f"field 'regions.{region}.{level}'"
            if level not in ASSESSED_LEVELS:
                _fail(where, f"must be one of {', '.join(ASSESSED_LEVELS)}")
            regions.setdefault(region, {})[level] = _level(level, spec, parties, where)
    return Protocol(str(data["version"]), dict(data.get("sources") or {}), parties, levels, regions)


@functools.cache
def protocol() -> Protocol:
    return parse(yaml.safe_load(DATA_FILE.read_text(encoding="utf-8")))
