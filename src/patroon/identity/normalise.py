"""Normalisation of identifiers before they are compared or hashed. Pure Python.

Dutch names: particles ("van", "de", "van der", ...) are kept apart from the surname, accents
and punctuation are folded, so "Jansen-de Vries" and "jansen de vries" compare equal.
"""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")
_POSTCODE = re.compile(r"^\s*([1-9][0-9]{3})\s?([A-Za-z]{2})\s*$")


def fold(text: str | None) -> str:
    """Lower case, accents removed, punctuation as spaces, single spaces."""
    if not text:
        return ""
    if text.isascii():  # the common case; nothing to decompose
        ascii_text = text.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    ascii_text = ascii_text.replace("ij", "y")
    return _SPACES.sub(" ", _NON_ALNUM.sub(" ", ascii_text)).strip()


def first_given_name(given_names: str | None) -> str:
    folded = fold(given_names)
    return folded.split(" ")[0] if folded else ""


def surname_key(prefix: str | None, surname: str | None) -> str:
    return fold(f"{prefix or ''} {surname or ''}").replace(" ", "")


def postcode(value: str | None) -> str | None:
    if not value:
        return None
    match = _POSTCODE.match(value)
    return f"{match.group(1)}{match.group(2).upper()}" if match else None


def bsn_is_valid(value: str) -> bool:
    """The BSN eleven-test (elfproef): 9 digits, weights 9..2 and -1, sum divisible by 11."""
    if len(value) != 9 or not value.isdigit() or value == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(value[:8], range(9, 1, -1), strict=True))
    return (total - int(value[8])) % 11 == 0
