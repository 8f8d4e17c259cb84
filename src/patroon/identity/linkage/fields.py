"""Linkage columns of one person: the identifiers dict of the vault, normalised for linking.

The normalisation itself lives in ``patroon_encode.fields`` so that the stand-alone encoder
at an organisation and the plaintext linkage in the vault derive identical values (a
difference would silently break every encoded link). This module is the vault's entry point.

Columns: ``given_name`` (first given name, particles skipped) and ``given_initial``;
``surname`` (core without Dutch particles), ``surname_full`` (particles glued on) and
``surname2`` (second part of a hyphenated double surname); ``dob`` (YYYY-MM-DD) with
``dob_swap`` (day and month swapped) and the partial keys ``dob_ym``, ``dob_md``, ``dob_yd``,
``dob_year``; ``postcode`` and ``postcode_area``; ``house_number`` and ``house_digits``;
``street``, ``city``, ``phone`` (national digits), ``bsn``, ``email``.
"""

from __future__ import annotations

from patroon_encode.fields import FIELDS, fold, given_name, linkage_fields, split_surname

__all__ = ["FIELDS", "fold", "given_name", "linkage_columns", "split_surname"]


def linkage_columns(identifiers: dict) -> dict[str, str | None]:
    """Normalised linkage columns (keys: ``FIELDS``) of a PersonInput identifiers dict.

    ``date_of_birth`` may be an ISO string or a ``datetime.date``.
    """
    dob = identifiers.get("date_of_birth")
    if dob is not None and not isinstance(dob, str):
        identifiers = {**identifiers, "date_of_birth": dob.isoformat()}
    return linkage_fields(identifiers)
