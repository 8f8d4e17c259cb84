"""Access-controlled reads of the vault: an organisation sees the identifiers it recorded."""

from __future__ import annotations

import uuid

from patroon.accounts.actor import Actor
from patroon.accounts.permissions import Capability
from patroon.audit.services import record_many
from patroon.identity.models import IdentityRecord
from patroon.identity.resolution import decrypt_identifiers


def identifiers_recorded_by_own_organisation(
    actor: Actor, person_ids: list[uuid.UUID], purpose: str
) -> dict[uuid.UUID, dict]:
    """The latest identifiers the actor's organisation recorded per person; {} if not allowed."""
    if not actor.can(Capability.IDENTITY_READ) or not actor.organisation_code or not person_ids:
        return {}
    records = IdentityRecord.objects.filter(
        person_id__in=person_ids, organisation_code=actor.organisation_code
    ).order_by("person_id", "-created_at")
    latest: dict[uuid.UUID, IdentityRecord] = {}
    for rec in records:
        latest.setdefault(rec.person_id, rec)
    record_many(actor, "read", "identity_record", [str(r.id) for r in latest.values()], purpose)
    return {pid: decrypt_identifiers(rec) for pid, rec in latest.items()}
