"""Person references outside the vault follow a merge, and go back when it is undone.

The vault merges two persons by moving every record of one into the other; the emptied person
keeps existing so that the merge can be undone. A case, an assessment or a registration that
named the emptied person would otherwise go blind: its team would no longer see the victim's
timeline, which now lives under the other reference, nor be let in to it. So when a change
empties a person, each reference in ``PATROON_PERSON_REF_FIELDS`` that named it now names the
person that took its records, and a ``RefFollow`` row says so; undoing that change puts back
exactly those references. Splits leave references where they are: the person still exists.
Every change is audited, and ``PATROON_REFS_FOLLOWED_HOOKS`` tell the owners (a case's team).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from patroon.accounts.actor import SYSTEM
from patroon.audit.services import record_many
from patroon.signals.models import RefFollow


@dataclass(frozen=True)
class Followed:
    """References of one field that moved from one person to another for one change."""

    field: str  # app.Model.field
    object_ids: tuple[str, ...]
    from_person: uuid.UUID
    to_person: uuid.UUID
    change: uuid.UUID
    undone: bool  # True: put back because the change was undone


def person_changed(moved) -> None:
    """Hook for ``identity.moves`` (``moved`` is an ``identity.moves.Moved``)."""
    if moved.undoes is not None:
        _put_back(moved.undoes)
    if moved.emptied:  # an undone split empties the person it had made
        _follow(moved.change, moved.from_person, moved.to_person)


def _follow(change: uuid.UUID, old: uuid.UUID, new: uuid.UUID) -> None:
    now = timezone.now()
    followed = []
    for label, model, field in _fields():
        ids = [str(pk) for pk in model.objects.filter(**{field: old}).values_list("pk", flat=True)]
        if not ids:
            continue
        model.objects.filter(pk__in=ids).update(**{field: new})
        RefFollow.objects.bulk_create(
            RefFollow(
                change=change,
                field=label,
                object_id=pk,
                from_person=old,
                to_person=new,
                followed_at=now,
            )
            for pk in ids
        )
        followed.append(Followed(label, tuple(ids), old, new, change, undone=False))
    _tell(followed)


def _put_back(change: uuid.UUID) -> None:
    now = timezone.now()
    rows = list(RefFollow.objects.filter(change=change, reverted_at__isnull=True))
    followed = []
    models = {label: (model, field) for label, model, field in _fields()}
    for label in sorted({row.field for row in rows}):
        mine = [row for row in rows if row.field == label]
        model, field = models.get(label, (None, None))
        if model is None:  # the field is no longer configured: nothing to put back
            continue
        back = []
        for row in mine:
            # Only a reference that still names the person it followed to goes back; one
            # that someone changed since (a case re-pointed by hand) stays as it is.
            if model.objects.filter(pk=row.object_id, **{field: row.to_person}).update(
                **{field: row.from_person}
            ):
                back.append(row.object_id)
        RefFollow.objects.filter(pk__in=[row.pk for row in mine]).update(reverted_at=now)
        if back:
            first = mine[0]
            followed.append(
                Followed(label, tuple(back), first.to_person, first.from_person, change, True)
            )
    _tell(followed)


def _tell(followed: Sequence[Followed]) -> None:
    for item in followed:
        verb = "put back after an undone merge" if item.undone else "followed a merge"
        record_many(
            SYSTEM,
            "update",
            item.field,
            list(item.object_ids),
            f"person reference {verb} ({item.change})",
        )
    if followed:
        for hook in _followed_hooks():
            hook(list(followed))


@functools.cache
def _fields() -> tuple:
    found = []
    for label in settings.PATROON_PERSON_REF_FIELDS:
        app_label, model_name, field = label.split(".")
        found.append((label, apps.get_model(app_label, model_name), field))
    return tuple(found)


@functools.cache
def _followed_hooks() -> tuple:
    return tuple(import_string(path) for path in settings.PATROON_REFS_FOLLOWED_HOOKS)
