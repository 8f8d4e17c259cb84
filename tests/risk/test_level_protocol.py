"""Completing an assessment turns its level into the protocol's tasks and a re-assessment
date; an overdue re-assessment is flagged (frozen clock)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from patroon.risk import services
from patroon.risk.models import Assessment, ProtocolTask
from patroon.risk.protocol import parse, protocol
from tests import factories
from tests.risk.helpers import assess

pytestmark = pytest.mark.django_db

DA_ITEMS_18 = [
    "escalation", "owns_gun", "left_after_living_together", "unemployed", "weapon_used",
    "threat_to_kill", "avoided_arrest", "child_not_his", "forced_sex", "strangulation", "drugs",
    "drinking", "controls_daily", "jealous", "beaten_while_pregnant", "his_suicide",
    "threat_children", "believes_he_could_kill",
]  # fmt: skip


def test_an_extreme_assessment_creates_tasks_and_a_reassessment_72_hours_later(
    chain, strangulation_by_gp
):
    vt = factories.actor(["professional"], chain["vt"])
    with time_machine.travel("2026-03-02 09:00 +0000", tick=False):
        done = assess(vt, strangulation_by_gp["victim"], "danger_assessment", DA_ITEMS_18)
        now = timezone.now()
    assert (done.total, done.computed_level, done.final_level) == (18, "extreme", "extreme")
    assert done.reassess_due == now + timedelta(hours=72)
    steps = protocol().for_level("extreme")
    tasks = list(done.tasks.all())
    assert {t.code for t in tasks if t.kind == "action"} == {a.id for a in steps.actions}
    assert {t.code for t in tasks if t.kind == "inform"} == set(steps.inform)
    safety = next(t for t in tasks if t.code == "safety_contact")
    assert safety.due_at == now + timedelta(hours=4)

    with time_machine.travel("2026-03-05 08:59 +0000", tick=False):
        assert services.flag_overdue() == 0
    with time_machine.travel("2026-03-05 09:01 +0000", tick=False):
        assert services.flag_overdue() == 1
        assert services.flag_overdue() == 0  # flagged once
    done.refresh_from_db()
    assert done.overdue_flagged_at is not None


def test_a_new_assessment_supersedes_the_overdue_one(chain, strangulation_by_gp):
    vt = factories.actor(["professional"], chain["vt"])
    first = assess(vt, strangulation_by_gp["victim"], "danger_assessment", DA_ITEMS_18)
    second = assess(vt, strangulation_by_gp["victim"], "danger_assessment", DA_ITEMS_18[:8])
    first.refresh_from_db()
    assert first.superseded and not second.superseded
    assert second.reassess_due - second.completed_at == timedelta(days=30)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert services.flag_overdue() == 1
    assert Assessment.objects.get(overdue_flagged_at__isnull=False) == second


@pytest.mark.parametrize(
    ("level", "days"), [("extreme", 3), ("high", 7), ("medium", 30), ("low", 60)]
)
def test_default_reassessment_intervals_follow_viogen(level, days):
    assert protocol().for_level(level).reassess_after == timedelta(days=days)


def test_a_region_may_override_a_level():
    data = {
        "version": "t",
        "parties": {"police": {"nl": "Politie", "en": "Police"}},
        "levels": {
            level: {"reassess_after_hours": 24, "actions": [], "inform": []}
            for level in ("low", "medium", "high", "extreme")
        },
        "regions": {"utrecht": {"high": {"reassess_after_hours": 48, "inform": ["police"]}}},
    }
    table = parse(data)
    assert table.for_level("high", "utrecht").reassess_after == timedelta(hours=48)
    assert table.for_level("high", "amsterdam").reassess_after == timedelta(hours=24)
    assert table.for_level("not_assessed") is None


def test_the_protocol_refuses_an_unknown_party():
    from patroon.risk.instruments import InstrumentError

    data = {
        "version": "t",
        "levels": {
            level: {"reassess_after_hours": 24, "inform": ["mayor"]}
            for level in ("low", "medium", "high", "extreme")
        },
    }
    with pytest.raises(InstrumentError, match=r"levels.low.*inform.*'mayor'"):
        parse(data)


def test_no_tasks_before_completion(chain, strangulation_by_gp):
    vt = factories.actor(["professional"], chain["vt"])
    assess(vt, strangulation_by_gp["victim"], "dash", complete=False)
    assert not ProtocolTask.objects.exists()
