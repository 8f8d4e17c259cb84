"""Blocking keys: which record pairs are compared at all. Standard library only.

A pair is scored when the two records agree on at least one key. Every key combines fields
so that a block stays small, and the set of keys is chosen so that a true pair survives the
typical errors: a typo in one name (the other name plus date of birth or postcode still
agree), swapped given name and surname (the name key is order-free), swapped day and month
(the date key is order-free), a move (name plus date of birth), and a missing field. Date of
birth and year of birth come with an initial: alone they make blocks of hundreds of records
at national scale.

The same values serve three purposes: the batch linkage joins on them, the identity vault
indexes them (keyed-hashed) to find candidates for one new record, and the encoder emits them
as keyed tokens. One definition keeps the three in step.
"""

from __future__ import annotations

#: Blocking key names, in a fixed order.
KEYS = (
    "bk_name",
    "bk_dob_given",
    "bk_dob_surname",
    "bk_dob_initials",
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
#: Key -> the fields it joins; "dob_key", "surname_initial" and "initials" (both initials,
#: sorted, so that swapped names keep the key) are derived below.
_JOINED = {
    "bk_dob_given": ("dob_key", "given_initial"),
    "bk_dob_surname": ("dob_key", "surname_initial"),
    "bk_dob_initials": ("dob_key", "initials"),
    "bk_surname_postcode": ("surname", "postcode"),
    "bk_given_postcode": ("given_name", "postcode"),
    "bk_street_house": ("street", "house_number"),
    "bk_postcode_house": ("postcode", "house_number"),
    "bk_city_house": ("city", "house_number"),
    "bk_street_postcode": ("street", "postcode"),
    "bk_street_city": ("street", "city"),
    "bk_city_postcode": ("city", "postcode"),
    "bk_surname_year": ("surname", "dob_year", "given_initial"),
    "bk_given_year": ("given_name", "dob_year", "surname_initial"),
    "bk_phone": ("phone",),
    "bk_bsn": ("bsn",),
    "bk_email": ("email",),
}


def _join(*values: str | None) -> str | None:
    return "|".join(values) if all(values) else None


def _name_key(given: str | None, surname: str | None) -> str | None:
    """Given name and surname in sorted order, so that a swap of the two keeps the key."""
    return _join(*sorted((given, surname))) if given and surname else None


def _dob_key(dob: str | None) -> str | None:
    """Year plus day and month in sorted order, so that a swap of the two keeps the key."""
    if not dob:
        return None
    month, day = dob[5:7], dob[8:10]
    return f"{dob[:4]}|{min(month, day)}{max(month, day)}"


def blocking_values(fields: dict[str, str | None]) -> dict[str, str | None]:
    """The blocking key values of one record's linkage fields (None where a part is missing)."""
    surname = fields["surname"]
    parts = {
        **fields,
        "dob_key": _dob_key(fields["dob"]),
        "surname_initial": surname and surname[0],
    }
    parts["initials"] = _name_key(fields["given_initial"], parts["surname_initial"])
    out = {"bk_name": _name_key(fields["given_name"], surname)}
    out |= {key: _join(*(parts[f] for f in names)) for key, names in _JOINED.items()}
    return {key: out[key] for key in KEYS}


def blocking_table(columns: dict[str, list[str | None]]) -> dict[str, list[str | None]]:
    """``blocking_values`` of many records, column by column (see ``linkage_table``)."""
    dob_keys = {v: _dob_key(v) for v in set(columns["dob"])}
    parts = {
        **columns,
        "dob_key": [dob_keys[v] for v in columns["dob"]],
        "surname_initial": [s and s[0] for s in columns["surname"]],
    }
    parts["initials"] = list(map(_name_key, columns["given_initial"], parts["surname_initial"]))
    out = {"bk_name": list(map(_name_key, columns["given_name"], columns["surname"]))}
    for key, names in _JOINED.items():
        if len(names) == 1:
            out[key] = list(parts[names[0]])
        else:
            out[key] = list(map(_join, *(parts[f] for f in names)))
    return {key: out[key] for key in KEYS}
