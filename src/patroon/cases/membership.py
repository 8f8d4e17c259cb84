"""Who is on which case team, for other apps' access decisions (the bundled timeline).

Membership is per person, not per organisation, and counts only while it lasts: the moment a
member is removed, or the case is closed, these answers change.
"""

from __future__ import annotations

import uuid

from patroon.accounts.actor import Actor
from patroon.cases.models import Case, TeamMember

OPEN_STATUSES = (Case.Status.OPEN, Case.Status.ACTIVE, Case.Status.AFTERCARE)


def active_memberships(actor: Actor):
    if actor.user_id is None:
        return TeamMember.objects.none()
    return TeamMember.objects.filter(
        user_id=actor.user_id, removed_at__isnull=True, case__status__in=OPEN_STATUSES
    )


def on_team_for_victim(actor: Actor, victim_ref: uuid.UUID) -> bool:
    """Whether the actor is, right now, on the team of an open case about this victim."""
    return active_memberships(actor).filter(case__victim_ref=victim_ref).exists()


def open_case_victims(victims: list[uuid.UUID] | None) -> set[uuid.UUID]:
    cases = Case.objects.filter(status__in=OPEN_STATUSES, victim_ref__isnull=False)
    if victims is not None:
        cases = cases.filter(victim_ref__in=victims)
    return set(cases.values_list("victim_ref", flat=True))
