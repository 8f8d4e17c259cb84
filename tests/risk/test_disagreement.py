"""Two organisations' latest assessments two levels apart are flagged to both."""

import pytest

from patroon.risk import selectors
from patroon.risk.models import Disagreement
from patroon.signals.services import record_signal
from tests import factories
from tests.patterns.conftest import signal
from tests.risk.helpers import assess

pytestmark = pytest.mark.django_db


def test_levels_two_apart_are_flagged_to_both_organisations(chain, strangulation_by_gp):
    victim = strangulation_by_gp["victim"]
    gp = factories.actor(["professional"], chain["gp"])
    vt = factories.actor(["professional"], chain["vt"])
    assess(gp, victim, "dash")  # standard: low
    assess(vt, victim, "lethality_screen", ["strangulation"])  # high
    flag = Disagreement.objects.get()
    assert {flag.first.final_level, flag.second.final_level} == {"low", "high"}
    assert selectors.disagreements(gp) == selectors.disagreements(vt) == [flag]
    police = factories.actor(["professional"], chain["police"])
    assert selectors.disagreements(police) == []

    history = selectors.victim_history(gp, victim)
    assert [(p.level, p.own) for p in history] == [("low", True), ("high", False)]
    assert history[1].assessment_id is None  # another organisation's: level only


def test_one_level_apart_is_not_flagged(chain, strangulation_by_gp):
    victim = strangulation_by_gp["victim"]
    record_signal(
        factories.actor(["intake"], chain["police"]), signal(2, ["threat_to_kill"], "P-1"), "web"
    )
    assess(factories.actor(["professional"], chain["gp"]), victim, "dash", ["injury"])
    police = factories.actor(["professional"], chain["police"])
    assess(police, victim, "danger_assessment", ["escalation", "owns_gun"])
    assert not Disagreement.objects.exists()
