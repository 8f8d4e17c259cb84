"""The audit trail records reads and writes, is append-only, and detects tampering."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from typer.testing import CliRunner

from patroon.audit import append_only, chain
from patroon.audit.models import AuditEntry
from patroon.audit.services import record, verify_chain
from patroon.cli import app
from patroon.signals.services import record_signal
from tests import factories

pytestmark = pytest.mark.django_db


def _some_entries(org, n=3):
    actor = factories.actor(["intake"], org)
    for i in range(n):
        record_signal(actor, factories.payload(f"AUD-{i}"), channel="web")
    return actor


def test_signal_creation_and_reads_are_audited(org):
    actor = _some_entries(org, 1)
    from patroon.signals import selectors

    signal = selectors.recent_signals(actor)[0]
    selectors.signal_detail(actor, signal.id)
    actions = list(
        AuditEntry.objects.filter(object_type="signal", object_id=str(signal.id)).values_list(
            "action", flat=True
        )
    )
    assert actions == ["create", "list", "read"]
    entry = AuditEntry.objects.filter(object_type="signal", action="read").get()
    assert entry.actor == actor.username and entry.organisation == org.code
    assert entry.purpose == "signal detail"


def test_verify_passes_on_an_untouched_trail(org):
    _some_entries(org)
    verdict = verify_chain()
    assert verdict.intact and verdict.checked == AuditEntry.objects.count() > 3
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 0 and "intact" in result.output


def test_database_refuses_update_and_delete(org):
    _some_entries(org, 1)
    append_only.install(connection)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(seq=1).update(actor="someone-else")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(seq=1).delete()


def test_verify_names_the_altered_entry(org):
    _some_entries(org)
    AuditEntry.objects.filter(seq=4).update(actor="somebody-else")
    verdict = verify_chain()
    assert not verdict.intact and verdict.broken_seq == 4
    assert verdict.reason == "content does not match its hash"
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert "BROKEN at entry 4" in result.output


def test_verify_detects_a_removed_entry_and_a_truncated_tail(org):
    _some_entries(org)
    last = AuditEntry.objects.order_by("-seq").first().seq
    AuditEntry.objects.filter(seq=last).delete()
    verdict = verify_chain()
    assert not verdict.intact and verdict.broken_seq == last
    AuditEntry.objects.filter(seq=2).delete()
    assert verify_chain().broken_seq == 3


def test_chain_core_detects_reordering():
    from datetime import UTC, datetime

    entries, prev = [], chain.GENESIS_HASH
    for seq in (1, 2, 3):
        entry = chain.Entry(
            seq,
            datetime(2026, 1, 1, tzinfo=UTC),
            "a",
            None,
            "o",
            "web",
            "read",
            "signal",
            str(seq),
            "",
            "",
        )
        digest = chain.entry_hash(prev, entry)
        entries.append(chain.Entry(**{**entry.__dict__, "prev_hash": prev, "entry_hash": digest}))
        prev = digest
    assert chain.verify(entries, 3, prev).intact
    swapped = [entries[0], entries[2], entries[1]]
    assert chain.verify(swapped, 3, prev).broken_seq == 3


def test_record_rejects_unknown_actions(org):
    with pytest.raises(ValueError):
        record(factories.actor(["intake"], org), "peek", "signal", "x")


def test_an_entry_inside_a_transaction_costs_no_savepoint(org):
    """The victim-device worker audits every group commit: a savepoint would add two round
    trips to each. A failed entry fails the caller's whole transaction instead."""
    actor = factories.actor(["intake"], org)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        record(actor, "create", "signal", "x")
    assert not [q["sql"] for q in queries if "SAVEPOINT" in q["sql"].upper()]
    assert AuditEntry.objects.filter(object_id="x").count() == 1
