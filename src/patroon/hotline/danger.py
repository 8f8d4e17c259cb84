"""Danger phrases: which words in a report or chat message signal acute danger.

Pure Python over a versioned data file (``data/danger_phrases.yaml``). Text is normalised
(lower case, accents removed, whitespace collapsed) and phrases match on whole words; a
trailing ``*`` matches any word ending.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "danger_phrases.yaml"


class PhraseFileError(ValueError):
    pass


@dataclass(frozen=True)
class Phrasebook:
    version: str
    sources: dict[str, str]
    groups: dict[str, tuple[str, ...]]  # group id -> phrases (all languages)
    patterns: dict[str, re.Pattern]

    def matches(self, text: str) -> list[str]:
        """The ids of the phrase groups found in ``text``, in file order."""
        normal = normalise(text)
        return [group for group, pattern in self.patterns.items() if pattern.search(normal)]


def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", stripped.lower()).strip()


def _phrase_regex(phrase: str) -> str:
    words = normalise(phrase).split(" ")
    parts = []
    for word in words:
        if word.endswith("*"):
            parts.append(re.escape(word[:-1]) + r"\w*")
        else:
            parts.append(re.escape(word))
    return r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)"


def load(path: Path) -> Phrasebook:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PhraseFileError(f"{path}: {exc}") from exc
    if not isinstance(data, dict) or not data.get("version") or not data.get("phrases"):
        raise PhraseFileError(f"{path}: needs 'version' and 'phrases'")
    sources = data.get("sources") or {}
    groups: dict[str, tuple[str, ...]] = {}
    patterns: dict[str, re.Pattern] = {}
    for group, spec in data["phrases"].items():
        if not isinstance(spec, dict):
            raise PhraseFileError(f"{path}: phrase group {group!r} is not a mapping")
        for source in spec.get("sources") or ():
            if source not in sources:
                raise PhraseFileError(f"{path}: {group}: unknown source {source!r}")
        phrases = []
        for language in ("nl", "en"):
            for phrase in spec.get(language) or ():
                if not isinstance(phrase, str) or not normalise(phrase).strip("*"):
                    raise PhraseFileError(f"{path}: {group}.{language}: empty phrase")
                phrases.append(phrase)
        if not phrases:
            raise PhraseFileError(f"{path}: {group}: no phrases")
        groups[group] = tuple(phrases)
        patterns[group] = re.compile("|".join(_phrase_regex(p) for p in phrases))
    return Phrasebook(str(data["version"]), dict(sources), groups, patterns)


@functools.cache
def phrasebook() -> Phrasebook:
    from django.conf import settings

    return load(Path(getattr(settings, "PATROON_HOTLINE_DANGER_FILE", DEFAULT_FILE)))
