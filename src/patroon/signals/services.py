"""Writes for signals: one signal from the form or API, or a file from the bulk import."""

from __future__ import annotations

from patroon.accounts.access import AccessDenied, require
from patroon.accounts.actor import Actor
from patroon.accounts.models import Organisation
from patroon.accounts.permissions import Capability
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
