"""Access-controlled reads of the vault: an organisation sees the identifiers it recorded;
the link reviewer sees uncertain pairs masked."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from patroon.accounts.access import NotVisible, require
from patroon.accounts.actor import Actor
from patroon.accounts.permissions import Capability
from patroon.audit.services import record_many
from patroon.identity.masking import masked, same_day_and_month
from patroon.identity.models import IdentityRecord, ReviewItem
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


@dataclass(frozen=True)
class ReviewView:
    item: ReviewItem
    left: dict[str, str]
    right: dict[str, str]
    left_organisation: str
    right_organisation: str
    same_day_and_month: bool | None
    weights: list[tuple[str, float]]


def review_queue(actor: Actor, limit: int = 100) -> list[ReviewItem]:
    require(actor, Capability.LINK_REVIEW)
    items = list(
        ReviewItem.objects.filter(status=ReviewItem.Status.OPEN).order_by(
            "-match_probability", "created_at"
        )[:limit]
    )
    record_many(actor, "list", "review_item", [str(i.pk) for i in items], "link review queue")
    return items


def review_detail(actor: Actor, item_id) -> ReviewView:
    """The pair field by field, masked, with each field's match weight (the explanation)."""
    require(actor, Capability.LINK_REVIEW)
    item = ReviewItem.objects.select_related("record", "candidate").filter(pk=item_id).first()
    if item is None:
        raise NotVisible("review item")
    left, right = decrypt_identifiers(item.record), decrypt_identifiers(item.candidate)
    record_many(
        actor,
        "read",
        "identity_record",
        [str(item.record_id), str(item.candidate_id)],
        "link review (masked)",
    )
    return ReviewView(
        item,
        masked(left),
        masked(right),
        item.record.organisation_code,
        item.candidate.organisation_code,
        same_day_and_month(left, right),
        sorted(item.field_weights.items(), key=lambda kv: -abs(kv[1])),
    )
