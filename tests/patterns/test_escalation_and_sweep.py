"""Deadlines, escalation and the periodic sweep, with a frozen clock."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from patroon.patterns.models import Alert, TimelineEntry
from patroon.patterns.sweep import sweep
from patroon.signals.services import record_signal
from tests import factories
from tests.patterns.conftest import signal

pytestmark = pytest.mark.django_db


def test_an_unacknowledged_red_alert_escalates_after_its_deadline(chain):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        record_signal(
            factories.actor(["intake"], chain["police"]),
            signal(2, ["non_fatal_strangulation"], "POL-1"),
            "web",
        )
        alert = Alert.objects.get(rule_id="non_fatal_strangulation")
        assert alert.acknowledge_by == start + timedelta(hours=4)
    supervisor = factories.verified_client(factories.user(["supervisor"], chain["vt"]))

    with time_machine.travel(start + timedelta(hours=3, minutes=59), tick=False):
        assert sweep().escalated == 0
    alert.refresh_from_db()
    assert alert.escalated_at is None

    with time_machine.travel(start + timedelta(hours=4, minutes=1), tick=False):
        assert sweep().escalated >= 1
    alert.refresh_from_db()
    assert alert.escalated_at is not None and alert.status == "new"
    assert "escalated" in alert.events.values_list("action", flat=True)
    page = supervisor.get("/alerts/?escalated=1&status=new").content.decode()
    assert f"/alerts/{alert.pk}/" in page


def test_an_acknowledged_alert_does_not_escalate(chain):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        record_signal(
            factories.actor(["intake"], chain["police"]),
            signal(2, ["threat_to_kill"], "POL-1"),
            "web",
        )
    from patroon.patterns.services import acknowledge

    alert = Alert.objects.get(rule_id="threat_to_kill")
    acknowledge(factories.actor(["professional"], chain["vt"]), alert.pk)
    with time_machine.travel(start + timedelta(days=2), tick=False):
        sweep()
    alert.refresh_from_db()
    assert alert.escalated_at is None


def test_only_a_supervisor_may_list_escalations(chain):
    client = factories.verified_client(factories.user(["professional"], chain["vt"]))
    assert client.get("/alerts/?escalated=1").status_code == 403


def test_the_sweep_finds_what_only_time_reveals_and_agrees_with_intake(chain):
    gp = factories.actor(["intake"], chain["gp"])
    record_signal(gp, signal(5, ["non_fatal_strangulation"], "GP-1"), "web")
    before = set(Alert.objects.values_list("rule_id", flat=True))
    assert "non_fatal_strangulation" in before
    assert "strangulation_without_follow_up" not in before

    result = sweep()
    assert result.alerts_raised == 0, "a sweep right after intake finds nothing new"
    assert result.entries == TimelineEntry.objects.count()

    with time_machine.travel(timezone.now() + timedelta(days=12), tick=False):
        result = sweep()
    assert set(Alert.objects.values_list("rule_id", flat=True)) == before | {
        "strangulation_without_follow_up"
    }
    assert result.alerts_raised == 1
