"""Writes for signals: one signal from the form or API, or a file from the bulk import."""

from __future__ import annotations

import functools
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from patroon.accounts.access import AccessDenied, NotVisible, require
from patroon.accounts.actor import Actor
from patroon.accounts.models import Organisation
from patroon.accounts.permissions import Capability
from patroon.audit.services import record
from patroon.signals.models import Referral, Signal, SignalPerson
from patroon.signals.store import BatchResult, RowOutcome, store_batch


def record_signal(actor: Actor, raw, channel: str) -> RowOutcome:
    """Store one signal for the actor's own organisation; the outcome carries any errors."""
    require(actor, Capability.SIGNAL_CREATE)
    organisation = Organisation.objects.get(pk=actor.organisation_id)
    return store_batch(actor, organisation, [raw], channel).rows[0]


def import_batch(
    actor: Actor,
    organisation: Organisation,
    raws: list,
    *,
    write: bool = True,
    channel: str = "import",
) -> BatchResult:
    """Store one batch of an import file for ``organisation``.

    The CLI acts for an organisation named on the command line, so an operator account
    without an organisation may import on its behalf; a user of one organisation may not
    import for another.
    """
    if actor.organisation_id is not None and actor.organisation_id != organisation.pk:
        raise AccessDenied("signal.create for another organisation")
    return store_batch(actor, organisation, raws, channel, write=write)


def refer(
    actor: Actor,
    signal_id: uuid.UUID,
    recipients: list[Organisation],
    reference: str,
    *,
    urgent: bool = False,
) -> list[Referral]:
    """Pass one of the actor's own organisation's signals on to ``recipients`` (the caller has
    the reporter's consent). Referring again to the same organisation changes nothing."""
    require(actor, Capability.SIGNAL_READ)
    signal = Signal.objects.filter(pk=signal_id, organisation_id=actor.organisation_id).first()
    if signal is None:
        raise NotVisible(str(signal_id))
    referrals = []
    with transaction.atomic():
        for organisation in recipients:
            referral, created = Referral.objects.get_or_create(
                signal=signal,
                to_organisation=organisation,
                defaults={
                    "from_organisation_id": actor.organisation_id,
                    "reference": reference,
                    "referred_at": timezone.now(),
                    "referred_by": actor.username,
                    "urgent": urgent,
                },
            )
            if created:
                record(
                    actor, "export", "signal", str(signal.pk), f"referred to {organisation.code}"
                )
            referrals.append(referral)
    return referrals


def accept_referral(actor: Actor, referral_id: int) -> Referral:
    """Someone at the receiving organisation takes the referral on; the first one counts."""
    require(actor, Capability.SIGNAL_READ)
    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update()
            .filter(pk=referral_id, to_organisation_id=actor.organisation_id)
            .first()
        )
        if referral is None:
            raise NotVisible(f"referral {referral_id}")
        if referral.accepted_at is None:
            referral.accepted_at = timezone.now()
            referral.accepted_by = actor.username
            referral.save(update_fields=["accepted_at", "accepted_by"])
            record(actor, "update", "signal", str(referral.signal_id), "referral taken on")
    return referral


def persons_moved(mentions: list[tuple[str, str, int, uuid.UUID]]) -> None:
    """The vault moved these mentions (organisation code, source reference, position) to
    another person: point the signals' person references there and let timelines follow."""
    by_signal: dict[tuple[str, str], list[tuple[int, uuid.UUID]]] = {}
    for code, reference, position, person in mentions:
        by_signal.setdefault((code, reference), []).append((position, person))
    changed = []
    for (code, reference), moves in by_signal.items():
        signal_id = (
            Signal.objects.filter(organisation__code=code, source_reference=reference)
            .values_list("id", flat=True)
            .first()
        )
        if signal_id is None:  # the signal is being written in this same transaction
            continue
        for position, person in moves:
            SignalPerson.objects.filter(signal_id=signal_id, position=position).update(
                person_ref=person
            )
        changed.append(signal_id)
    if changed:
        for hook in _changed_hooks():
            hook(changed)


@functools.cache
def _changed_hooks() -> tuple:
    return tuple(import_string(path) for path in settings.PATROON_SIGNAL_PERSONS_CHANGED_HOOKS)
