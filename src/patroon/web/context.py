"""Template context for the navigation: what the signed-in user's roles allow."""

from __future__ import annotations

from django.db import DatabaseError

from patroon.accounts.actor import actor_for_user
from patroon.accounts.permissions import Capability


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    try:
        if user is None or not user.is_authenticated:
            return {}
        actor = actor_for_user(user)
        referrals, waiting = _referrals(actor)
        return {
            "nav_can_referrals": referrals > 0,
            "nav_referrals_waiting": waiting,
            "nav_can_record": actor.can(Capability.SIGNAL_CREATE),
            "nav_can_alerts": actor.can(Capability.ALERT_READ),
            "nav_can_cases": actor.can(Capability.CASE_READ),
            "nav_unread": _unread(actor),
            "nav_can_review": actor.can(Capability.LINK_REVIEW),
            "nav_can_hotline": actor.can(Capability.HOTLINE_OPERATE),
            "nav_can_monitor": actor.can(Capability.PROXIMITY_MONITOR),
            "nav_can_risk": actor.can(Capability.RISK_ASSESS) or actor.can(Capability.RISK_APPROVE),
            "nav_can_registry": actor.can(Capability.REGISTRY_WRITE)
            or actor.can(Capability.AGGREGATES_READ),
        }
    except DatabaseError:
        return {}  # the error page must render even when the database is down


def _unread(actor) -> int:
    from patroon.cases.selectors import unread_count

    return unread_count(actor)


def _referrals(actor) -> tuple[int, int]:
    from patroon.signals.selectors import referral_counts

    return referral_counts(actor)
