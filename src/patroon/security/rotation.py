"""Key rotation without downtime: re-encrypt every registered column under the active key.

Rows are read in primary-key order, a page at a time, and each page's stale rows are
re-encrypted in their own short transaction, so intake and reads keep running. Rows already
under the active key are skipped: a run that stopped halfway is finished by running again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import router, transaction

from patroon.audit.services import record
from patroon.security import keyring_file
from patroon.security.crypto import KeyRingError, envelope_key_id
from patroon.security.keys import cipher, load_keyring
from patroon.security.registry import ENCRYPTED_COLUMNS, EncryptedColumn

Progress = Callable[[EncryptedColumn, int], None]


class KeyInUse(KeyRingError):
    def __init__(self, key_id: str, count: int):
        super().__init__(f"key {key_id!r} still encrypts {count} value(s)")
        self.count = count


@dataclass(frozen=True)
class RotationResult:
    active_key_id: str
    scanned: int
    reencrypted: int


def _stored(column: EncryptedColumn):
    """The column's non-null values, read from the database writes go to (the vault's own)."""
    model = column.model
    return model.objects.using(router.db_for_write(model)).exclude(**{column.field: None})


def column_size(column: EncryptedColumn) -> int:
    return _stored(column).count()


def _pages(column: EncryptedColumn, batch_size: int) -> Iterator[list[tuple[object, bytes]]]:
    """Keyset pagination in primary-key order: each page is one cheap, indexed query."""
    rows = _stored(column).order_by("pk")
    last = None
    while True:
        page = rows.filter(pk__gt=last) if last is not None else rows
        batch = list(page.values_list("pk", column.field)[:batch_size])
        if not batch:
            return
        yield batch
        last = batch[-1][0]


def key_usage(on_progress: Progress | None = None) -> dict[str, Counter[str]]:
    """Per key id, how many values each column holds under it."""
    usage: dict[str, Counter[str]] = {}
    for column in ENCRYPTED_COLUMNS:
        for batch in _pages(column, 2000):
            for _, value in batch:
                usage.setdefault(envelope_key_id(value), Counter())[str(column)] += 1
            if on_progress:
                on_progress(column, len(batch))
    return usage


def _reencrypt_page(column: EncryptedColumn, batch: list, active: str) -> int:
    stale = [pk for pk, value in batch if envelope_key_id(value) != active]
    if not stale:
        return 0
    model, field, purpose = column.model, column.field, column.purpose
    box = cipher()
    database = router.db_for_write(model)
    with transaction.atomic(using=database):
        locked = model.objects.using(database).select_for_update().filter(pk__in=stale)
        changed = []
        for obj in locked.only("pk", field):
            value = getattr(obj, field)
            if value is None or envelope_key_id(value) == active:
                continue  # rewritten by someone else since the page was read
            setattr(obj, field, box.encrypt(box.decrypt(value, purpose), purpose))
            changed.append(obj)
        model.objects.using(database).bulk_update(changed, [field])
    return len(changed)


def reencrypt(actor, batch_size: int = 500, on_progress: Progress | None = None) -> RotationResult:
    """Bring every registered column under the active key; audited, idempotent."""
    box = cipher()
    box.reload()  # another process may have rotated since this one started
    active = box.active_key_id
    scanned = reencrypted = 0
    for column in ENCRYPTED_COLUMNS:
        for batch in _pages(column, batch_size):
            reencrypted += _reencrypt_page(column, batch, active)
            scanned += len(batch)
            if on_progress:
                on_progress(column, len(batch))
    record(actor, "update", "encryption_key", active, f"re-encrypted {reencrypted} values")
    return RotationResult(active, scanned, reencrypted)


def add_key(actor) -> str:
    """Make a new key the active one; running processes pick it up when they reload."""
    previous = cipher().active_key_id
    key_id = keyring_file.add_active_key(_ring_path())
    cipher().reload()
    record(actor, "create", "encryption_key", key_id, f"rotation: replaces {previous} as active")
    return key_id


def retire(actor, key_id: str) -> None:
    """Remove ``key_id`` from the ring, only when no registered column uses it any more."""
    ring = load_keyring()
    if key_id == ring.active_id:
        raise KeyRingError(f"key {key_id!r} is the active key; rotate first")
    if key_id not in ring.keys:
        raise KeyRingError(f"key {key_id!r} is not in the key ring")
    count = sum(key_usage().get(key_id, Counter()).values())
    if count:
        raise KeyInUse(key_id, count)
    keyring_file.remove_key(_ring_path(), key_id)
    cipher().reload()
    record(actor, "delete", "encryption_key", key_id, "retired: no value is encrypted with it")


def _ring_path() -> Path:
    return Path(settings.PATROON_KEYRING_FILE)
