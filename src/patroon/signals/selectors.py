"""Access-controlled reads of signals. Web and API call these; never a queryset in a view.

Baseline rule (until case teams land): an organisation sees the signals it recorded.
Narratives and identities need their own capability; analysts get aggregates only.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from patroon.accounts.access import NotVisible, require
from patroon.accounts.actor import Actor
from patroon.accounts.permissions import Capability
from patroon.audit.services import record, record_many
from patroon.identity.selectors import identifiers_recorded_by_own_organisation
from patroon.signals.models import Signal, SignalBehaviour
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
    return Signal.objects.filter(organisation_id=actor.organisation_id)


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
