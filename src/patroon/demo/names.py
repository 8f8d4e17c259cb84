"""Name elements and spelling noise for the demo world. Pure Python (stdlib + PyYAML).

One pool of given names per sex and one pool of surnames, drawn uniformly and independently of
anything else about a person (see the neutrality rule in ``data/names.yaml``).
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from pathlib import Path

import yaml

DATA = Path(__file__).with_name("data")

# Dutch surname particles (tussenvoegsels), longest first so "van der" wins over "van".
PARTICLES = (
    "van der",
    "van den",
    "van de",
    "van 't",
    "van het",
    "in 't",
    "ter",
    "ten",
    "van",
    "de",
    "den",
    "der",
    "het",
)

_TYPO_LETTERS = "aeioulnrstdkmghbpvjwz"


@dataclass(frozen=True)
class GivenName:
    official: str
    variants: tuple[str, ...]


@dataclass(frozen=True)
class Surname:
    prefix: str | None
    name: str
    variants: tuple[tuple[str | None, str], ...]


@dataclass(frozen=True)
class NamePool:
    female: tuple[GivenName, ...]
    male: tuple[GivenName, ...]
    surnames: tuple[Surname, ...]

    def given(self, rng: random.Random, sex: str) -> GivenName:
        pool = self.male if sex == "M" else self.female
        return pool[int(rng.random() * len(pool))]

    def surname(self, rng: random.Random) -> Surname:
        return self.surnames[int(rng.random() * len(self.surnames))]


def split_particle(full: str) -> tuple[str | None, str]:
    """'van der Berg' -> ('van der', 'Berg'); 'Jansen' -> (None, 'Jansen')."""
    lowered = full.lower()
    for particle in PARTICLES:
        if lowered.startswith(particle + " ") and len(full) > len(particle) + 1:
            return full[: len(particle)], full[len(particle) + 1 :]
    return None, full


def _groups(lines) -> list[list[str]]:
    """Parse "official | variant | ... *N" lines; an entry with weight N is repeated N times."""
    groups = []
    for line in lines:
        line = str(line).strip()
        if not line or line.startswith("#"):
            continue
        weight = 1
        head, star, tail = line.rpartition("*")
        if star and tail.strip().isdigit():
            line, weight = head.strip(), int(tail)
        parts = [p.strip() for p in line.split("|") if p.strip()]
        # keep order, drop duplicates
        seen: list[str] = []
        for part in parts:
            if part not in seen:
                seen.append(part)
        groups.extend([seen] * weight)
    return groups


@functools.cache
def name_pool() -> NamePool:
    data = yaml.safe_load((DATA / "names.yaml").read_text(encoding="utf-8"))
    given = data["given_names"]

    def given_pool(key: str) -> tuple[GivenName, ...]:
        return tuple(GivenName(g[0], tuple(g[1:])) for g in _groups(given[key]))

    surname_lines = (DATA / "surnames.txt").read_text(encoding="utf-8").splitlines()
    surnames = []
    for group in _groups(surname_lines):
        prefix, name = split_particle(group[0])
        variants = tuple(split_particle(v) for v in group[1:])
        surnames.append(Surname(prefix, name, variants))
    return NamePool(given_pool("female"), given_pool("male"), tuple(surnames))


# -- noise ---------------------------------------------------------------------------------------
def typo(text: str, rng: random.Random) -> str:
    """One keying error: substitution, deletion, insertion (doubling) or transposition."""
    if len(text) < 3:
        return text
    position = 1 + int(rng.random() * (len(text) - 2))  # keep the first letter
    choice = rng.random()
    if choice < 0.35:
        letter = _TYPO_LETTERS[int(rng.random() * len(_TYPO_LETTERS))]
        if text[position] == letter or not text[position].isalpha():
            letter = "e" if text[position] != "e" else "a"
        return text[:position] + letter + text[position + 1 :]
    if choice < 0.6:
        return text[:position] + text[position + 1 :]
    if choice < 0.8:
        return text[:position] + text[position] + text[position:]
    if position + 1 < len(text):
        return text[:position] + text[position + 1] + text[position] + text[position + 2 :]
    return text[:position] + text[position] * 2


def particle_variant(prefix: str, name: str, rng: random.Random) -> tuple[str | None, str]:
    """Another way to write a surname with a particle, as seen in real registrations."""
    choice = rng.random()
    if choice < 0.3:
        return prefix[0].upper() + prefix[1:], name  # "Van der" Berg
    if choice < 0.55:
        return None, f"{prefix} {name}"  # everything in the surname field
    if choice < 0.8:
        joined = "".join(c for c in prefix if c.isalpha()) + name.lower()
        return None, joined[0].upper() + joined[1:]  # "Vanderberg"
    return None, f"{name}, {prefix}"  # "Berg, van der"


def initials(given_names: str) -> str:
    return "".join(f"{part[0].upper()}." for part in given_names.split() if part)
