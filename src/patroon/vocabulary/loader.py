"""Loads and validates the vocabulary data file. Pure Python: no Django."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

DATA_FILE = Path(__file__).with_name("data") / "vocabulary.yaml"
SECTIONS = ("behaviours", "roles", "relationships", "confidentiality")


class VocabularyError(ValueError):
    """The vocabulary file is malformed; the message names the term and field."""


@dataclass(frozen=True)
class Term:
    code: str
    nl: str
    en: str
    severity: int | None = None
    sources: tuple[str, ...] = ()
    retired: bool = False

    def label(self, language: str) -> str:
        return self.en if language.startswith("en") else self.nl


@dataclass(frozen=True, eq=False)
class Vocabulary:
    version: str
    sources: dict[str, str]
    behaviours: dict[str, Term]
    roles: dict[str, Term]
    relationships: dict[str, Term]
    confidentiality: dict[str, Term]

    def active(self, section: str) -> dict[str, Term]:
        """Terms that may be used in new signals (validation asks this for every field)."""
        return _active_terms(self, section)


@functools.cache
def _active_terms(vocab: Vocabulary, section: str) -> dict[str, Term]:
    return {code: t for code, t in getattr(vocab, section).items() if not t.retired}


def parse(data: dict) -> Vocabulary:
    if not isinstance(data, dict) or not data.get("version"):
        raise VocabularyError("vocabulary: 'version' is required")
    sources = data.get("sources") or {}
    parsed: dict[str, dict[str, Term]] = {}
    for section in SECTIONS:
        entries = data.get(section)
        if not isinstance(entries, dict) or not entries:
            raise VocabularyError(f"vocabulary: section '{section}' is missing or empty")
        terms = {}
        for code, spec in entries.items():
            where = f"{section}.{code}"
            if not isinstance(spec, dict):
                raise VocabularyError(f"{where}: must be a mapping")
            for lang in ("nl", "en"):
                if not spec.get(lang):
                    raise VocabularyError(f"{where}: '{lang}' label is required")
            cited = tuple(spec.get("sources", ()))
            for key in cited:
                if key not in sources:
                    raise VocabularyError(f"{where}: source '{key}' is not listed under 'sources'")
            severity = spec.get("severity")
            if section == "behaviours" and (
                not isinstance(severity, int) or not 1 <= severity <= 5
            ):
                raise VocabularyError(f"{where}: 'severity' must be a whole number 1-5")
            if section == "behaviours" and not cited:
                raise VocabularyError(f"{where}: at least one source is required")
            terms[code] = Term(
                code, spec["nl"], spec["en"], severity, cited, bool(spec.get("retired"))
            )
        parsed[section] = terms
    return Vocabulary(str(data["version"]), sources, **parsed)


@functools.cache
def vocabulary() -> Vocabulary:
    return parse(yaml.safe_load(DATA_FILE.read_text(encoding="utf-8")))
