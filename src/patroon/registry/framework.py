"""Loads and checks the register's vocabulary (``data/framework.yaml``). Pure Python."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).with_name("data") / "framework.yaml"
LISTS = (
    "relationships",
    "criteria",
    "types",
    "methods",
    "places",
    "record_sources",
    "verification",
)
GROUPS = ("intimate_partner", "family", "other_known", "unknown_to_victim", "not_known")


class FrameworkError(ValueError):
    """The framework file is malformed; the message names the list and code."""


@dataclass(frozen=True)
class Code:
    code: str
    nl: str
    en: str
    sources: tuple[str, ...] = ()
    group: str = ""
    femicide: bool = False

    def label(self, language: str = "nl") -> str:
        return self.en if language.startswith("en") else self.nl


@dataclass(frozen=True, eq=False)
class Framework:
    version: str
    sources: dict[str, str]
    lists: dict[str, dict[str, Code]]
    age_groups: tuple[tuple[int, str], ...]

    def codes(self, name: str) -> dict[str, Code]:
        return self.lists[name]

    @property
    def criteria(self) -> tuple[str, ...]:
        return tuple(self.lists["criteria"])

    @property
    def relationships(self) -> dict[str, Code]:
        return self.lists["relationships"]

    def label(self, name: str, code: str, language: str = "nl") -> str:
        found = self.lists[name].get(code)
        return found.label(language) if found else code

    def age_group(self, age: int | None) -> str:
        if age is None:
            return "unknown"
        group = "unknown"
        for lower, name in self.age_groups:
            if age >= lower:
                group = name
        return group


def parse(data: dict) -> Framework:
    sources = data.get("sources") or {}
    lists: dict[str, dict[str, Code]] = {}
    for name in LISTS:
        entries = data.get(name)
        if not entries:
            raise FrameworkError(f"{name}: missing or empty")
        codes: dict[str, Code] = {}
        for entry in entries:
            code = entry.get("code")
            if not code or code in codes:
                raise FrameworkError(f"{name}: missing or duplicate code {code!r}")
            for field in ("nl", "en"):
                if not entry.get(field):
                    raise FrameworkError(f"{name}.{code}: missing {field}")
            cited = tuple(entry.get("sources") or ())
            if not cited or any(s not in sources for s in cited):
                raise FrameworkError(f"{name}.{code}: sources must name entries of `sources`")
            group = entry.get("group", "")
            if name == "relationships" and group not in GROUPS:
                raise FrameworkError(f"relationships.{code}: unknown group {group!r}")
            codes[code] = Code(
                code, entry["nl"], entry["en"], cited, group, bool(entry.get("femicide"))
            )
        lists[name] = codes
    if len(lists["criteria"]) != 8:
        raise FrameworkError("criteria: the framework has exactly 8 criteria")
    ages = tuple((int(lower), str(label)) for lower, label in data.get("age_groups") or ())
    return Framework(str(data.get("version", "")), sources, lists, ages)


@functools.cache
def framework() -> Framework:
    return parse(yaml.safe_load(DATA_FILE.read_text(encoding="utf-8")))
