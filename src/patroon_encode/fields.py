"""Normalised linkage fields of one person record. Standard library only.

This is the single normalisation that the plaintext linkage (inside the vault) and the
encoder (at each organisation) share: both modes must derive exactly the same values, or a
token made at the police would never equal the one made at the GP. It lives here, and not in
the Patroon package, so that the encoder runs stand-alone.

Dutch surnames: particles ("van", "de", "van der", "ter", ...) are split off, also when written
after a comma ("Berg, van der") or glued to the name ("Vanderberg"); a hyphenated double
surname ("Jansen-de Vries") yields a second surname component.
"""

from __future__ import annotations

import re
import unicodedata
from operator import itemgetter

from patroon_encode.names import CALL_NAMES

_NON_ALNUM = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")
_HOUSE = re.compile(r"^(\d+)\s*([a-z0-9]*)")

#: Words that make up Dutch (and a few Flemish/French) surname particles, after folding.
PARTICLE_WORDS = frozenset(
    {"van", "der", "den", "de", "het", "t", "in", "ter", "ten", "te", "op", "uit", "la", "le", "d"}
)
# Particles glued to the surname ("Vanderberg"), longest first; only stripped when at least
# three letters remain, so that "Vandam" stays "dam" but a short name is left alone.
_GLUED = ("vanhet", "vander", "vanden", "vande", "vant", "van")

#: The linkage fields, in a fixed order (the order of encoded output and of data frames).
FIELDS = (
    "given_name",
    "given_initial",
    "given_other",
    "given_canon",
    "surname",
    "surname_full",
    "surname2",
    "dob",
    "dob_swap",
    "dob_ym",
    "dob_md",
    "dob_yd",
    "dob_year",
    "postcode",
    "postcode_area",
    "house_number",
    "house_digits",
    "street",
    "city",
    "phone",
    "bsn",
    "email",
    "sex",
)
_SEX = {"m": "m", "man": "m", "male": "m", "f": "f", "v": "f", "vrouw": "f", "female": "f"}


def fold(text: str | None) -> str:
    """Lower case ASCII, accents removed, punctuation as single spaces; "ij" as "y"."""
    if not text:
        return ""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    text = text.lower().replace("ij", "y")
    return _SPACES.sub(" ", _NON_ALNUM.sub(" ", text)).strip()


def _strip_particles(words: list[str]) -> list[str]:
    start, end = 0, len(words)
    while start < end - 1 and words[start] in PARTICLE_WORDS:
        start += 1
    while end - 1 > start and words[end - 1] in PARTICLE_WORDS:
        end -= 1
    return words[start:end]


def _core(words: list[str]) -> str:
    core = "".join(_strip_particles(words))
    for glued in _GLUED:
        if core.startswith(glued) and len(core) - len(glued) >= 3:
            return core[len(glued) :]
    return core


def split_surname(prefix: str | None, surname: str | None) -> tuple[str, str, str]:
    """(core, full, second core) of a surname; empty strings where absent.

    ``full`` is prefix and surname without spaces ("vanderberg"), so that "van der Berg"
    and "Vanderberg" agree; ``core`` drops the particles ("berg"); a hyphenated double
    surname gives its second part as ``second`` ("Jansen-de Vries" -> "jansen", "vries").
    """
    raw = surname or ""
    if "," in raw:  # "Berg, van der": the particle written after the name
        name, _, after = raw.partition(",")
        raw = f"{after} {name}"
    parts = [p for p in (fold(f"{prefix or ''} {raw}").split(" ")) if p]
    if not parts:
        return "", "", ""
    full = "".join(parts)
    pieces = [fold(p).split(" ") for p in re.split(r"-+", f"{prefix or ''} {raw}")]
    pieces = [[w for w in piece if w] for piece in pieces]
    pieces = [piece for piece in pieces if piece]
    if len(pieces) >= 2:
        return _core(pieces[0]), full, _core(pieces[-1])
    return _core(parts), full, ""


def _given_words(given_names: str | None) -> list[str]:
    """The folded given names. Initials only ("T.M.", "D.") are kept as they are: "t" and
    "d" are also particles ("van 't Hof", "d'Ancona"), and stripping them lost the initial.
    Otherwise leading particles are skipped, so a surname typed into the given-name field
    ("van der Berg") compares with the surname core ("berg")."""
    words = [w for w in fold(given_names).split(" ") if w]
    if all(len(w) == 1 for w in words):
        return words
    return _strip_particles(words)


def given_name(given_names: str | None) -> tuple[str, str]:
    """(first given name, its initial). Initials only ("J.M.") give no name, just the initial."""
    words = _given_words(given_names)
    if not words:
        return "", ""
    if all(len(w) == 1 for w in words):
        return "", words[0]
    first = next(w for w in words if len(w) > 1)
    return first, first[0]


def other_given_names(given_names: str | None) -> str:
    """The given names after the first written-out one ("Anna Maria Johanna" -> "maria
    johanna"): two people can share a first name, rarely all of them."""
    full = [w for w in _given_words(given_names) if len(w) > 1]
    return " ".join(full[1:])


