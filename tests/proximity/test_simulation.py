"""The simulation world: real traces replayed with injected scenarios, scored against truth."""

from datetime import UTC, datetime, timedelta
from itertools import islice

import numpy as np
import pytest

from patroon.proximity.simulation import (
    ObservedAlarm,
    TruthEvent,
    build_world,
    run_in_process,
    score,
)
from patroon.proximity.simulation.scenarios import SCENARIOS, SENSOR_KINDS
from patroon.proximity.simulation.truth import episodes
from tests.shared_data import shared_data

START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)  # a Monday, 09:00 in the Netherlands: school hours
DETECTABLE = ("approach", "close_approach", "zone_breach", *SENSOR_KINDS)


def world(pairs=40, seed=11, minutes=30):
    return build_world(pairs, seed, START, minutes, shared_data("trajectories"))


@pytest.fixture(scope="module")
def small_run():
    sim = world()
    return sim, run_in_process(sim)


def test_the_same_seed_gives_the_same_world_and_another_seed_does_not():
    first, again, other = world(seed=5), world(seed=5), world(seed=6)
    assert list(islice(first.pings(), 500)) == list(islice(again.pings(), 500))
    assert [(e.pair, e.kind, e.start) for e in first.truth] == [
        (e.pair, e.kind, e.start) for e in again.truth
    ]
    assert [p.lat for p in islice(other.pings(), 50)] != [
        p.lat for p in islice(world(seed=5).pings(), 50)
    ]


def test_pings_come_in_time_order_with_ticks_and_at_the_normal_rate():
    sim = world(pairs=10, minutes=10)
    events = list(sim.events())
    moments = [item.time if kind == "ping" else item for kind, item in events]
    assert moments == sorted(moments)
    assert sum(kind == "tick" for kind, _ in events) == 10 * 60 // 30
    device = sim.pairs[0].victim
    times = [item.time for kind, item in events if kind == "ping" and item.device == device]
    assert {round((b - a).total_seconds()) for a, b in zip(times, times[1:], strict=False)} <= {60}


def test_a_report_rate_command_is_honoured():
    sim = world(pairs=5, minutes=10)
    device = sim.pairs[0].perpetrator
    times = []
    for ping in sim.pings():
        if ping.device == device:
            times.append(ping.time)
            if len(times) == 2:
                sim.set_interval(device, 15)
    gaps = {round((b - a).total_seconds()) for a, b in zip(times[2:], times[3:], strict=False)}
    assert gaps == {15}


def test_every_scenario_is_injected_and_every_accurate_event_detected(small_run):
    sim, result = small_run
    assert {pair.scenario for pair in sim.pairs} >= set(SCENARIOS)
    assert {e.kind for e in sim.truth} >= {*DETECTABLE, "motorway_passing", "inaccurate_position"}
    by_kind = result["recall_accurate_by_kind"]
    assert {kind: by_kind[kind]["recall"] for kind in DETECTABLE} == dict.fromkeys(DETECTABLE, 1.0)
    assert result["breach_recall_accurate"]["events"] >= 3
    assert result["breach_recall_accurate"]["recall"] == 1.0
    assert any(not e.accurate for e in sim.truth if e.kind == "zone_breach")
    assert result["false_alarms"] == 0, result["false_alarms_by_kind"]
    # At worst the first ping inside just misses, the next (60 s on) starts the dwell, and one
    # more at the alarm rate (15 s) confirms it.
    assert all(summary["max"] <= 75 for summary in result["latency_s"].values())


def test_a_motorway_passing_raises_at_most_one_alarm(small_run):
    sim, result = small_run
    passings = [e for e in sim.truth if e.kind == "motorway_passing"]
    assert passings and result["motorway_passings"] == len(passings)
    assert result["alarms_per_passing_max"] <= 1


def test_signal_loss_is_real_silence(small_run):
    sim, _ = small_run
    [loss, *_] = [e for e in sim.truth if e.kind == "signal_loss"]
    assert loss.end - loss.start > timedelta(minutes=5)
    assert loss.detectable_at is not None and loss.start - timedelta(minutes=1) <= (
        loss.detectable_at - timedelta(minutes=5)
    )


