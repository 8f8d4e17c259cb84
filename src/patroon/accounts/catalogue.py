"""Organisation kinds and regions, read from the versioned data file."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).with_name("data") / "organisations.yaml"


@functools.cache
def catalogue() -> dict:
    return yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))


def organisation_kinds() -> dict[str, dict[str, str]]:
    return catalogue()["organisation_kinds"]


def regions() -> dict[str, str]:
    return catalogue()["regions"]


def kind_label(code: str, language: str = "nl") -> str:
    entry = organisation_kinds().get(code)
    return entry.get(language, entry["nl"]) if entry else code
