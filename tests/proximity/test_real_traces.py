"""The engine on real GPS traces (see traces.py for source and licence).

The train leg of the POSMO trace (about 130 km/h) stands in for a wearer passing the
victim on a motorway: the Rotterdam pilot's false alarm. It must fire exactly once per
passing, even with GPS noise that makes the raw distance cross the radius many times.
Points without a reported accuracy (0 in POSMO) are dropped: they are stale network fixes."""

import random
from dataclasses import replace
from datetime import timedelta

import pytest

from patroon.proximity.engine import PairConfig, PairEngine, Ping
from patroon.proximity.geo import haversine_m
from tests.proximity.helpers import at
from tests.proximity.traces import load

WEARER, VICTIM = "ankle-1", "victim-1"
TICK = timedelta(seconds=15)


def run(config: PairConfig, wearer: list[Ping], victim_at, victim_accuracy_m=10.0):
    """Replays the wearer's pings with a stationary victim pinging every 60 s and a clock
    tick every 15 s; returns every alarm and suppression."""
    start = wearer[0].time
    eng = PairEngine(config, started_at=start)
    victim_pings = [
        Ping(VICTIM, start + timedelta(seconds=60 * i), *victim_at, accuracy_m=victim_accuracy_m)
        for i in range(int((wearer[-1].time - start).total_seconds() // 60) + 1)
    ]
    events = sorted([*wearer, *victim_pings], key=lambda p: p.time)
    alarms, suppressions, clock = [], [], start
    for ping in events:
        while clock + TICK <= ping.time:
            clock += TICK
            outcome = eng.on_tick(clock)
            alarms += outcome.alarms
        outcome = eng.on_ping(ping, now=ping.time)
        alarms += outcome.alarms
        suppressions += outcome.suppressions
    return alarms, suppressions


def raw_entries(wearer: list[Ping], victim_at, radius_m: float, victim_accuracy_m=10.0) -> int:
    """How often the accuracy-adjusted distance enters the radius: alarms without dwell
    or hysteresis would fire this often."""
    inside = [
        haversine_m(p.lat, p.lon, *victim_at) - p.accuracy_m - victim_accuracy_m <= radius_m
        for p in wearer
    ]
    return sum(
        1 for before, now in zip([False, *inside], inside, strict=False) if now and not before
    )


def train_leg(noise_m: float) -> list[Ping]:
    rng = random.Random(8)
    pings = load("posmo", WEARER, min_interval_s=15, accuracy_reported=True)
    leg = [p for p in pings if "20:30:50" <= p.time.strftime("%H:%M:%S") <= "20:40:40"]
    noisy = []
    for p in leg:
        lat, lon = at(rng.gauss(0, noise_m), rng.gauss(0, noise_m), origin=(p.lat, p.lon))
        noisy.append(replace(p, lat=lat, lon=lon, accuracy_m=noise_m))
    return noisy


@pytest.mark.parametrize(("offset_m", "noise_m"), [(600, 0.0), (1000, 60.0), (1050, 60.0)])
def test_motorway_passing_fires_once(offset_m, noise_m):
    leg = train_leg(noise_m)
    middle = leg[len(leg) // 2]
    victim_at = at(0, offset_m, origin=(middle.lat, middle.lon))
    config = PairConfig.default(WEARER, (VICTIM,))
    assert min(haversine_m(p.lat, p.lon, *victim_at) for p in leg) < config.alert_radius_m

    alarms, suppressions = run(config, leg, victim_at)

    # The trace has frozen fixes followed by jumps; the engine rightly flags those.
    assert [a.kind for a in alarms if a.kind != "implausible_position"] == ["approach"]
    if noise_m:
        assert raw_entries(leg, victim_at, config.alert_radius_m) > 1  # the noise is real
        assert suppressions and all(s.reason for s in suppressions)


def test_wearer_reaching_the_victims_home_in_zurich():
    """The Google trace ends near the ETH main building; put the victim's home there. Real
    indoor accuracy (up to 1 km) makes the raw distance flap; alarms stay fewer."""
    wearer = load("google", WEARER)
    home = (47.3766, 8.548)
    config = PairConfig.default(WEARER, (VICTIM,))

    alarms, suppressions = run(config, wearer, home)

    kinds = [a.kind for a in alarms]
    assert kinds[0] == "approach" and "close_approach" in kinds
    assert kinds.count("approach") < raw_entries(wearer, home, config.alert_radius_m)
    assert kinds.count("close_approach") <= raw_entries(wearer, home, config.inner_radius_m)
    assert {a.detail.get("subject") for a in alarms} == {VICTIM}
    assert all(s.reason.startswith(f"{VICTIM}: ") for s in suppressions)
