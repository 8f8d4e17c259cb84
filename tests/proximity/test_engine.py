"""The pure alarm engine: one test per alarm type, plus dwell, hysteresis and bad input."""

from datetime import time, timedelta

import pytest

from patroon.proximity.zones import LOCAL_TIME, Window, Zone
from tests.proximity.helpers import T0, VICTIM, WEARER, at, engine, feed, kinds, ping


def test_approach_fires_after_two_pings_inside_and_raises_the_report_rate():
    eng = engine()
    first, second = feed(
        eng, ping(VICTIM, 0), ping(WEARER, 10, north_m=800), ping(WEARER, 20, north_m=700)
    )[1:]
    assert first.alarms == []
    assert [a.kind for a in second.alarms] == ["approach"]
    assert second.alarms[0].detail == {"subject": VICTIM, "distance_m": 700}
    assert {(c.device, c.report_interval_seconds) for c in second.commands} == {
        (WEARER, 15),
        (VICTIM, 15),
    }


def test_close_approach_fires_inside_the_inner_radius():
    eng = engine()
    outcomes = feed(
        eng, ping(VICTIM, 0), ping(WEARER, 10, north_m=90), ping(WEARER, 20, north_m=50)
    )
    assert kinds(outcomes) == ["approach", "close_approach"]
    assert outcomes[-1].alarms[-1].priority == 1


def test_accuracy_counts_towards_an_approach():
    eng = engine()
    outcomes = feed(
        eng,
        ping(VICTIM, 0, accuracy_m=50),
        ping(WEARER, 10, north_m=1100, accuracy_m=60),
        ping(WEARER, 20, north_m=1100, accuracy_m=60),
    )
    assert kinds(outcomes) == ["approach"]


def test_a_first_sighting_raises_the_report_rate_to_confirm_quickly():
    eng = engine()
    first = feed(eng, ping(VICTIM, 0), ping(WEARER, 10, north_m=500))[1]
    assert first.alarms == [] and len(first.commands) == 2
    assert eng.on_tick(T0 + timedelta(seconds=60)).alarms == []  # one fix never fires alone


def test_dwell_time_fires_before_the_ping_count_when_configured():
    eng = engine(dwell_pings=5, dwell_seconds=30)
    outcomes = feed(
        eng,
        ping(VICTIM, 0),
        ping(WEARER, 10, north_m=500),
        ping(WEARER, 25, north_m=500),
        ping(WEARER, 40, north_m=500),
    )
    assert [len(o.alarms) for o in outcomes] == [0, 0, 0, 1]


def test_a_single_ping_inside_is_suppressed_with_its_reason():
    eng = engine()
    outcomes = feed(
        eng, ping(VICTIM, 0), ping(WEARER, 10, north_m=900), ping(WEARER, 20, north_m=1500)
    )
    assert kinds(outcomes) == []
    [suppression] = outcomes[-1].suppressions
    assert suppression.kind == "approach"
    assert "dwell" in suppression.reason and "1 ping(s)" in suppression.reason


def test_hysteresis_re_arms_only_beyond_the_margin():
    eng = engine()  # 1000 m radius, hysteresis 0.2: re-arms beyond 1200 m
    outcomes = feed(
        eng,
        ping(VICTIM, 0),
        ping(WEARER, 10, north_m=900),
        ping(WEARER, 20, north_m=900),  # fires
        ping(WEARER, 30, north_m=1100),  # out, but inside the band
        ping(WEARER, 40, north_m=950),  # re-entry: suppressed
        ping(WEARER, 50, north_m=950),
        ping(WEARER, 60, north_m=1300),  # re-armed
        ping(WEARER, 70, north_m=900),
        ping(WEARER, 80, north_m=900),  # fires again
    )
    assert kinds(outcomes) == ["approach", "approach"]
    assert "hysteresis" in outcomes[4].suppressions[0].reason


def test_the_report_rate_returns_to_normal_once_the_wearer_is_clearly_away():
    eng = engine()
    outcomes = feed(
        eng,
        ping(VICTIM, 0),
        ping(WEARER, 10, north_m=900),
        ping(WEARER, 20, north_m=900),  # fires: every device to 15 s
        ping(WEARER, 35, north_m=1100),  # out, but not re-armed: stays fast
        ping(WEARER, 50, north_m=1400),  # clearly away: back to the normal rate
        ping(WEARER, 65, north_m=1500),
    )
    assert {c.report_interval_seconds for c in outcomes[2].commands} == {15}
    assert outcomes[3].commands == []
    assert {(c.device, c.report_interval_seconds) for c in outcomes[4].commands} == {
        (WEARER, 60),
        (VICTIM, 60),
    }
    assert outcomes[5].commands == []


