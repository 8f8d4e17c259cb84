"""Identifiers shown with as little as a decision needs. Pure Python.

The link reviewer compares two records field by field. Initials, the length of a name, the
birth year and whether day and month agree, the postcode's digits and the last digits of a
BSN or phone number are usually enough to judge a pair; the full identity is not shown.
"""

from __future__ import annotations

FIELDS = ("name", "date_of_birth", "sex", "address", "phone", "bsn", "email")


def _word(word: str) -> str:
    return word[0].upper() + "•" * (len(word) - 1) if word else ""


def name(identifiers: dict) -> str:
    given = " ".join(_word(w) for w in (identifiers.get("given_names") or "").split())
    prefix = identifiers.get("surname_prefix") or ""
    surname = "-".join(_word(p) for p in (identifiers.get("surname") or "").split("-"))
    return " ".join(part for part in (given, prefix, surname) if part) or "–"


def date_of_birth(identifiers: dict) -> str:
    value = identifiers.get("date_of_birth") or ""
    return f"{value[:4]}-••-••" if len(value) >= 10 else "–"


def address(identifiers: dict) -> str:
    postcode = (identifiers.get("postcode") or "").replace(" ", "")
    house = identifiers.get("house_number") or ""
    parts = [postcode[:4] + "••" if postcode else "", "nr. " + "•" * len(house) if house else ""]
    return " ".join(p for p in parts if p) or "–"


def _tail(value: str | None, keep: int) -> str:
    return "•" * (len(value) - keep) + value[-keep:] if value else "–"


def masked(identifiers: dict) -> dict[str, str]:
    email = identifiers.get("email") or ""
    return {
        "name": name(identifiers),
        "date_of_birth": date_of_birth(identifiers),
        "sex": identifiers.get("sex") or "–",
        "address": address(identifiers),
        "phone": _tail(identifiers.get("phone"), 2),
        "bsn": _tail(identifiers.get("bsn"), 3),
        "email": "•••@" + email.split("@")[-1] if "@" in email else "–",
    }


def same_day_and_month(left: dict, right: dict) -> bool | None:
    """Whether two birth dates agree beyond the year (shown instead of the dates)."""
    a, b = left.get("date_of_birth") or "", right.get("date_of_birth") or ""
    return a[5:] == b[5:] if len(a) >= 10 and len(b) >= 10 else None
