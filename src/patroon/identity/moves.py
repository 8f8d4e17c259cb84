"""Moving identity records between persons: the one way person clusters change.

A link, a merge accepted by the link reviewer, a split, a batch rebuild and an undo all move
records; nothing is deleted, every move is a ``PersonChange`` naming the records it moved,
so any change can be undone exactly. After a move, the hooks in
``PATROON_PERSONS_MOVED_HOOKS`` let the signals (and through them the timelines and alerts)
follow the new persons, and those in ``PATROON_PERSON_CHANGE_HOOKS`` hear of the change itself
(``Moved``): a person emptied by it lives on in the person that took its records, so whatever
else refers to it (a case, an assessment) follows, and goes back when the change is undone.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from patroon.db.ids import time_ordered_uuid
from patroon.identity.models import IdentityRecord, Person, PersonChange
from patroon.security.keys import cipher

REASON_PURPOSE = b"identity.change_reason"
CHUNK = 500


class MoveError(ValueError):
    """The change cannot be made (already undone, nothing to move, unknown person)."""


@dataclass(frozen=True)
class Moved:
    """A change as the rest of the system needs to know it: pseudonymous references only."""

    change: uuid.UUID
    from_person: uuid.UUID
    to_person: uuid.UUID
    # ``from_person`` has no records left: a reference to it now means ``to_person``.
    emptied: bool
    # The change this one reverses (an undo), if any.
    undoes: uuid.UUID | None = None


def move_records(
    record_ids: Sequence[uuid.UUID],
    from_person: uuid.UUID,
    to_person: uuid.UUID,
    *,
    kind: str,
    actor: str,
    reason: str,
    undoes: uuid.UUID | None = None,
) -> PersonChange:
    record_ids = list(record_ids)
    if not record_ids:
        raise MoveError("no records to move")
    now = timezone.now()
    if not Person.objects.filter(pk=to_person).exists():
        Person.objects.create(pk=to_person, created_at=now)
    for i in range(0, len(record_ids), CHUNK):
        IdentityRecord.objects.filter(pk__in=record_ids[i : i + CHUNK]).update(person=to_person)
    change = PersonChange.objects.create(
        id=time_ordered_uuid(),
        kind=kind,
        from_person=from_person,
        to_person=to_person,
        records=[str(r) for r in record_ids],
        actor=actor,
        reason=cipher().encrypt(reason, REASON_PURPOSE) if reason else None,
        created_at=now,
    )
    _announce(record_ids, to_person)
    emptied = not IdentityRecord.objects.filter(person=from_person).exists()
    moved = Moved(change.id, from_person, to_person, emptied, undoes)
    for hook in _change_hooks():
        hook(moved)
    return change


def merge_persons(
    absorbed: uuid.UUID, survivor: uuid.UUID, *, kind: str, actor: str, reason: str
) -> PersonChange:
    """Every record of ``absorbed`` joins ``survivor``; ``absorbed`` keeps existing, empty,
    so an undo can give its records back."""
    ids = list(IdentityRecord.objects.filter(person=absorbed).values_list("id", flat=True))
    return move_records(ids, absorbed, survivor, kind=kind, actor=actor, reason=reason)


def split_records(record_ids: Sequence[uuid.UUID], *, actor: str, reason: str) -> PersonChange:
    """The records leave their person for a new one (they were wrongly linked)."""
    persons = set(
        IdentityRecord.objects.filter(pk__in=list(record_ids)).values_list("person_id", flat=True)
    )
    if len(persons) != 1:
        raise MoveError("the records to split off must belong to one person")
    return move_records(
        record_ids, persons.pop(), uuid.uuid4(), kind="split", actor=actor, reason=reason
    )


def undo(change_id: uuid.UUID, *, actor: str, reason: str) -> PersonChange:
    change = PersonChange.objects.select_for_update().filter(pk=change_id).first()
    if change is None:
        raise MoveError("unknown change")
    if change.undone_by is not None:
        raise MoveError("this change was already undone")
    records = [uuid.UUID(r) for r in change.records]
    moved_on = IdentityRecord.objects.filter(pk__in=records).exclude(person=change.to_person)
    if moved_on.exists():
        raise MoveError("some records moved again since; undo the later change first")
    reverse = move_records(
        records,
        change.to_person,
        change.from_person,
        kind="undo",
        actor=actor,
        reason=reason,
        undoes=change.pk,
    )
    PersonChange.objects.filter(pk=change.pk).update(undone_by=reverse.pk)
    return reverse


def _announce(record_ids: list[uuid.UUID], person: uuid.UUID) -> None:
    mentions = []
    for i in range(0, len(record_ids), CHUNK):
        rows = IdentityRecord.objects.filter(pk__in=record_ids[i : i + CHUNK]).values_list(
            "organisation_code", "source_reference", "position"
        )
        mentions.extend((code, ref, position, person) for code, ref, position in rows)
    for hook in _hooks():
        hook(mentions)


@functools.cache
def _hooks() -> tuple:
    return tuple(import_string(path) for path in settings.PATROON_PERSONS_MOVED_HOOKS)


@functools.cache
def _change_hooks() -> tuple:
    return tuple(import_string(path) for path in settings.PATROON_PERSON_CHANGE_HOOKS)
