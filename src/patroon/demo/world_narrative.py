"""Short fictional Dutch narratives for demo signals, assembled from templates.

Every narrative starts with ``[DEMO]``. Templates live in ``data/narratives.yaml``; filled-in
sentences are cached per (template, organisation kind, victim sex, relationship), which keeps
assembly cheap when a million signals are generated.
"""

from __future__ import annotations

import functools
import random
from pathlib import Path

import yaml

DATA = Path(__file__).with_name("data")
PREFIX = "[DEMO]"

_PRONOUNS = {
    "F": {"Zij": "Zij", "zij": "zij", "haar": "haar", "obj": "haar"},
    "M": {"Zij": "Hij", "zij": "hij", "haar": "zijn", "obj": "hem"},
}


_STANDALONE_FINALS = frozenset({"femicide", "attempted_femicide"})


@functools.cache
def templates() -> dict:
    return yaml.safe_load((DATA / "narratives.yaml").read_text(encoding="utf-8"))


class Narrator:
    def __init__(self) -> None:
        data = templates()
        self.openers: dict[str, list[str]] = data["openers"]
        self.behaviours: dict[str, list[str]] = data["behaviours"]
        self.closers: dict[str, list[str]] = data["closers"]
        self.finals: dict[str, list[str]] = data["finals"]
        self.victim_word: dict[str, str] = data["victim_word"]
        self.perpetrator_word: dict[str, str] = data["perpetrator_word"]
        self._cache: dict[tuple, str] = {}

    def _fill(self, template: str, kind: str, sex: str, relationship: str) -> str:
        key = (template, kind, sex, relationship)
        text = self._cache.get(key)
        if text is None:
            values = dict(_PRONOUNS["M" if sex == "M" else "F"])
            word = self.victim_word.get(kind, "slachtoffer")
            if sex != "M" and word in ("patiënt", "cliënt"):
                word += "e"
            perpetrator = self.perpetrator_word.get(relationship, "de betrokkene")
            values.update(
                slo=word,
                Slo=word[0].upper() + word[1:],
                pleger=perpetrator,
                Pleger=perpetrator[0].upper() + perpetrator[1:],
            )
            text = template.format_map(values)
            self._cache[key] = text
        return text

    def build(
        self,
        rng: random.Random,
        kind: str,
        sex: str,
        relationship: str,
        behaviours,
        final: str | None = None,
        opener: int | None = None,
    ) -> str:
        """One narrative; ``opener`` fixes the opening sentence (an index into the openers)."""
        parts = [PREFIX]
        if final in _STANDALONE_FINALS:
            options = self.finals[final]
            parts.append(self._fill(options[0], kind, sex, relationship))
            return " ".join(parts)
        openers = self.openers[kind]
        if opener is None:
            opener = int(rng.random() * len(openers))
        parts.append(self._fill(openers[opener], kind, sex, relationship))
        if final:
            options = self.finals[final]
            parts.append(self._fill(options[0], kind, sex, relationship))
        for code in behaviours[:3]:
            options = self.behaviours.get(code)
            if options:
                template = options[int(rng.random() * len(options))]
                parts.append(self._fill(template, kind, sex, relationship))
        if not final:
            closers = self.closers[kind]
            closer = closers[int(rng.random() * len(closers))]
            if closer:
                parts.append(self._fill(closer, kind, sex, relationship))
        return " ".join(parts)
