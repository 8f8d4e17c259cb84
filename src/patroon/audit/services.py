"""Writing and verifying the audit trail. Every service and selector that touches personal
data calls ``record`` (or ``record_many`` on bulk paths) inside its own transaction."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from django.db import connections, router, transaction
from django.utils import timezone

from patroon.audit import chain
from patroon.audit.context import current_request_id
from patroon.audit.models import AuditEntry, AuditHead
from patroon.db.bulk import insert_rows

# reidentify: a real identity shown to a professional; break_glass: the same without a case
# team, with a stated reason, flagged for the privacy officer's review.
ACTIONS = frozenset(
    {"create", "read", "list", "update", "delete", "export", "search", "reidentify", "break_glass"}
)


def _locked_head(connection) -> tuple[int, str]:
    """(last seq, last hash), the head row locked until the transaction ends. Plain SQL, as
    for the update in ``record_many``: every audited action passes here, and building the
    two ORM queries cost more CPU than running them (the victim-device worker audits each
    group commit: 13 % of its time went to this)."""
    table = connection.ops.quote_name(AuditHead._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_seq, last_hash FROM {table} WHERE id = 1{lock}")  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        AuditHead.objects.get_or_create(pk=1, defaults={"last_hash": chain.GENESIS_HASH})
        return _locked_head(connection)
    return row[0], row[1]


def _move_head(connection, seq: int, digest: str) -> None:
    table = connection.ops.quote_name(AuditHead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_seq = %s, last_hash = %s WHERE id = 1",  # noqa: S608
            [seq, digest],
        )


def record_many(
    actor, action: str, object_type: str, object_ids: Sequence[str], purpose: str = ""
) -> int:
    """Append one entry per object id, chained, in one statement batch."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if not object_ids:
        return 0
    at = timezone.now()
    request_id = current_request_id()
    alias = router.db_for_write(AuditHead)
    # No savepoint inside the caller's transaction: it would cost two round trips more, and
    # a failed audit entry must fail the caller's whole transaction anyway.
    with transaction.atomic(using=alias, savepoint=False):
        connection = connections[alias]
        seq, prev = _locked_head(connection)
        rows = []
        for object_id in object_ids:
            seq += 1
            entry = chain.Entry(
                seq=seq,
                at=at,
                actor=actor.username,
                actor_user_id=actor.user_id,
                organisation=actor.organisation_code or "",
                channel=actor.channel,
                action=action,
                object_type=object_type,
                object_id=str(object_id),
                purpose=purpose[:200],
                request_id=request_id,
            )
            digest = chain.entry_hash(prev, entry)
            rows.append((entry, prev, digest))
            prev = digest
        _insert(rows)
        _move_head(connection, seq, prev)
    return len(rows)


def record(actor, action: str, object_type: str, object_id: str, purpose: str = "") -> None:
    record_many(actor, action, object_type, [object_id], purpose)


def _insert(rows: list[tuple[chain.Entry, str, str]]) -> None:
    """One executemany (or COPY) for the batch of (entry, previous hash, own hash)."""
    insert_rows(
        AuditEntry,
        [*chain.FIELDS, "prev_hash", "entry_hash"],
        ([*(getattr(e, n) for n in chain.FIELDS), prev, own] for e, prev, own in rows),
    )


def _stored_entries(batch: int = 5000) -> Iterator[chain.Entry]:
    last = 0
    while True:
        page = list(AuditEntry.objects.filter(seq__gt=last).order_by("seq")[:batch].values())
        if not page:
            return
        for row in page:
            yield chain.Entry(**{k: row[k] for k in (*chain.FIELDS, "prev_hash", "entry_hash")})
        last = page[-1]["seq"]


def verify_chain() -> chain.Verdict:
    head = AuditHead.objects.filter(pk=1).first()
    return chain.verify(
        _stored_entries(),
        head.last_seq if head else None,
        head.last_hash if head else None,
    )


def entries_for(object_type: str, object_id: str) -> Iterable[AuditEntry]:
    return AuditEntry.objects.filter(object_type=object_type, object_id=object_id)
