"""Validation of one incoming signal, shared by the web form, the API and the bulk import.

Pure Python: input is a plain dict in the canonical shape (see docs/intake.md), output is a
``SignalInput`` or a list of ``FieldError`` with a code, a field path and parameters. The
human message for each code lives in ``signals.messages`` so it is translated once and reads
the same in all three channels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from patroon.identity.normalise import bsn_is_valid, postcode
from patroon.vocabulary.loader import Vocabulary

CALENDAR_ZONE = ZoneInfo("Europe/Amsterdam")

SOURCE_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$")
PHONE = re.compile(r"^\+?[0-9 ()-]{6,20}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SEXES = ("F", "M", "X", "U")
MAX_PERSONS = 20
MAX_NARRATIVE = 20_000
MAX_NAME = 200
CLOCK_SKEW = timedelta(minutes=5)
EARLIEST = date(1900, 1, 1)
PERSON_TEXT_FIELDS = ("given_names", "surname_prefix", "surname", "street", "house_number", "city")
SIGNAL_FIELDS = frozenset(
    {
        "source_reference",
        "reported_at",
        "occurred",
        "relationship",
        "behaviours",
        "persons",
        "narrative",
        "confidentiality",
    }
)
IDENTIFIER_FIELDS = (
    "bsn",
    "date_of_birth",
    "sex",
    "postcode",
    "phone",
    "email",
    *PERSON_TEXT_FIELDS,
)
PERSON_FIELDS = frozenset({"role", *IDENTIFIER_FIELDS})


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PersonInput:
    role: str
    bsn: str | None = None
    given_names: str | None = None
    surname_prefix: str | None = None
    surname: str | None = None
    date_of_birth: date | None = None
    sex: str | None = None
    postcode: str | None = None
    house_number: str | None = None
    street: str | None = None
    city: str | None = None
    phone: str | None = None
    email: str | None = None

    def identifiers(self) -> dict:
        """The identifying part, as stored (encrypted) in the identity vault."""
        values = {k: v for k in IDENTIFIER_FIELDS if (v := getattr(self, k))}
        if self.date_of_birth:
            values["date_of_birth"] = self.date_of_birth.isoformat()
        return values


@dataclass(frozen=True)
class SignalInput:
    source_reference: str
    reported_at: datetime
    occurred_start: date
    occurred_end: date | None
    occurred_approximate: bool
    relationship: str
    behaviours: tuple[str, ...]
    persons: tuple[PersonInput, ...]
    narrative: str
    confidentiality: str


class _Collector:
    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, path: str, code: str, **params) -> None:
        self.errors.append(FieldError(path, code, params))


def _text(value, path: str, errors: _Collector, *, required: bool, max_length: int) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.add(path, "required")
        return None
    if not isinstance(value, str):
        errors.add(path, "not_text")
        return None
    value = value.strip()
    if len(value) > max_length:
        errors.add(path, "too_long", max=max_length)
        return None
    return value


def _date(value, path: str, errors: _Collector, *, required: bool, today: date) -> date | None:
    if value is None or value == "":
        if required:
            errors.add(path, "required")
        return None
    try:
        parsed = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        errors.add(path, "invalid_date")
        return None
    if parsed > today:
        errors.add(path, "in_future")
        return None
    if parsed < EARLIEST:
        errors.add(path, "too_early", earliest=EARLIEST.isoformat())
        return None
    return parsed


def _datetime(value, path: str, errors: _Collector, *, now: datetime) -> datetime | None:
    if value is None or value == "":
        errors.add(path, "required")
        return None
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        errors.add(path, "invalid_datetime")
        return None
    if parsed > now + CLOCK_SKEW:
        errors.add(path, "in_future")
        return None
    return parsed


def _code(value, path: str, allowed, errors: _Collector, *, required: bool = True) -> str | None:
    if value is None or value == "":
        if required:
            errors.add(path, "required")
        return None
    if not isinstance(value, str) or value not in allowed:
        errors.add(path, "unknown_code", value=str(value)[:60], allowed=", ".join(sorted(allowed)))
        return None
    return value


def _unknown_fields(raw: dict, known: frozenset, prefix: str, errors: _Collector) -> None:
    for key in sorted(set(raw) - known):
        errors.add(f"{prefix}{key}", "unknown_field")


def _person(raw, index: int, vocab: Vocabulary, errors: _Collector, today: date):
    path = f"persons[{index}]"
    if not isinstance(raw, dict):
        errors.add(path, "not_object")
        return None
    _unknown_fields(raw, PERSON_FIELDS, f"{path}.", errors)
    before = len(errors.errors)
    role = _code(raw.get("role"), f"{path}.role", vocab.active("roles"), errors)
    texts = {
        name: _text(value, f"{path}.{name}", errors, required=False, max_length=MAX_NAME)
        for name in PERSON_TEXT_FIELDS
        if (value := raw.get(name)) is not None
    }
    bsn = _text(raw.get("bsn"), f"{path}.bsn", errors, required=False, max_length=9)
    if bsn is not None and not bsn_is_valid(bsn):
        errors.add(f"{path}.bsn", "invalid_bsn")
    dob = _date(
        raw.get("date_of_birth"), f"{path}.date_of_birth", errors, required=False, today=today
    )
    sex = raw.get("sex") or None
    if sex is not None and sex not in SEXES:
        errors.add(f"{path}.sex", "unknown_code", value=str(sex)[:60], allowed=", ".join(SEXES))
    raw_postcode = _text(
        raw.get("postcode"), f"{path}.postcode", errors, required=False, max_length=10
    )
    normal_postcode = postcode(raw_postcode)
    if raw_postcode and normal_postcode is None:
        errors.add(f"{path}.postcode", "invalid_postcode")
    phone = _text(raw.get("phone"), f"{path}.phone", errors, required=False, max_length=20)
    if phone and not PHONE.match(phone):
        errors.add(f"{path}.phone", "invalid_phone")
    email = _text(raw.get("email"), f"{path}.email", errors, required=False, max_length=254)
    if email and not EMAIL.match(email):
        errors.add(f"{path}.email", "invalid_email")
    if len(errors.errors) > before:
        return None
    return PersonInput(
        role=role,
        bsn=bsn,
        date_of_birth=dob,
        sex=sex,
        postcode=normal_postcode,
        phone=phone,
        email=email,
        **texts,
    )


def validate(raw, vocab: Vocabulary, now: datetime) -> tuple[SignalInput | None, list[FieldError]]:
    """Check one signal. Every problem is reported, not just the first."""
    errors = _Collector()
    if not isinstance(raw, dict):
        return None, [FieldError("", "not_object")]
    # Signal dates are Dutch calendar dates: just after midnight in Amsterdam it is still
    # yesterday in UTC, and "today" must not be refused as the future.
    today = now.astimezone(CALENDAR_ZONE).date()
    _unknown_fields(raw, SIGNAL_FIELDS, "", errors)
    reference = _text(
        raw.get("source_reference"), "source_reference", errors, required=True, max_length=100
    )
    if reference is not None and not SOURCE_REFERENCE.match(reference):
        errors.add("source_reference", "invalid_reference")
    reported_at = _datetime(raw.get("reported_at"), "reported_at", errors, now=now)

    occurred = raw.get("occurred")
    start = end = None
    approximate = False
    if not isinstance(occurred, dict):
        errors.add("occurred", "required" if occurred is None else "not_object")
    else:
        start = _date(occurred.get("start"), "occurred.start", errors, required=True, today=today)
        end = _date(occurred.get("end"), "occurred.end", errors, required=False, today=today)
        approximate = occurred.get("approximate", False)
        if not isinstance(approximate, bool):
            errors.add("occurred.approximate", "not_boolean")
            approximate = False
        if start and end and end < start:
            errors.add("occurred.end", "end_before_start")
        # The sender's own offset decides the reporting day: 00:30 on 2 March is 2 March.
        if start and reported_at and start > reported_at.date():
            errors.add("occurred.start", "after_reported")

    relationship = _code(
        raw.get("relationship"), "relationship", vocab.active("relationships"), errors
    )
    confidentiality = _code(
        raw.get("confidentiality") or "normal",
        "confidentiality",
        vocab.active("confidentiality"),
        errors,
    )

    behaviours_raw = raw.get("behaviours")
    behaviours: list[str] = []
    if not isinstance(behaviours_raw, list) or not behaviours_raw:
        errors.add("behaviours", "at_least_one")
    else:
        allowed = vocab.active("behaviours")
        for i, code in enumerate(behaviours_raw):
            checked = _code(code, f"behaviours[{i}]", allowed, errors)
            if checked in behaviours:
                errors.add(f"behaviours[{i}]", "duplicate", value=checked)
            elif checked:
                behaviours.append(checked)

    persons_raw = raw.get("persons")
    persons: list[PersonInput] = []
    if not isinstance(persons_raw, list) or not persons_raw:
        errors.add("persons", "at_least_one")
    elif len(persons_raw) > MAX_PERSONS:
        errors.add("persons", "too_many", max=MAX_PERSONS)
    else:
        for i, person_raw in enumerate(persons_raw):
            person = _person(person_raw, i, vocab, errors, today)
            if person:
                persons.append(person)
        if len(persons) == len(persons_raw) and not any(p.role == "victim" for p in persons):
            errors.add("persons", "no_victim")

    narrative = _text(
        raw.get("narrative"), "narrative", errors, required=False, max_length=MAX_NARRATIVE
    )

    if errors.errors:
        return None, errors.errors
    return (
        SignalInput(
            source_reference=reference,
            reported_at=reported_at.astimezone(UTC),
            occurred_start=start,
            occurred_end=end,
            occurred_approximate=approximate,
            relationship=relationship,
            behaviours=tuple(behaviours),
            persons=tuple(persons),
            narrative=narrative or "",
            confidentiality=confidentiality,
        ),
        [],
    )
