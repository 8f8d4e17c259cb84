"""Writes to the register: import a source file, enter or change a record, link a record to
a person in the vault. Each in one transaction, each audited; the classification is computed
again on every write, so the stored type can never drift from the stored facts.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from patroon.accounts.access import AccessDenied, NotVisible
from patroon.accounts.actor import Actor
from patroon.accounts.permissions import Capability
from patroon.audit.services import record, record_many
from patroon.registry import importers
from patroon.registry.classification import TRISTATE, classify
from patroon.registry.framework import framework
from patroon.registry.models import CRITERIA, Event, ImportBatch, Victim
from patroon.security.keys import cipher

RESTRICTED_PURPOSE = b"registry.restricted"
RESTRICTED_FIELDS = ("nationality", "migration_background")

EVENT_FIELDS = (
    "date",
    "year",
    "month",
    "country",
    "region",
    "municipality",
    "place_type",
    "method",
    "methods",
    "perpetrators",
)
TRI_FIELDS = (
    "disability",
    "pregnant",
    "cohabiting",
    "separated",
    *CRITERIA,
    "prior_police_report",
    "veilig_thuis_contact",
    "protection_order",
    "suspect_identified",
    "prosecuted",
    "convicted",
    "children_present",
)
VICTIM_FIELDS = (
    "victim_type",
    "attempted",
    "sex",
    "gender_identity",
    "age",
    "occupation",
    "perpetrator_sex",
    "perpetrator_age",
    "relationship",
    "perpetrator_suicide",
    "sentence_months",
    "children_orphaned",
    "sources",
    "verification",
    *TRI_FIELDS,
)


def require(actor: Actor, capability: Capability) -> None:
    """The register is national: a registrar's organisation does not limit what they see.
    A signed-in user still needs an organisation; the operator's CLI acts without one."""
    if not actor.can(capability):
        raise AccessDenied(capability.value)
    if actor.organisation_id is None and actor.channel != "cli":
        raise AccessDenied(capability.value)


def apply_classification(victim: Victim) -> Victim:
    found = classify(
        {f: getattr(victim, f) for f in ("sex", "gender_identity", "relationship")}
        | {c: getattr(victim, c) for c in CRITERIA}
    )
    victim.femicide_type = found.type
    victim.classification_rule = found.rule
    victim.classification_version = framework().version
    return victim


def _check(values: dict) -> None:
    codes = framework()
    for name in TRI_FIELDS:
        if name in values and values[name] not in TRISTATE:
            raise ValueError(f"{name}: must be yes, no or unknown")
    rel = values.get("relationship")
    if rel and rel not in codes.relationships:
        raise ValueError(f"relationship: unknown code {rel!r}")
    for name, listed in (("method", "methods"), ("place_type", "places")):
        if values.get(name) and values[name] not in codes.codes(listed):
            raise ValueError(f"{name}: unknown code {values[name]!r}")
    for code in (values.get("sources") or "").split():
        if code not in codes.codes("record_sources"):
            raise ValueError(f"sources: unknown code {code!r}")


def _precision(event: dict) -> str:
    if event.get("date"):
        return Event.Precision.DAY
    return Event.Precision.MONTH if event.get("month") else Event.Precision.UNKNOWN


def _new_event(data: dict, now, batch=None) -> Event:
    date = data.get("date")
    return Event(
        reference=data["reference"],
        batch=batch,
        date=date,
        year=data.get("year") or (date.year if date else None),
        month=data.get("month") or (date.month if date else None),
        date_precision=_precision(data),
        country=data.get("country", "NL"),
        region=data.get("region", ""),
        municipality=data.get("municipality", ""),
        place_type=data.get("place_type", "unknown"),
        method=data.get("method", "unknown"),
        methods=" ".join(data.get("methods") or ()),
        perpetrators=data.get("perpetrators", 1),
        created_at=now,
        updated_at=now,
    )


def _new_victim(event: Event, data: dict, now, by: str) -> Victim:
    fields = {k: data[k] for k in VICTIM_FIELDS if data.get(k) not in (None, "")}
    victim = Victim(
        reference=data["reference"],
        event=event,
        created_at=now,
        updated_at=now,
        created_by=by,
        **fields,
    )
    return apply_classification(victim)