def test_a_latched_tamper_keeps_the_alarm_rate():
    eng = engine()
    outcomes = feed(
        eng,
        ping(VICTIM, 0),
        ping(WEARER, 10, north_m=5000, strap_ok=False),
        ping(WEARER, 25, north_m=5000, strap_ok=False),
        ping(WEARER, 40, north_m=5000),
    )
    assert {c.report_interval_seconds for c in outcomes[1].commands} == {15}
    assert outcomes[2].commands == []
    assert {c.report_interval_seconds for c in outcomes[3].commands} == {60}


def test_out_of_order_ping_is_flagged_and_does_not_move_the_state_back():
    eng = engine()
    feed(eng, ping(VICTIM, 0), ping(WEARER, 100, north_m=5000))
    late = eng.on_ping(ping(WEARER, 50, north_m=10), now=T0 + timedelta(seconds=110))
    again = eng.on_ping(ping(WEARER, 50, north_m=10), now=T0 + timedelta(seconds=111))
    assert late.flags == again.flags == ("out_of_order",)
    assert late.alarms == [] and eng.trusted[WEARER].time == T0 + timedelta(seconds=100)


def test_implausible_jump_is_flagged_and_not_trusted():
    eng = engine()
    feed(eng, ping(VICTIM, 0), ping(WEARER, 0, north_m=80_000))
    jump = eng.on_ping(ping(WEARER, 60, north_m=100), now=T0 + timedelta(seconds=60))
    assert jump.flags == ("implausible_speed",)
    assert kinds([jump]) == ["implausible_position"]
    assert eng.trusted[WEARER].lat == pytest.approx(at(north_m=80_000)[0])


def test_two_agreeing_pings_after_a_jump_re_anchor_the_position():
    """The Granada failure: the system must not keep the wearer 80 km away forever."""
    eng = engine()
    feed(eng, ping(VICTIM, 0), ping(WEARER, 0, north_m=80_000))
    outcomes = feed(
        eng,
        ping(WEARER, 60, north_m=100),
        ping(WEARER, 75, north_m=90),  # agrees with the suspect ping: trusted again
        ping(WEARER, 90, north_m=80),
    )
    assert outcomes[1].flags == ()
    assert kinds(outcomes) == ["implausible_position", "approach", "close_approach"]


def test_repeated_implausible_pings_raise_one_alarm_and_record_the_rest():
    eng = engine()
    feed(eng, ping(WEARER, 0, north_m=80_000))
    outcomes = feed(eng, ping(WEARER, 60, north_m=0), ping(WEARER, 120, north_m=40_000))
    assert kinds(outcomes) == ["implausible_position"]
    assert outcomes[1].suppressions[0].reason == "already raised for this episode"


def test_future_timestamp_is_flagged_and_does_not_block_later_pings():
    eng = engine()
    future = ping(WEARER, 3600, north_m=10)
    flagged = eng.on_ping(future, now=T0)
    assert flagged.flags == ("future_timestamp",)
    assert kinds([flagged]) == ["implausible_position"]
    assert WEARER not in eng.trusted
    assert feed(eng, ping(WEARER, 10))[0].flags == ()


def test_stale_position_is_kept_but_not_used_for_a_live_approach():
    eng = engine()
    feed(eng, ping(VICTIM, 0))
    outcome = eng.on_ping(ping(WEARER, 0, north_m=10), now=T0 + timedelta(minutes=30))
    assert outcome.flags == ("stale",) and outcome.alarms == []
    assert "stale" in outcome.suppressions[0].reason


def test_strap_tamper_on_a_future_timestamp_still_fires():
    outcome = engine().on_ping(ping(WEARER, 3600, strap_ok=False), now=T0)
    assert kinds([outcome]) == ["strap_tamper", "implausible_position"]


def test_strap_tamper_and_skin_contact_loss_fire_once_until_restored():
    eng = engine()
    outcomes = feed(
        eng,
        ping(WEARER, 0, strap_ok=False),
        ping(WEARER, 10, strap_ok=False, skin_contact=False),
        ping(WEARER, 20),
        ping(WEARER, 30, strap_ok=False),
    )
    assert kinds(outcomes) == ["strap_tamper", "skin_contact_loss", "strap_tamper"]
    assert outcomes[0].alarms[0].priority == 1


