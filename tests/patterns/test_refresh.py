"""Timelines follow a change of the persons named in signals (a merge or split in the vault)."""

import uuid

import pytest

from patroon.patterns.models import Alert, TimelineEntry
from patroon.patterns.services import rebuild_all, refresh_signals
from patroon.signals.models import SignalPerson
from patroon.signals.services import record_signal
from tests import factories
from tests.patterns.conftest import signal

pytestmark = pytest.mark.django_db


def snapshot():
    return sorted(
        TimelineEntry.objects.values_list("victim_ref", "perpetrator_ref", "signal_id", "severity")
    )


def test_moving_a_signal_to_another_person_moves_its_timeline_entries(chain):
    police = factories.actor(["intake"], chain["police"])
    sid = record_signal(police, signal(9, ["threat_to_kill"], "POL-1"), "web").signal_id
    before = snapshot()
    victim = SignalPerson.objects.get(signal_id=sid, role="victim")
    original, other = victim.person_ref, uuid.uuid4()

    SignalPerson.objects.filter(pk=victim.pk).update(person_ref=other)
    refresh_signals([sid])
    assert {row[0] for row in snapshot()} == {other}
    assert Alert.objects.filter(victim_ref=other, rule_id="threat_to_kill").exists()

    SignalPerson.objects.filter(pk=victim.pk).update(person_ref=original)
    refresh_signals([sid])
    assert snapshot() == before


def test_a_full_rebuild_reproduces_the_stream(chain):
    police = factories.actor(["intake"], chain["police"])
    gp = factories.actor(["intake"], chain["gp"])
    record_signal(police, signal(40, ["stalking"], "POL-1"), "web")
    record_signal(gp, signal(4, ["non_fatal_strangulation", "children_witnessing"], "GP-1"), "web")
    before = snapshot()
    assert rebuild_all() == len(before)
    assert snapshot() == before