def date_parts(value: str | None) -> tuple[str, str, str] | None:
    """(year, month, day) from "YYYY-MM-DD" or "YYYYMMDD"; None if it is neither."""
    digits = "".join(_DIGITS.findall(value or ""))
    if len(digits) != 8:
        return None
    return digits[:4], digits[4:6], digits[6:8]


def postcode_parts(value: str | None) -> tuple[str, str]:
    """(postcode, area): Dutch "1234 ab" -> ("1234AB", "1234"); others -> (code, first 3)."""
    code = fold(value).replace(" ", "").upper()
    if not code:
        return "", ""
    if len(code) == 6 and code[:4].isdigit() and code[4:].isalpha():
        return code, code[:4]
    return code, code[:3]


def house_parts(value: str | None) -> tuple[str, str]:
    """(number with suffix, digits only): "12 a" -> ("12a", "12")."""
    folded = fold(value)
    match = _HOUSE.match(folded)
    if not match:
        return folded.replace(" ", ""), ""
    return match.group(1) + match.group(2), match.group(1)


def phone_digits(value: str | None) -> str:
    """The national number: "+31 6 1234 5678" and "06-12345678" -> "612345678"."""
    digits = "".join(_DIGITS.findall(value or ""))
    if digits.startswith("0031"):
        digits = digits[4:]
    elif digits.startswith("31") and len(digits) == 11:
        digits = digits[2:]
    digits = digits.lstrip("0")
    return digits if len(digits) >= 6 else ""


def _given_parts(value) -> tuple:
    given, initial = given_name(value)
    return given, initial, other_given_names(value), CALL_NAMES.get(given, "")


def _dob_parts(value) -> tuple:
    parts = date_parts(None if value is None else str(value))
    if not parts:
        return ("",) * 6
    year, month, day = parts
    return (
        f"{year}-{month}-{day}",
        f"{year}-{day}-{month}",
        f"{year}-{month}",
        f"{month}-{day}",
        f"{year}/{day}",
        year,
    )


def _bsn(value) -> tuple:
    bsn = "".join(_DIGITS.findall(str(value or "")))
    return (bsn if len(bsn) == 9 else "",)


def _email(value) -> tuple:
    email = (value or "").strip().lower()
    return (email if "@" in email else "",)


def _place(value) -> tuple:
    return (fold(value).replace(" ", ""),)


#: (input keys, output fields, function of the input values): each field derived once.
_PARTS = (
    (("given_names",), ("given_name", "given_initial", "given_other", "given_canon"), _given_parts),
    (("surname_prefix", "surname"), ("surname", "surname_full", "surname2"), split_surname),
    (
        ("date_of_birth",),
        ("dob", "dob_swap", "dob_ym", "dob_md", "dob_yd", "dob_year"),
        _dob_parts,
    ),
    (("postcode",), ("postcode", "postcode_area"), postcode_parts),
    (("house_number",), ("house_number", "house_digits"), house_parts),
    (("street",), ("street",), _place),
    (("city",), ("city",), _place),
    (("phone",), ("phone",), lambda value: (phone_digits(value),)),
    (("bsn",), ("bsn",), _bsn),
    (("email",), ("email",), _email),
    (("sex",), ("sex",), lambda value: (_SEX.get(fold(value), ""),)),
)


def linkage_fields(record: dict) -> dict[str, str | None]:
    """The normalised linkage fields of one record (keys as in ``FIELDS``; None if unknown).

    ``record`` has the person identifier keys of the intake (bsn, given_names,
    surname_prefix, surname, date_of_birth, sex, street, house_number, postcode, city, phone,
    email); unknown keys are ignored. Sex "U" (unknown) counts as missing.
    """
    out = {}
    for keys, names, derive in _PARTS:
        out.update(zip(names, derive(*(record.get(k) for k in keys)), strict=True))
    return {name: out[name] or None for name in FIELDS}


def linkage_table(records: list[dict]) -> dict[str, list[str | None]]:
    """``linkage_fields`` of many records, column by column (field -> values).

    Names, streets, cities and dates repeat heavily, so each distinct input is normalised
    once: a million records take seconds instead of half a minute.
    """
    columns: dict[str, list[str | None]] = {}
    for keys, names, derive in _PARTS:
        if len(keys) == 1:
            values = [r.get(keys[0]) for r in records]
        else:
            values = list(zip(*([r.get(k) for r in records] for k in keys), strict=True))
        index: dict = {}
        codes = [index.setdefault(v, len(index)) for v in values]
        derived = [derive(*v) if len(keys) > 1 else derive(v) for v in index]
        pick = itemgetter(*codes, 0)  # one more index keeps the result a tuple
        for position, name in enumerate(names):
            table = [parts[position] or None for parts in derived] or [None]
            columns[name] = list(pick(table)[:-1])
    return {name: columns[name] for name in FIELDS}