def test_a_bracelet_apart_from_its_gps_unit_fires_once_until_they_are_together_again():
    outcomes = feed(
        engine(),
        ping(WEARER, 0),
        ping(WEARER, 10, unit_linked=False),
        ping(WEARER, 20, unit_linked=False),  # the same episode
        ping(WEARER, 30),
        ping(WEARER, 40, unit_linked=False),
    )
    assert kinds(outcomes) == ["unit_separation", "unit_separation"]
    assert outcomes[1].alarms[0].priority == 1  # where the wearer is, nobody knows
    assert outcomes[1].commands  # the report rate goes up
    assert [s.reason for s in outcomes[2].suppressions] == ["already raised for this episode"]


def test_low_battery_fires_once_and_does_not_raise_the_report_rate():
    eng = engine()
    outcomes = feed(
        eng,
        ping(VICTIM, 0, battery=50),
        ping(VICTIM, 10, battery=19),
        ping(VICTIM, 20, battery=18),
        ping(VICTIM, 30, battery=25),  # below the re-arm level
        ping(VICTIM, 40, battery=15),
    )
    assert kinds(outcomes) == ["low_battery"]
    assert outcomes[1].commands == []


def test_signal_loss_per_device_type_on_a_clock_tick():
    eng = engine()
    feed(eng, ping(VICTIM, 0), ping(WEARER, 0, north_m=50_000))
    assert eng.on_tick(T0 + timedelta(minutes=5)).alarms == []
    wearer_lost = eng.on_tick(T0 + timedelta(minutes=5, seconds=1))
    assert [(a.kind, a.device) for a in wearer_lost.alarms] == [("signal_loss", WEARER)]
    assert eng.on_tick(T0 + timedelta(minutes=6)).alarms == []  # not repeated
    victim_lost = eng.on_tick(T0 + timedelta(minutes=16))
    assert [(a.kind, a.device) for a in victim_lost.alarms] == [("signal_loss", VICTIM)]
    eng.on_ping(ping(WEARER, 17 * 60, north_m=50_000), now=T0 + timedelta(minutes=17))
    assert [a.device for a in eng.on_tick(T0 + timedelta(minutes=23)).alarms] == [WEARER]


def test_victim_panic_fires_at_once_even_on_a_late_ping():
    eng = engine()
    feed(eng, ping(VICTIM, 100))
    outcome = eng.on_ping(ping(VICTIM, 50, panic=True), now=T0 + timedelta(seconds=101))
    assert kinds([outcome]) == ["panic"] and outcome.flags == ("out_of_order",)


@pytest.mark.parametrize(
    "zone",
    [
        Zone("school", center=at(2000, 0), radius_m=200),
        Zone("school", vertices=(at(1800, -200), at(1800, 200), at(2200, 200), at(2200, -200))),
    ],
    ids=["circle", "polygon"],
)
def test_zone_breach_for_circles_and_polygons(zone):
    eng = engine(zones=(zone,))
    outcomes = feed(
        eng,
        ping(WEARER, 0, north_m=2000, east_m=1000),
        ping(WEARER, 10, north_m=2000, east_m=150),
        ping(WEARER, 20, north_m=2000, east_m=100),
    )
    assert kinds(outcomes) == ["zone_breach"]
    assert outcomes[-1].alarms[0].detail["subject"] == "school"


def test_schedule_bound_zone_applies_only_in_its_window():
    school_hours = tuple(Window(day, time(8, 0), time(16, 0)) for day in range(5))
    zone = Zone("school", center=at(2000, 0), radius_m=200, schedule=school_hours)
    inside = {"north_m": 2000}
    in_hours = feed(engine(zones=(zone,)), ping(WEARER, 0, **inside), ping(WEARER, 10, **inside))
    assert kinds(in_hours) == ["zone_breach"]  # Monday 09:00 local

    night = 12 * 3600  # Monday 21:00 local
    eng = engine(zones=(zone,))
    at_night = feed(eng, ping(WEARER, night, **inside), ping(WEARER, night + 10, **inside))
    assert kinds(at_night) == []
    assert "outside its schedule" in at_night[0].suppressions[0].reason


def test_night_window_runs_past_midnight():
    window = Window(0, time(22, 0), time(6, 0))
    local = T0.astimezone(LOCAL_TIME)
    assert not window.covers(local)  # Monday 09:00
    assert window.covers(local.replace(hour=23))
    assert window.covers((local + timedelta(days=1)).replace(hour=5))
    assert not window.covers((local + timedelta(days=2)).replace(hour=5))


def test_unknown_device_is_refused():
    with pytest.raises(ValueError, match="not part of this pair"):
        feed(engine(), ping("stranger", 0))
