"""Which keyed hashes identify a person record (exact-match resolution). Pure Python."""

from __future__ import annotations

from patroon.identity.normalise import first_given_name, surname_key


def match_values(identifiers: dict) -> list[tuple[str, str]]:
    """(kind, normalised value) pairs, strongest first: BSN, then name + date of birth."""
    values = []
    if identifiers.get("bsn"):
        values.append(("bsn", identifiers["bsn"]))
    given = first_given_name(identifiers.get("given_names"))
    surname = surname_key(identifiers.get("surname_prefix"), identifiers.get("surname"))
    dob = identifiers.get("date_of_birth")
    if given and surname and dob:
        values.append(("name_dob", f"{given}|{surname}|{dob}"))
    return values
