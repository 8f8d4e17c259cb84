"""What each simulated pair does: everyday movement plus at most one injected scenario.

Everything is in metres east/north of the victim's home, on the grid of ``paths``. Position
scenarios (approach, breach, passing) only script the movement: their ground truth is measured
afterwards from the paths (``truth.py``), so an accidental extra approach is truth too, not a
false alarm. Sensor scenarios (tamper, skin, battery, silence, panic, glitch) are scripted
episodes whose truth is the script itself."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import time

import numpy as np

from patroon.proximity.simulation import paths
from patroon.proximity.simulation.paths import GRID_S, Path
from patroon.proximity.simulation.traces import Trace
from patroon.proximity.zones import Window

POSITION_KINDS = (
    "approach",
    "close_approach",
    "zone_breach",
    "school_breach",
    "motorway_passing",
    "inaccurate_breach",
)
SENSOR_KINDS = (
    "strap_tamper",
    "skin_contact_loss",
    "signal_loss",
    "low_battery",
    "panic",
    "implausible_position",
)
SCENARIOS = POSITION_KINDS + SENSOR_KINDS
CAR_KMH = 40.0
BIKE_KMH = 15.0
SCHOOL_HOURS = tuple(Window(day, time(8, 0), time(16, 0)) for day in range(5))
# The POSMO trace's train leg (trace minutes 20-31) passes a point at about minute 25.
PASSING_LEG_S = (20 * 60.0, 25 * 60.0, 31 * 60.0)
INACCURATE_M = (300.0, 1000.0)


@dataclass(frozen=True)
class ZoneSpec:
    name: str
    center: tuple[float, float] | None = None
    radius_m: float = 0.0
    vertices: tuple[tuple[float, float], ...] = ()
    schedule: tuple[Window, ...] = ()


@dataclass
class Episode:
    """A scripted sensor event: ``role`` is ``p`` (ankle monitor) or ``v`` (victim device)."""

    kind: str
    role: str
    start_s: float
    end_s: float


@dataclass
class PairPlan:
    scenario: str | None
    perpetrator: Path
    victim: Path
    zones: list[ZoneSpec]
    episodes: list[Episode] = field(default_factory=list)
    battery: dict[str, tuple[float, float]] = field(default_factory=dict)  # role: (at 0, per s)
    inaccurate: tuple[float, float] | None = None  # seconds with deliberately poor accuracy


def plan_pair(
    scenario: str | None,
    rng: np.random.Generator,
    points: int,
    traces: dict[str, Trace],
    elsewhere: tuple[float, float],
    signal_loss_minutes: dict[str, float],
) -> PairPlan:
    """``elsewhere`` is where the wearer lives: another Dutch town, far from the victim."""
    duration = (points - 2) * GRID_S
    zones = [ZoneSpec("home", center=(0.0, 0.0), radius_m=float(rng.uniform(200, 400)))]
    work = paths.polar(rng.uniform(2500, 5000), rng.uniform(0, 2 * math.pi))
    if rng.random() < 0.6 or scenario in ("zone_breach", "inaccurate_breach"):
        zones.append(_rectangle("work", work, rng))
    if rng.random() < 0.3 or scenario == "school_breach":
        school = paths.polar(rng.uniform(800, 2000), rng.uniform(0, 2 * math.pi))
        zones.append(ZoneSpec("school", center=school, radius_m=150.0, schedule=SCHOOL_HOURS))
    plan = PairPlan(
        scenario,
        perpetrator=_everyday(rng, points, traces, elsewhere),
        victim=_everyday(rng, points, traces, (0.0, 0.0)),
        zones=zones,
        battery={role: (rng.uniform(60, 100), -rng.uniform(0, 0.05) / 60) for role in "pv"},
    )
    if scenario in POSITION_KINDS:
        _move(plan, scenario, rng, points, duration, traces, work)
    elif scenario is not None:
        _episode(plan, scenario, rng, duration, signal_loss_minutes)
    return plan


def _rectangle(name, centre, rng) -> ZoneSpec:
    half_e, half_n = rng.uniform(80, 200), rng.uniform(60, 150)
    east, north = centre
    corners = ((-1, -1), (-1, 1), (1, 1), (1, -1))
    return ZoneSpec(
        name, vertices=tuple((east + a * half_e, north + b * half_n) for a, b in corners)
    )


def _stay(rng, points, where, indoor=True) -> Path:
    low, high = (15.0, 60.0) if indoor else (5.0, 25.0)
    return paths.route(points, [(0.0, *where)], paths.accuracy(rng, points, low, high))


def _everyday(rng, points, traces, home) -> Path:
    """At home, replaying a real trace round home, or a bicycle trip and back."""
    choice = rng.random()
    if traces and choice < 0.4:
        name = "google" if rng.random() < 0.6 else "gpsies"
        return paths.replay(traces[name], rng, points, home)
    if choice < 0.7:
        return _stay(rng, points, home)
    away = np.add(home, paths.polar(rng.uniform(1000, 3000), rng.uniform(0, 2 * math.pi)))
    leave = rng.uniform(0, (points - 2) * GRID_S)
    there = leave + paths.leg_seconds(home, away, BIKE_KMH)
    stay = rng.uniform(300, 1800)
    back = there + stay + paths.leg_seconds(home, away, BIKE_KMH)
    waypoints = [(leave, *home), (there, *away), (there + stay, *away), (back, *home)]
    return paths.route(points, waypoints, paths.accuracy(rng, points, 5, 40))


def _visit(rng, points, start_s, origin, target, stay_s, accuracy=None) -> Path:
    """Drives from ``origin`` to ``target`` at ``start_s``, stays, and drives back."""
    there = start_s + paths.leg_seconds(origin, target, CAR_KMH)
    waypoints = [
        (start_s, *origin),
        (there, *target),
        (there + stay_s, *target),
        (there + stay_s + paths.leg_seconds(origin, target, CAR_KMH), *origin),
    ]
    if accuracy is None:
        accuracy = paths.accuracy(rng, points, 5, 30)
    return paths.route(points, waypoints, accuracy)


def _move(plan, scenario, rng, points, duration, traces, work) -> None:
    bearing = rng.uniform(0, 2 * math.pi)
    start = rng.uniform(120, max(180, duration * 0.3))
    stay = rng.uniform(240, 480)
    if scenario == "motorway_passing" and "posmo" in traces:
        plan.victim = _stay(rng, points, (0.0, 0.0))
        first, middle, last = PASSING_LEG_S
        earliest = middle - first + 120
        at = rng.uniform(earliest, max(earliest, duration - (last - middle) - 60))
        plan.perpetrator = paths.replay_through(traces["posmo"], rng, points, middle, at, (0, 0))
        across = paths.heading_at(plan.perpetrator, at) + math.pi / 2
        offset = paths.polar(rng.uniform(500, 900), across)
        plan.perpetrator.east += offset[0]
        plan.perpetrator.north += offset[1]
        return
    if scenario in ("approach", "close_approach"):
        meet = (0.0, 0.0) if scenario == "approach" else _place(rng)
        plan.victim = _stay(rng, points, meet, indoor=scenario == "approach")
        reach = rng.uniform(500, 800) if scenario == "approach" else rng.uniform(10, 70)
        target = np.add(meet, paths.polar(reach, bearing))
        origin = np.add(meet, paths.polar(rng.uniform(3000, 4000), bearing))
        plan.perpetrator = _visit(rng, points, start, origin, target, stay)
        return
    zone = "school" if scenario == "school_breach" else "home"
    spec = next(spec for spec in plan.zones if spec.name == zone)
    target = np.add(spec.center, paths.polar(rng.uniform(0, spec.radius_m / 3), bearing))
    plan.victim = _stay(rng, points, _away_from(spec.center, rng))
    origin = np.add(target, paths.polar(rng.uniform(3000, 4000), bearing))
    accuracy = None
    if scenario == "inaccurate_breach":
        there = start + paths.leg_seconds(origin, target, CAR_KMH)
        accuracy = paths.accuracy(rng, points, 5, 30)
        poor = (grid := paths.grid_times(points)) >= there - 120
        poor &= grid <= there + stay
        accuracy[poor] = paths.accuracy(rng, int(poor.sum()), *INACCURATE_M)
        plan.inaccurate = (there - 120, there + stay)
    plan.perpetrator = _visit(rng, points, start, origin, target, stay, accuracy)


def _place(rng) -> tuple[float, float]:
    """Somewhere the victim goes, 2-3 km from home: not in her home zone."""
    return tuple(paths.polar(rng.uniform(2000, 3000), rng.uniform(0, 2 * math.pi)))


def _away_from(centre, rng) -> tuple[float, float]:
    """A place for the victim at least 3 km from ``centre`` (where the wearer is going)."""
    bearing = rng.uniform(0, 2 * math.pi)
    return tuple(np.add(centre, paths.polar(rng.uniform(3000, 4000), bearing)))


def _episode(plan, scenario, rng, duration, signal_loss_minutes) -> None:
    role = "v" if scenario == "panic" else "p"
    if scenario in ("low_battery", "signal_loss") and rng.random() < 0.5:
        role = "v"
    limit = signal_loss_minutes["ankle_monitor" if role == "p" else "victim_device"] * 60
    length = rng.uniform(180, 600)
    if scenario == "signal_loss":
        length = limit + rng.uniform(120, 300)
        if length > duration - 180:  # the victim device's limit does not fit: the wearer's does
            role, length = "p", signal_loss_minutes["ankle_monitor"] * 60 + 150
    start = rng.uniform(120, max(150, duration - length - 60))
    if scenario in ("panic", "implausible_position"):
        length = 0.0
    if scenario == "low_battery":
        drain = rng.uniform(0.5, 1.5) / 60
        plan.battery[role] = (20 + drain * start, -drain)
        length = duration - start
    plan.episodes.append(Episode(scenario, role, start, start + length))