def test_the_licence_notice_of_the_traces_travels_with_the_world():
    [source] = world(pairs=2, minutes=5).sources
    assert source.licence == "MIT"
    assert "Copyright (c) 2024 mie-lab at ETH Zurich, Switzerland" in source.notice
    assert "shall be included in all" in source.notice
    assert build_world(2, 1, START, 5, traces_dir=None).sources == []


def test_scoring_matches_counts_repeats_false_alarms_and_passings():
    at = START + timedelta(minutes=10)
    truth = [
        TruthEvent("p1", "zone_breach", ("p1-a",), at, at + timedelta(minutes=5), subject="home"),
        TruthEvent("p1", "strap_tamper", ("p1-a",), at, at + timedelta(minutes=5), False),
        TruthEvent("p2", "motorway_passing", ("p2-a", "p2-v"), at, at + timedelta(minutes=1)),
    ]
    truth[0].detectable_at = at + timedelta(seconds=20)
    alarms = [
        ObservedAlarm("p1", "zone_breach", "p1-a", at + timedelta(seconds=35), "home"),
        ObservedAlarm("p1", "zone_breach", "p1-a", at + timedelta(seconds=95), "home"),
        ObservedAlarm("p1", "zone_breach", "p1-a", at + timedelta(seconds=95), "work"),
        ObservedAlarm("p2", "approach", "p2-a", at + timedelta(seconds=30), "p2-v"),
        ObservedAlarm("p2", "approach", "p2-a", at + timedelta(seconds=50), "p2-v"),
    ]
    result = score(truth, alarms, pair_hours=2.0)
    assert result["breach_recall_accurate"] == {"events": 1, "detected": 1, "recall": 1.0}
    assert result["recall"] == {"events": 2, "detected": 1, "recall": 0.5}
    assert result["latency_s"]["zone_breach"]["max"] == 15.0
    assert result["repeat_alarms"] == {"zone_breach": 1, "approach": 1}
    assert result["false_alarms_by_kind"] == {"zone_breach": 1}
    assert result["false_alarms_per_pair_hour"] == 0.5
    assert (result["alarms_per_passing_max"], result["motorway_passings"]) == (2, 1)


def test_an_alarm_for_an_event_the_run_ended_too_soon_to_score_is_not_false():
    at = START + timedelta(minutes=10)
    late = [TruthEvent("p1", "strap_tamper", ("p1-a",), at, at + timedelta(minutes=5))]
    alarm = ObservedAlarm("p1", "strap_tamper", "p1-a", at + timedelta(seconds=5), "")
    stranger = ObservedAlarm("p2", "strap_tamper", "p2-a", at + timedelta(seconds=5), "")
    result = score([], [alarm, stranger], pair_hours=1.0, late=late)
    assert result["false_alarms_by_kind"] == {"strap_tamper": 1}  # only the other pair's
    assert result["recall"]["events"] == 0


def test_an_episode_is_armed_from_the_last_moment_the_wearer_was_clearly_out():
    inside = np.array([0, 0, 0, 1, 1, 0, 0, 0, 1, 0], dtype=bool)
    out = np.array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0], dtype=bool)
    assert episodes(inside, out) == [(1, 3, 5), (6, 8, 9)]
    # Never clearly out before: an alarm from the very start is for this episode.
    assert episodes(np.array([0, 1, 0], dtype=bool), np.zeros(3, dtype=bool)) == [(0, 1, 2)]


def test_an_alarm_on_the_accuracy_circle_of_a_wearer_lingering_at_the_edge_detects_the_breach():
    """He stood a few metres outside the home zone for minutes, alarmed on his accuracy circle,
    then stepped in: no new alarm is due, and the early one is the detection, not a false one."""
    armed = START
    entered = START + timedelta(minutes=5)
    breach = TruthEvent(
        "p1", "zone_breach", ("p1-a",), entered, entered + timedelta(minutes=1), subject="home"
    )
    breach.armed_from = armed
    early = ObservedAlarm("p1", "zone_breach", "p1-a", armed + timedelta(seconds=15), "home")
    result = score([breach], [early], pair_hours=1.0)
    assert result["breach_recall_accurate"]["detected"] == 1
    assert result["false_alarms"] == 0
    breach.armed_from = None  # the old window: starting two minutes before he stepped in
    result = score([breach], [early], pair_hours=1.0)
    assert (result["breach_recall_accurate"]["detected"], result["false_alarms"]) == (0, 1)