@transaction.atomic
def import_file(actor: Actor, fmt: str, path: Path) -> ImportBatch:
    """Parse and store a source file. Importing the same file again replaces the earlier
    import of it (nothing duplicated); another file of the same format is refused when its
    references collide."""
    require(actor, Capability.REGISTRY_WRITE)
    parsed = importers.parse(fmt, Path(path))
    ImportBatch.objects.filter(format=fmt, sha256=parsed.sha256).delete()
    now = timezone.now()
    batch = ImportBatch.objects.create(
        format=fmt,
        file_name=Path(path).name[:200],
        sha256=parsed.sha256,
        mapping_version=parsed.mapping_version,
        imported_at=now,
        imported_by=actor.username,
        events=len(parsed.events),
        victims=parsed.victims,
        report=json.loads(json.dumps(parsed.report(), default=str)),
    )
    events = [_new_event(e, now, batch) for e in parsed.events]
    Event.objects.bulk_create(events, batch_size=500)
    victims = [
        _new_victim(event, v, now, actor.username)
        for event, data in zip(events, parsed.events, strict=True)
        for v in data["victims"]
    ]
    Victim.objects.bulk_create(victims, batch_size=500)
    record(
        actor,
        "create",
        "registry_import",
        str(batch.pk),
        f"{fmt}: {len(events)} events, {len(victims)} victims",
    )
    return batch


@transaction.atomic
def register(actor: Actor, event: dict, victims: list[dict]) -> Event:
    """Enter one event with its victims (a child killed with her mother is a linked victim)."""
    require(actor, Capability.REGISTRY_WRITE)
    if not victims:
        raise ValueError("an event needs at least one victim")
    _check(event)
    for v in victims:
        _check(v)
    now = timezone.now()
    stored = _new_event({"reference": event.get("reference") or _reference(event), **event}, now)
    stored.save()
    made = []
    for i, data in enumerate(victims, start=1):
        victim = _new_victim(
            stored,
            {"reference": data.get("reference") or f"{stored.reference}-{i}", **data},
            now,
            actor.username,
        )
        victim.save()
        _write_restricted(victim, data)
        made.append(victim)
    record_many(actor, "create", "registry_victim", [str(v.pk) for v in made], "register")
    return stored


def _reference(event: dict) -> str:
    year = event.get("year") or (event["date"].year if event.get("date") else "0000")
    return f"NL-{year}-{uuid.uuid4().hex[:8].upper()}"


def _write_restricted(victim: Victim, data: dict) -> None:
    restricted = {k: data[k] for k in RESTRICTED_FIELDS if data.get(k)}
    if restricted:
        victim.restricted = cipher().encrypt(json.dumps(restricted), RESTRICTED_PURPOSE)
        victim.save(update_fields=["restricted"])


def read_restricted(victim: Victim) -> dict:
    if not victim.restricted:
        return {}
    return json.loads(cipher().decrypt(bytes(victim.restricted), RESTRICTED_PURPOSE))


@transaction.atomic
def update_victim(actor: Actor, victim_id, changes: dict) -> Victim:
    """Change a record's facts; the classification follows."""
    require(actor, Capability.REGISTRY_WRITE)
    victim = Victim.objects.select_for_update().filter(pk=victim_id).first()
    if victim is None:
        raise NotVisible("register record")
    unknown = set(changes) - set(VICTIM_FIELDS) - set(RESTRICTED_FIELDS)
    if unknown:
        raise ValueError(f"not a register variable: {', '.join(sorted(unknown))}")
    _check(changes)
    for name, value in changes.items():
        if name in VICTIM_FIELDS:
            setattr(victim, name, value)
    apply_classification(victim)
    victim.updated_at = timezone.now()
    victim.save()
    if any(k in changes for k in RESTRICTED_FIELDS):
        merged = read_restricted(victim) | {
            k: changes[k] for k in RESTRICTED_FIELDS if k in changes
        }
        _write_restricted(victim, merged)
    record(actor, "update", "registry_victim", str(victim.pk), ", ".join(sorted(changes))[:200])
    return victim


@transaction.atomic
def link_person(actor: Actor, victim_id, person_ref: uuid.UUID | None) -> Victim:
    """Tie a register record to the victim's pseudonymous person in the vault (or untie it),
    so that who-knew-what can find her prior signals."""
    require(actor, Capability.REGISTRY_WRITE)
    victim = Victim.objects.select_for_update().filter(pk=victim_id).first()
    if victim is None:
        raise NotVisible("register record")
    victim.person_ref = person_ref
    victim.updated_at = timezone.now()
    victim.save(update_fields=["person_ref", "updated_at"])
    record(
        actor,
        "update",
        "registry_victim",
        str(victim.pk),
        "linked to a vault person" if person_ref else "unlinked from the vault",
    )
    return victim
