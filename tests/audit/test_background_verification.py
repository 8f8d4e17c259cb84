"""The audit check runs as a django-tasks task (immediate backend in tests)."""

import pytest
from django.test import override_settings

from patroon.audit.models import AuditEntry
from patroon.audit.tasks import verify_audit_chain
from patroon.signals.services import record_signal
from tests import factories

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@override_settings(TASKS=IMMEDIATE)
def test_verification_task_reports_an_intact_chain(org):
    record_signal(factories.actor(["intake"], org), factories.payload("T-1"), "web")
    result = verify_audit_chain.enqueue()
    entries = AuditEntry.objects.count()
    assert entries >= 2
    assert result.return_value == {"intact": True, "checked": entries, "broken_seq": None}


def test_cli_queues_the_check_for_the_worker(org):
    from django_tasks_db.models import DBTaskResult
    from typer.testing import CliRunner

    from patroon.cli import app

    result = CliRunner().invoke(app, ["audit", "verify", "--background"])
    assert result.exit_code == 0, result.output
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "patroon.audit.tasks.verify_audit_chain"
    assert queued.status == "READY"
