"""Blocking keys: which record pairs are compared at all. Standard library only.

A pair is scored when the two records agree on at least one key. Every key combines fields
so that a block stays small, and the set of keys is chosen so that a true pair survives the
typical errors: a typo in one name (the other name plus date of birth or postcode still
agree), swapped given name and surname (the name key is order-free), swapped day and month
(the date key is order-free), a move (name plus date of birth), and a missing field.

The same values serve three purposes: the batch linkage joins on them, the identity vault
indexes them (keyed-hashed) to find candidates for one new record, and the encoder emits them
as keyed tokens. One definition keeps the three in step.
"""

from __future__ import annotations

#: Blocking key names, in a fixed order.
KEYS = (
    "bk_name",
    "bk_dob",
    "bk_surname_postcode",
    "bk_given_postcode",
    "bk_street_house",
    "bk_postcode_house",
    "bk_city_house",
    "bk_street_postcode",
    "bk_street_city",
    "bk_city_postcode",
    "bk_surname_year",
    "bk_given_year",
    "bk_phone",
    "bk_bsn",
    "bk_email",
)


def _join(*values: str | None) -> str | None:
    return "|".join(values) if all(values) else None


def blocking_values(fields: dict[str, str | None]) -> dict[str, str | None]:
    """The blocking key values of one record's linkage fields (None where a part is missing)."""
    given, surname = fields["given_name"], fields["surname"]
    dob = fields["dob"]
    year = fields["dob_year"]
    if dob:
        month, day = dob[5:7], dob[8:10]
        dob_key = f"{year}|{min(month, day)}{max(month, day)}"
    else:
        dob_key = None
    names = sorted((given, surname)) if given and surname else (None, None)
    return {
        "bk_name": _join(*names),
        "bk_dob": dob_key,
        "bk_surname_postcode": _join(surname, fields["postcode"]),
        "bk_given_postcode": _join(given, fields["postcode"]),
        "bk_street_house": _join(fields["street"], fields["house_number"]),
        "bk_postcode_house": _join(fields["postcode"], fields["house_number"]),
        "bk_city_house": _join(fields["city"], fields["house_number"]),
        "bk_street_postcode": _join(fields["street"], fields["postcode"]),
        "bk_street_city": _join(fields["street"], fields["city"]),
        "bk_city_postcode": _join(fields["city"], fields["postcode"]),
        "bk_surname_year": _join(surname, year),
        "bk_given_year": _join(given, year),
        "bk_phone": fields["phone"],
        "bk_bsn": fields["bsn"],
        "bk_email": fields["email"],
    }
