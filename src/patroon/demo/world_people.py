"""Persons of the demo world and how an organisation writes them down (identity noise).

A ``Person`` holds the true identity: register spelling of the names, date of birth, BSN,
addresses and phone numbers over time. ``render`` produces the person as one organisation
records them in one signal: fields missing at the rates of the organisation's profile, a stable
per-organisation spelling (variant spelling, call name, particle notation, double surname) and
per-mention keying errors. Rates are in ``world_params`` and documented in docs/demo-world.md.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import date

from patroon.demo import world_params as P
from patroon.demo.names import initials, particle_variant, typo

# 7-digit BSN prefixes come from an affine bijection on [0, 9,000,000): unique per person.
_BSN_MULTIPLIER = 4_567_891  # coprime with 9,000,000
_BSN_SPACE = 9_000_000


def make_bsn(number: int, salt: int) -> str:
    """A BSN that passes the eleven-test, unique for distinct ``number`` < 9,000,000."""
    if not 0 <= number < _BSN_SPACE:
        raise ValueError("demo world: too many persons for unique BSNs (max 9,000,000)")
    prefix = 1_000_000 + (number * _BSN_MULTIPLIER + salt) % _BSN_SPACE
    partial, rest = 0, prefix
    for weight in (3, 4, 5, 6, 7, 8, 9):  # digits 7..1 of the prefix
        rest, digit = divmod(rest, 10)
        partial += digit * weight
    for step in range(10):
        eighth = (number + step) % 10
        check = (partial + 2 * eighth) % 11
        if check < 10:
            return f"{prefix}{eighth}{check}"
    raise AssertionError("unreachable: 2*d mod 11 takes ten distinct values")  # pragma: no cover


def ascii_slug(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii() and c.isalnum()).lower()


class Person:
    """The true identity of one fictional person."""

    __slots__ = (
        "num",
        "pid",
        "sex",
        "dob_ordinal",
        "dob_iso",
        "born_minute",
        "given",
        "given_variants",
        "prefix",
        "surname",
        "surname_variants",
        "double_surname",
        "bsn",
        "phones",
        "email",
        "addresses",
        "forms",
    )

    def __init__(self, num: int, sex: str, dob_ordinal: int, dob_iso: str) -> None:
        self.num = num
        self.pid = f"P{num:07d}"
        self.sex = sex
        self.dob_ordinal = dob_ordinal
        self.dob_iso = dob_iso
        self.born_minute: int | None = None
        self.given: tuple[str, ...] = ()
        self.given_variants: tuple[str, ...] = ()
        self.prefix: str | None = None
        self.surname = ""
        self.surname_variants: tuple[tuple[str | None, str], ...] = ()
        self.double_surname: str | None = None
        self.bsn: str | None = None
        self.phones: list[tuple[int, str]] = []
        self.email: str | None = None
        self.addresses: list[tuple[int, tuple | None]] = []
        # organisation index -> [spelling, address index, phone index, role, record]
        self.forms: dict[int, list] = {}

    @property
    def full_surname(self) -> str:
        return f"{self.prefix} {self.surname}" if self.prefix else self.surname

    def address_index(self, minute: int) -> int:
        addresses = self.addresses
        index = len(addresses) - 1
        while index > 0 and addresses[index][0] > minute:
            index -= 1
        return index

    def phone_index(self, minute: int) -> int:
        phones = self.phones
        index = len(phones) - 1
        while index > 0 and phones[index][0] > minute:
            index -= 1
        return index


def _form(person: Person, justice: bool, rng: random.Random) -> tuple:
    """How one organisation spells this person, kept for all its later signals."""
    rnd = rng.random
    given_all = " ".join(person.given)
    if justice:
        given = given_all if rnd() < P.ALL_GIVEN_NAMES_JUSTICE else person.given[0]
        if person.given_variants and rnd() < P.VARIANT_GIVEN_JUSTICE:
            given = person.given_variants[int(rnd() * len(person.given_variants))]
    else:
        x = rnd()
        if person.given_variants and x < P.VARIANT_GIVEN_OTHER:
            given = person.given_variants[int(rnd() * len(person.given_variants))]
        elif x > 1 - P.ALL_GIVEN_NAMES_OTHER:
            given = given_all
        elif x > 1 - P.ALL_GIVEN_NAMES_OTHER - P.INITIALS_OTHER:
            given = initials(given_all)
        else:
            given = person.given[0]
    prefix, surname = person.prefix, person.surname
    variant_rate = P.VARIANT_SURNAME_JUSTICE if justice else P.VARIANT_SURNAME_OTHER
    if person.surname_variants and rnd() < variant_rate:
        prefix, surname = person.surname_variants[int(rnd() * len(person.surname_variants))]
    if person.double_surname and not justice and rnd() < P.DOUBLE_SURNAME_OTHER:
        prefix, surname = None, person.double_surname
    particle_rate = P.PARTICLE_NOISE_JUSTICE if justice else P.PARTICLE_NOISE_OTHER
    if prefix and rnd() < particle_rate:
        prefix, surname = particle_variant(prefix, surname, rng)
    return given, prefix, surname


def _phone_variant(phone: str, x: float) -> str:
    if x < 0.6:
        return phone
    if x < 0.75:
        return f"{phone[:2]}-{phone[2:]}"
    if x < 0.9:
        return f"+31 6 {phone[2:]}"
    return f"{phone[:2]} {phone[2:6]} {phone[6:]}"


def _record(
    person: Person,
    role: str,
    org,
    form: tuple,
    address_index: int,
    phone_index: int,
    rng: random.Random,
    report_ordinal: int,
) -> dict:
    """The person as ``org`` has them on file: which fields it knows, and how it wrote them."""
    rnd = rng.random
    rates = org.rates[role]
    out: dict = {"role": role}
    if person.bsn is not None and rnd() < rates[0]:
        out["bsn"] = person.bsn
    given, prefix, surname = form
    if rnd() < rates[6]:
        out["given_names"] = given
        if prefix:
            out["surname_prefix"] = prefix
        out["surname"] = surname
    else:
        out["given_names"] = given
    if rnd() < rates[1]:
        iso = person.dob_iso
        x = rnd()
        if x < P.DOB_SWAP_RATE:
            day, month = int(iso[8:10]), int(iso[5:7])
            if day <= 12 and day != month:
                swapped = date(int(iso[:4]), day, month)
                if swapped.toordinal() <= report_ordinal:  # never after the report
                    iso = swapped.isoformat()
        elif x < P.DOB_SWAP_RATE + P.DOB_YEAR_TYPO_RATE and iso[5:] != "02-29":
            year = int(iso[:4]) + (1 if rnd() < 0.5 else -1)
            if date(year, int(iso[5:7]), int(iso[8:10])).toordinal() <= report_ordinal:
                iso = f"{year}{iso[4:]}"
        out["date_of_birth"] = iso
    if rnd() < rates[5]:
        out["sex"] = person.sex
    if address_index >= 0 and rnd() < rates[2]:
        address = person.addresses[address_index][1]
        if address is not None:
            street, number, postcode, city = address
            x = rnd()
            if x < 0.2:
                postcode = f"{postcode[:4]} {postcode[4:]}"
            elif x < 0.25:
                postcode = postcode.lower()
            elif x < 0.25 + P.POSTCODE_TYPO_RATE:
                postcode = postcode[:4] + postcode[5] + postcode[4]
            if not number.isdigit() and rnd() < 0.4:
                digits = number.rstrip("ABCDEFGH")
                number = f"{digits} {number[len(digits) :]}" if rnd() < 0.5 else number.lower()
            out["postcode"] = postcode
            out["house_number"] = number
            if rnd() < 0.9:
                out["street"] = street
            if rnd() < 0.9:
                out["city"] = city
    if phone_index >= 0 and rnd() < rates[3]:
        out["phone"] = _phone_variant(person.phones[phone_index][1], rnd())
    if person.email and rnd() < rates[4]:
        out["email"] = person.email
    return out


_ADDRESS_FIELDS = ("postcode", "house_number", "street", "city")


def render(
    person: Person,
    role: str,
    org,
    minute: int,
    rng: random.Random,
    report_ordinal: int,
) -> dict:
    """The person as ``org`` writes them down in a signal made at ``minute`` (UTC minutes),
    on local day ``report_ordinal`` (a date ordinal).

    Most organisations keep a file: the fields they know and their spelling are drawn once per
    (person, organisation) and reused; the file is redrawn when the person moves or changes
    phone, and with ``OUTDATED_ADDRESS_RATE`` a non-justice organisation keeps the old
    address. The hotline and the expertise centre start afresh on every contact. Keying
    errors, swapped name fields and an unknown sex are drawn per mention.
    """
    rnd = rng.random
    address_index = person.address_index(minute) if person.addresses else -1
    phone_index = person.phone_index(minute) if person.phones else -1
    entry = person.forms.get(org.idx)
    if entry is None:
        entry = [_form(person, org.justice, rng), None, None, None, None]
        person.forms[org.idx] = entry
    if (
        org.fresh
        or entry[4] is None
        or entry[1] != address_index
        or entry[2] != phone_index
        or entry[3] != role
    ):
        record = _record(
            person, role, org, entry[0], address_index, phone_index, rng, report_ordinal
        )
        previous = entry[4]
        if (
            previous is not None
            and entry[1] != address_index
            and not org.justice
            and "postcode" in previous
            and rnd() < P.OUTDATED_ADDRESS_RATE
        ):
            for key in _ADDRESS_FIELDS:  # the organisation did not update its file
                if key in previous:
                    record[key] = previous[key]
                else:
                    record.pop(key, None)
        entry[1], entry[2], entry[3], entry[4] = address_index, phone_index, role, record
    out = entry[4].copy()
    x = rnd()
    typo_rate = org.typo_rate
    if x < typo_rate:
        if "surname" in out and rnd() < 0.6:
            out["surname"] = typo(out["surname"], rng)
        else:
            out["given_names"] = typo(out["given_names"], rng)
    elif x < typo_rate + P.SWAP_NAME_RATE:
        if "surname" in out:
            prefix = out.pop("surname_prefix", None)
            surname = out["surname"]
            out["surname"] = out["given_names"]
            out["given_names"] = f"{prefix} {surname}" if prefix else surname
    elif x < typo_rate + P.SWAP_NAME_RATE + P.SEX_UNKNOWN_RATE and "sex" in out:
        out["sex"] = "U"
    return out
