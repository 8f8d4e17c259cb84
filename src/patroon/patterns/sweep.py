"""The periodic sweep: every victim's timeline re-evaluated in one ordered pass.

Rules can become true with time alone (a follow-up that never came) or through context (a
case closed), so incremental evaluation at intake is not enough. The sweep streams the
timeline table ordered by victim — one query, not one per dyad — evaluates each victim as
its rows end, and writes alerts in batches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from patroon.patterns import context
from patroon.patterns.engine import evaluate
from patroon.patterns.models import TimelineEntry
from patroon.patterns.rulebook import rulebook
from patroon.patterns.services import (
    ENTRY_FIELDS,
    AlertWriter,
    entry_from_row,
    escalate_overdue,
)
from patroon.patterns.timeline import Context

STREAM_CHUNK = 20_000
WRITE_BATCH = 5_000


@dataclass(frozen=True)
class SweepResult:
    victims: int
    entries: int
    firings: int
    alerts_raised: int
    escalated: int
    seconds: float


def _stream():
    """Every timeline row ordered by victim, straight from the cursor.

    The ORM would build three UUID objects and parse a timestamp per row (most of the time of
    a sweep over a million rows); references stay in the driver's form (``ref_key`` compares
    them) and dates come as the driver's date and datetime objects.
    """
    table = connection.ops.quote_name(TimelineEntry._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(TimelineEntry._meta.get_field(name).column)
        for name in ENTRY_FIELDS
    )
    sql = f"SELECT {columns} FROM {table} ORDER BY victim_ref, occurred, reported_at, id"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while batch := cursor.fetchmany(STREAM_CHUNK):
            yield from batch


def sweep(
    now: datetime | None = None, progress: Callable[[int], None] | None = None
) -> SweepResult:
    started = timezone.now()
    now = now or started
    book = rulebook()
    as_of = timezone.localdate(now).toordinal()
    writer = AlertWriter(book, now)
    writer.load_state(None)
    open_cases = context.open_case_victims(None)
    rows = _stream()
    victims = entries_seen = firings_seen = raised = 0
    pending: list = []
    current, timeline = None, []

    def finish() -> None:
        nonlocal victims, firings_seen
        victims += 1
        ctx = Context(open_case=current in open_cases)
        for firing in evaluate(book, timeline, as_of, ctx):
            pending.append((current, firing, timeline))
            firings_seen += 1

    def flush() -> None:
        nonlocal raised, pending
        with transaction.atomic():
            raised += len(writer.write(pending))
        pending = []

    for row in rows:
        if row[0] != current:
            if current is not None:
                finish()
                if len(pending) >= WRITE_BATCH:
                    flush()
            current, timeline = row[0], []
        timeline.append(entry_from_row(row))
        entries_seen += 1
        if progress is not None and entries_seen % STREAM_CHUNK == 0:
            progress(entries_seen)
    if current is not None:
        finish()
    flush()
    escalated = escalate_overdue(now)
    seconds = (timezone.now() - started).total_seconds()
    return SweepResult(victims, entries_seen, firings_seen, raised, escalated, seconds)
