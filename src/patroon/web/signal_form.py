"""Turning the signal form's POST into the canonical signal dict, and errors back into
form field names. The form, the API and the import then share one validation."""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

PERSON_FIELDS = (
    "role",
    "given_names",
    "surname_prefix",
    "surname",
    "date_of_birth",
    "sex",
    "bsn",
    "postcode",
    "house_number",
    "street",
    "city",
    "phone",
    "email",
)
MAX_FORM_PERSONS = 20
_PATH = re.compile(r"^persons\[(\d+)\]\.(\w+)$")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def new_form_reference(now: datetime) -> str:
    """A reference minted when the form is shown, so a double submit stores one signal."""
    return f"WEB-{now:%Y%m%d}-{secrets.token_hex(5).upper()}"


def _local_datetime(value: str) -> str:
    if not value:
        return ""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=AMSTERDAM)
    return parsed.isoformat()


def person_count(post) -> int:
    try:
        count = int(post.get("person_count", 2))
    except ValueError:
        count = 2
    return max(1, min(count, MAX_FORM_PERSONS))


def payload_from_post(post) -> dict:
    persons = []
    for i in range(person_count(post)):
        person = {f: post.get(f"persons-{i}-{f}", "").strip() for f in PERSON_FIELDS}
        if any(v for k, v in person.items() if k != "role"):
            persons.append({k: v for k, v in person.items() if v})
    return {
        "source_reference": post.get("source_reference", ""),
        "reported_at": _local_datetime(post.get("reported_at", "")),
        "occurred": {
            "start": post.get("occurred_start") or None,
            "end": post.get("occurred_end") or None,
            "approximate": post.get("occurred_approximate") == "on",
        },
        "relationship": post.get("relationship", ""),
        "behaviours": post.getlist("behaviours"),
        "persons": persons,
        "narrative": post.get("narrative", ""),
        "confidentiality": post.get("confidentiality") or "normal",
    }


def form_field_name(path: str, kept_person_indexes: list[int]) -> str:
    """Map ``persons[1].bsn`` to the HTML name ``persons-3-bsn`` (blank rows are skipped)."""
    match = _PATH.match(path)
    if match:
        index = int(match.group(1))
        form_index = kept_person_indexes[index] if index < len(kept_person_indexes) else index
        return f"persons-{form_index}-{match.group(2)}"
    return {"occurred.start": "occurred_start", "occurred.end": "occurred_end"}.get(
        path, path.split("[")[0].replace(".", "_")
    )


def kept_person_indexes(post) -> list[int]:
    kept = []
    for i in range(person_count(post)):
        if any(post.get(f"persons-{i}-{f}", "").strip() for f in PERSON_FIELDS if f != "role"):
            kept.append(i)
    return kept
