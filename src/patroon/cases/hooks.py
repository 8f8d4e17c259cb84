"""Intake hook: a new signal about a victim with an open case is news for its team, and a
signal showing a breach of one of the case's active measures raises an alert on the case."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import F
from django.utils import timezone

from patroon.accounts.actor import SYSTEM
from patroon.cases import notify, policy
from patroon.cases.membership import OPEN_STATUSES
from patroon.cases.models import Breach, Case, CaseEvent, Measure

VICTIM = "victim"


def signals_stored(stored: Sequence) -> None:
    victims = {ref for s in stored for ref, role in s.persons if role == VICTIM}
    if not victims:
        return
    cases = {
        c.victim_ref: c
        for c in Case.objects.filter(
            victim_ref__in=victims, status__in=OPEN_STATUSES
        ).select_related("director")
    }
    if not cases:
        return
    now = timezone.now()
    kinds = policy.measures().kinds
    for s in stored:
        for ref, role in s.persons:
            case = cases.get(ref) if role == VICTIM else None
            if case is None:
                continue
            CaseEvent.objects.create(
                case=case,
                kind="new_signal",
                at=now,
                by=SYSTEM.username,
                detail={
                    "signal": str(s.signal_id),
                    "occurred": s.occurred.isoformat(),
                    "organisation": str(s.organisation_id),
                },
            )
            Case.objects.filter(pk=case.pk).update(unseen_signals=F("unseen_signals") + 1)
            if case.director is not None:
                notify.send(case.director, notify.NEW_SIGNAL, case, key=str(s.signal_id))
            _breaches(case, s, kinds, now)


def _breaches(case: Case, s, kinds, now) -> None:
    behaviours = set(s.behaviours)
    active = Measure.objects.filter(
        case=case, status=Measure.Status.ACTIVE, starts_on__lte=s.occurred
    )
    for measure in active:
        if measure.ends_on is not None and measure.ends_on < s.occurred:
            continue
        hit = kinds[measure.kind].breach & behaviours if measure.kind in kinds else set()
        if not hit:
            continue
        breach, created = Breach.objects.get_or_create(
            measure=measure,
            signal_id=s.signal_id,
            defaults={
                "case": case,
                "behaviour": sorted(hit)[0],
                "occurred": s.occurred,
                "organisation_id": s.organisation_id,
                "raised_at": now,
            },
        )
        if created:
            for member in case.members.filter(removed_at__isnull=True).select_related("user"):
                notify.send(member.user, notify.BREACH, case, key=f"{breach.pk}")


def refs_followed(followed: Sequence) -> None:
    """The case's victim or alleged perpetrator was merged with another person in the vault
    (or the merge was undone): the case follows, and its history says so. When the victim
    now has a second open case, both say so too: their directors decide which one goes on."""
    now = timezone.now()
    for item in followed:
        if not item.field.startswith("cases.Case."):
            continue
        role = item.field.rsplit(".", 1)[1].removesuffix("_ref")
        kind = notify.PERSON_MERGE_UNDONE if item.undone else notify.PERSON_MERGED
        for case in Case.objects.filter(pk__in=item.object_ids).select_related("director"):
            CaseEvent.objects.create(
                case=case,
                kind=kind,
                at=now,
                by=SYSTEM.username,
                detail={"role": role, "change": str(item.change)},
            )
            if case.status not in OPEN_STATUSES:
                continue
            if case.director is not None:
                notify.send(case.director, kind, case, key=f"{item.change}:{role}")
            if role == VICTIM:
                _also_open(case, item.to_person, now)


def _also_open(case: Case, victim_ref, now) -> None:
    others = (
        Case.objects.filter(victim_ref=victim_ref, status__in=OPEN_STATUSES)
        .exclude(pk=case.pk)
        .select_related("director")
    )
    for other in others:
        for one, two in ((case, other), (other, case)):
            CaseEvent.objects.create(
                case=one,
                kind=notify.VICTIM_IN_OTHER_CASE,
                at=now,
                by=SYSTEM.username,
                detail={"case": two.number},
            )
            if one.director is not None:
                notify.send(one.director, notify.VICTIM_IN_OTHER_CASE, one, key=two.number)
