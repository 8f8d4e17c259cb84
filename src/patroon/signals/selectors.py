"""Access-controlled reads of signals. Web and API call these; never a queryset in a view.

Baseline rule: an organisation sees the signals it recorded and those referred to it (a
helpline's report forwarded to Veilig Thuis with the reporter's consent). Narratives and
identities need their own capability; analysts get aggregates only.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from patroon.accounts.access import NotVisible, require
from patroon.accounts.actor import Actor
from patroon.accounts.permissions import Capability
from patroon.audit.services import record, record_many
from patroon.identity.selectors import identifiers_recorded_by_own_organisation
from patroon.signals.models import Referral, Signal, SignalBehaviour
from patroon.signals.store import decrypt_narrative

SMALL_CELL = 10


@dataclass(frozen=True)
class PersonView:
    person_ref: uuid.UUID
    role: str
    identifiers: dict


@dataclass(frozen=True)
class SignalView:
    signal: Signal
    behaviours: list[str]
    persons: list[PersonView]
    narrative: str | None


def _visible(actor: Actor) -> QuerySet[Signal]:
    require(actor, Capability.SIGNAL_READ)
    referred = Referral.objects.filter(to_organisation_id=actor.organisation_id)
    return Signal.objects.filter(
        Q(organisation_id=actor.organisation_id) | Q(pk__in=referred.values("signal_id"))
    )


def recent_signals(actor: Actor, limit: int = 25, offset: int = 0) -> list[Signal]:
    signals = list(
        _visible(actor)
        .select_related("organisation")
        .prefetch_related("behaviours", "persons")
        .order_by("-reported_at")[offset : offset + limit]
    )
    record_many(actor, "list", "signal", [str(s.id) for s in signals], "signal overview")
    return signals


def count_signals(actor: Actor) -> int:
    return _visible(actor).count()


def signal_detail(actor: Actor, signal_id: uuid.UUID, purpose: str = "signal detail") -> SignalView:
    signal = (
        _visible(actor)
        .select_related("organisation")
        .prefetch_related("behaviours", "persons")
        .filter(pk=signal_id)
        .first()
    )
    if signal is None:
        raise NotVisible(str(signal_id))
    record(actor, "read", "signal", str(signal.id), purpose)
    persons = list(signal.persons.all())
    identities = identifiers_recorded_by_own_organisation(
        actor, [p.person_ref for p in persons], purpose
    )
    narrative = decrypt_narrative(signal) if actor.can(Capability.NARRATIVE_READ) else None
    return SignalView(
        signal=signal,
        behaviours=[b.code for b in signal.behaviours.all()],
        persons=[
            PersonView(p.person_ref, p.role, identities.get(p.person_ref, {})) for p in persons
        ],
        narrative=narrative,
    )


def person_timeline(actor: Actor, person_ref: uuid.UUID) -> list[Signal]:
    """The signals on one person that the actor may see, oldest first."""
    require(actor, Capability.TIMELINE_READ)
    signals = list(
        _visible(actor)
        .filter(persons__person_ref=person_ref)
        .distinct()
        .select_related("organisation")
        .prefetch_related("behaviours", "persons")
        .order_by("occurred_start", "reported_at")
    )
    if not signals:
        raise NotVisible(str(person_ref))
    record(actor, "read", "person", str(person_ref), "person timeline")
    return signals


def behaviour_counts(actor: Actor) -> list[tuple[str, str]]:
    """National counts per behaviour for analysts; cells under 10 are shown as '<10'."""
    require(actor, Capability.AGGREGATES_READ)
    counts = Counter(dict(_count_by_code()))
    return [
        (code, str(n) if n >= SMALL_CELL else f"<{SMALL_CELL}") for code, n in counts.most_common()
    ]


def _count_by_code():
    return (
        SignalBehaviour.objects.values_list("code").annotate(n=Count("id")).values_list("code", "n")
    )


def referrals_received(actor: Actor, limit: int = 100) -> list[Referral]:
    """Referrals to the actor's organisation, those nobody has taken on first."""
    require(actor, Capability.SIGNAL_READ)
    referrals = list(
        Referral.objects.filter(to_organisation_id=actor.organisation_id)
        .select_related("from_organisation", "signal")
        .prefetch_related("signal__behaviours")
        .order_by(F("accepted_at").asc(nulls_first=True), "-referred_at", "id")[:limit]
    )
    record_many(actor, "list", "signal", [str(r.signal_id) for r in referrals], "referrals")
    return referrals


def referrals_sent(actor: Actor, signal_id: uuid.UUID | None) -> list[Referral]:
    """Where one of the actor's organisation's signals was referred, and whether it was
    taken on there: the sender sees that the referral arrived."""
    require(actor, Capability.SIGNAL_READ)
    if signal_id is None:
        return []
    return list(
        Referral.objects.filter(signal_id=signal_id, from_organisation_id=actor.organisation_id)
        .select_related("to_organisation")
        .order_by("referred_at", "id")
    )


def referral_counts(actor: Actor) -> tuple[int, int]:
    """(received, not yet taken on) for the navigation; counts only, so not audited."""
    if not actor.can(Capability.SIGNAL_READ) or actor.organisation_id is None:
        return 0, 0
    counts = Referral.objects.filter(to_organisation_id=actor.organisation_id).aggregate(
        received=Count("id"), waiting=Count("id", filter=Q(accepted_at__isnull=True))
    )
    return counts["received"], counts["waiting"]
