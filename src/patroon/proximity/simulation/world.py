"""The simulated world: pairs, their paths and scripted episodes, the ground truth, and a ping
stream in time order that honours report-rate commands.

Pings are made a slab of ``SLAB_S`` seconds at a time with numpy (position, noise, sensors for
every device due in the slab); only the ``Ping`` objects are built one by one. A slab is no
longer than the shortest report interval, so a command applied after a ping always lands in a
later slab. Noise is Gaussian per axis with sigma = accuracy / 1.51, so the reported accuracy
is the 68 % radius, as phones report it."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from patroon.proximity.engine import PairConfig, Ping
from patroon.proximity.simulation import paths, scenarios, truth
from patroon.proximity.simulation.places import TOWNS
from patroon.proximity.simulation.traces import METRES_PER_DEGREE, Source, load_traces
from patroon.proximity.zones import Zone

SLAB_S = 15
NORMAL_INTERVAL_S = 60
# The benchmark runs every device at 10 s: 20,000 pairs then send 4,000 positions a second.
FASTEST_INTERVAL_S = 10
TICK_S = 30
SCENARIO_SHARE = 0.5
SIGMA_PER_ACCURACY = 1 / 1.51
GLITCH_M = 80_000.0  # the "80 km away" fix
WEARER_TOWN_KM = (15.0, 80.0)


@dataclass(frozen=True)
class SimPair:
    id: str
    perpetrator: str
    victim: str
    home: tuple[float, float]
    town: str
    scenario: str | None
    config: PairConfig


class World:
    """Build with ``build_world``. ``pings()`` or ``events()`` may be consumed once."""

    def __init__(
        self,
        start: datetime,
        duration_s: float,
        seed: int,
        sources: list[Source],
        interval_s: int = NORMAL_INTERVAL_S,
    ):
        if interval_s < FASTEST_INTERVAL_S:
            raise ValueError(f"report interval below {FASTEST_INTERVAL_S} s is not simulated")
        self.start = start
        self.interval_s = interval_s
        # A slab never spans two reports of one device and divides the 30 s tick.
        self.slab_s = SLAB_S if interval_s >= SLAB_S else FASTEST_INTERVAL_S
        self.duration_s = duration_s
        self.sources = sources
        self.pairs: list[SimPair] = []
        self.truth: list[truth.TruthEvent] = []
        self.tick_seconds = TICK_S
        self.pair_of: dict[str, str] = {}
        self._noise = np.random.default_rng([seed, 1])
        self._devices: list[str] = []
        self._index: dict[str, int] = {}
        self._tracks: list[paths.Path] = []
        self._anchor: list[tuple[float, float]] = []
        self._extras: list[tuple[float, int, str]] = []  # (seconds, device, panic|glitch|report)
        self._watch: dict[int, list[truth.TruthEvent]] = {}
        self._silence_events: dict[int, list[truth.TruthEvent]] = {}

    @property
    def devices(self) -> list[str]:
        return list(self._devices)

    # -- building ---------------------------------------------------------------------------

    def _add_pair(self, pair: SimPair, plan: scenarios.PairPlan) -> None:
        self.pairs.append(pair)
        for device, track in ((pair.perpetrator, plan.perpetrator), (pair.victim, plan.victim)):
            self._index[device] = len(self._devices)
            self._devices.append(device)
            self._tracks.append(track)
            self._anchor.append(pair.home)
            self.pair_of[device] = pair.id

    def _finish(self, rng: np.random.Generator, plans: list[scenarios.PairPlan]) -> None:
        count = len(self._devices)
        self._east = np.stack([t.east for t in self._tracks]).astype(np.float32)
        self._north = np.stack([t.north for t in self._tracks]).astype(np.float32)
        self._accuracy = np.stack([t.accuracy for t in self._tracks]).astype(np.float32)
        anchors = np.array(self._anchor)
        self._lat0 = anchors[:, 0]
        self._lon0 = anchors[:, 1]
        self._lon_scale = METRES_PER_DEGREE * np.cos(np.radians(self._lat0))
        self._interval = np.full(count, float(self.interval_s))
        self._next = rng.uniform(0, self.interval_s, count).round(3)
        self._last = np.full(count, -np.inf)
        self._heard = np.zeros(count)
        never = (np.full(count, np.inf), np.full(count, np.inf))
        self._silent, self._strap_off, self._skin_off = (
            tuple(a.copy() for a in never) for _ in range(3)
        )
        self._battery = np.zeros((count, 2))
        self._limit = [
            timedelta(minutes=pair.config.signal_loss_minutes[pair.config.device_type(device)])
            for pair in self.pairs
            for device in (pair.perpetrator, pair.victim)
        ]
        for pair, plan in zip(self.pairs, plans, strict=True):
            self._script(pair, plan)
        self._extras.sort()
        self._tracks = []

    def _script(self, pair: SimPair, plan: scenarios.PairPlan) -> None:
        role_device = {"p": pair.perpetrator, "v": pair.victim}
        for role, (level, drain) in plan.battery.items():
            self._battery[self._index[role_device[role]]] = (level, drain)
        devices = (pair.perpetrator, pair.victim)
        events = truth.measure(
            pair.id,
            devices,
            plan.perpetrator,
            plan.victim,
            [(spec, zone) for spec, zone in zip(plan.zones, pair.config.zones, strict=True)],
            pair.config,
            self.start,
            self.duration_s,
            min_held_s=self.interval_s + pair.config.alarm_report_seconds,
        )
        if plan.scenario == "motorway_passing":
            for event in events:
                if event.kind == "approach":
                    event.kind = "motorway_passing"
        if plan.inaccurate is not None:
            first, last = (self.start + timedelta(seconds=s) for s in plan.inaccurate)
            events.append(
                truth.TruthEvent(pair.id, "inaccurate_position", devices, first, last, False)
            )
        for episode in plan.episodes:
            device = role_device[episode.role]
            index = self._index[device]
            span = (episode.start_s, episode.end_s)
            first, last = (self.start + timedelta(seconds=s) for s in span)
            event = truth.TruthEvent(pair.id, episode.kind, (device,), first, last)
            events.append(event)
            if episode.kind == "signal_loss":
                self._silent[0][index], self._silent[1][index] = span
                self._silence_events.setdefault(index, []).append(event)
                continue
            if episode.kind == "strap_tamper":
                self._strap_off[0][index], self._strap_off[1][index] = span
            if episode.kind == "skin_contact_loss":
                self._skin_off[0][index], self._skin_off[1][index] = span
            if episode.kind != "low_battery":  # an alert is reported at once, not on schedule
                flag = {"panic": "panic", "implausible_position": "glitch"}.get(episode.kind)
                self._extras.append((episode.start_s, index, flag or "report"))
        for event in events:
            if event.kind != "signal_loss":
                for device in event.devices:
                    self._watch.setdefault(self._index[device], []).append(event)
        self.truth.extend(events)

    # -- running ----------------------------------------------------------------------------

    def set_interval(self, device: str, seconds: int) -> None:
        """A report-rate command reached the device: from now on it reports every ``seconds``."""
        if seconds < self.slab_s:
            raise ValueError(f"report interval {seconds} s is below the slab of {self.slab_s} s")
        index = self._index[device]
        if self._interval[index] != seconds:
            self._interval[index] = seconds
            self._next[index] = max(self._last[index] + seconds, self._slab_end)

    def pings(self) -> Iterator[Ping]:
        for kind, item in self.events():
            if kind == "ping":
                yield item

    def events(self) -> Iterator[tuple[str, Ping | datetime]]:
        """``("ping", Ping)`` and ``("tick", datetime)`` in time order; a tick every
        ``tick_seconds`` comes after the pings up to and including its moment."""
        extras = 0
        self._slab_end = 0.0
        while self._slab_end < self.duration_s:
            self._slab_end += self.slab_s
            end = min(self._slab_end, self.duration_s)
            due = np.flatnonzero(self._next < end)
            seconds = self._next[due]
            self._last[due] = seconds
            self._next[due] = seconds + self._interval[due]
            flags = [""] * len(due)
            first = extras
            while extras < len(self._extras) and self._extras[extras][0] < end:
                extras += 1
            if extras > first:
                added = self._extras[first:extras]
                due = np.concatenate([due, [index for _, index, _ in added]]).astype(int)
                seconds = np.concatenate([seconds, [moment for moment, _, _ in added]])
                flags += [flag for _, _, flag in added]
            yield from self._slab(due, seconds, flags)
            if self._slab_end % self.tick_seconds == 0:
                yield "tick", self.start + timedelta(seconds=self._slab_end)

    def _slab(self, due, seconds, flags) -> Iterator[tuple[str, Ping]]:
        silent = (seconds >= self._silent[0][due]) & (seconds < self._silent[1][due])
        for index in due[silent]:
            for event in self._silence_events.get(int(index), ()):
                if event.detectable_at is None:
                    limit = self._limit[int(index)]
                    heard = self.start + timedelta(seconds=float(self._heard[index]))
                    event.detectable_at = heard + limit
        keep = ~silent
        due, seconds = due[keep], seconds[keep]
        flags = [flag for flag, kept in zip(flags, keep, strict=True) if kept]
        self._heard[due] = np.maximum(self._heard[due], seconds)
        position = seconds / paths.GRID_S
        cell = position.astype(int)
        part = (position - cell).astype(np.float32)
        east = self._east[due, cell] * (1 - part) + self._east[due, cell + 1] * part
        north = self._north[due, cell] * (1 - part) + self._north[due, cell + 1] * part
        accuracy = self._accuracy[due, cell] * (1 - part) + self._accuracy[due, cell + 1] * part
        speed = (
            np.hypot(
                self._east[due, cell + 1] - self._east[due, cell],
                self._north[due, cell + 1] - self._north[due, cell],
            )
            / paths.GRID_S
        )
        noise = self._noise.standard_normal((2, len(due))) * accuracy * SIGMA_PER_ACCURACY
        north = north + noise[1]
        east = east + noise[0]
        lat = self._lat0[due] + north / METRES_PER_DEGREE
        lon = self._lon0[due] + east / self._lon_scale[due]
        battery = np.clip(self._battery[due, 0] + self._battery[due, 1] * seconds, 0, 100)
        strap = ~((seconds >= self._strap_off[0][due]) & (seconds < self._strap_off[1][due]))
        skin = ~((seconds >= self._skin_off[0][due]) & (seconds < self._skin_off[1][due]))
        rows = zip(
            due.tolist(),
            seconds.tolist(),
            lat.tolist(),
            lon.tolist(),
            accuracy.round().tolist(),
            speed.round(1).tolist(),
            battery.tolist(),  # unrounded: the truth is the exact crossing of the threshold
            strap.tolist(),
            skin.tolist(),
            flags,
            strict=True,
        )
        made = []
        for index, moment, lat_, lon_, acc, speed_, battery_, strap_, skin_, flag in rows:
            if flag == "glitch":
                lat_ += GLITCH_M / METRES_PER_DEGREE
            when = self.start + timedelta(seconds=moment)
            ping = Ping(
                self._devices[index],
                when,
                lat_,
                lon_,
                accuracy_m=acc,
                speed=speed_,
                battery=battery_,
                strap_ok=strap_,
                skin_contact=skin_,
                panic=flag == "panic",
            )
            made.append((moment, index, ping))
        made.sort(key=lambda item: (item[0], item[1]))
        for _, index, ping in made:
            for event in self._watch.get(index, ()):
                if event.detectable_at is None and event.start <= ping.time <= event.end:
                    event.detectable_at = ping.time
            yield "ping", ping


def _zone(spec: scenarios.ZoneSpec, home: tuple[float, float]) -> Zone:
    scale = METRES_PER_DEGREE * math.cos(math.radians(home[0]))

    def latlon(point):
        return (home[0] + point[1] / METRES_PER_DEGREE, home[1] + point[0] / scale)

    if spec.center is not None:
        return Zone(
            spec.name, center=latlon(spec.center), radius_m=spec.radius_m, schedule=spec.schedule
        )
    return Zone(spec.name, vertices=tuple(latlon(v) for v in spec.vertices), schedule=spec.schedule)


def _offset_m(origin: tuple[float, float], point: tuple[float, float]) -> tuple[float, float]:
    scale = METRES_PER_DEGREE * math.cos(math.radians(origin[0]))
    return ((point[1] - origin[1]) * scale, (point[0] - origin[0]) * METRES_PER_DEGREE)


def _wearer_town(rng, home) -> tuple[str, tuple[float, float]]:
    """Another town 15-80 km from the victim's home, in metres from it."""
    offsets = {name: _offset_m(home, place) for name, place in TOWNS.items()}
    low, high = (km * 1000 for km in WEARER_TOWN_KM)
    names = sorted(name for name, off in offsets.items() if low <= math.hypot(*off) <= high)
    name = names[rng.integers(len(names))]
    jitter = paths.polar(rng.uniform(0, 2000), rng.uniform(0, 2 * math.pi))
    return name, tuple(np.add(offsets[name], jitter))


def build_world(
    pairs: int,
    seed: int,
    start: datetime,
    minutes: float,
    traces_dir: Path | None = None,
    interval_s: int = NORMAL_INTERVAL_S,
) -> World:
    """``pairs`` device pairs over ``minutes`` from ``start`` (timezone-aware), each device
    reporting every ``interval_s``. Half of the pairs get one scenario each, every kind in
    turn; the rest only live their lives. Without ``traces_dir`` every path is synthetic."""
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    rng = np.random.default_rng(seed)
    traces, sources = {}, []
    if traces_dir is not None:
        traces, source = load_traces(Path(traces_dir))
        sources.append(source)
    duration = minutes * 60.0
    points = math.ceil(duration / paths.GRID_S) + 2
    world = World(start, duration, seed, sources, interval_s)
    chosen = rng.permutation(pairs)[
        : min(pairs, max(len(scenarios.SCENARIOS), round(pairs * SCENARIO_SHARE)))
    ]
    assigned = {
        int(p): scenarios.SCENARIOS[i % len(scenarios.SCENARIOS)] for i, p in enumerate(chosen)
    }
    towns = sorted(TOWNS)
    plans = []
    for number in range(pairs):
        town = towns[rng.integers(len(towns))]
        home = tuple(np.add(TOWNS[town], rng.uniform(-0.02, 0.02, 2)))
        _, elsewhere = _wearer_town(rng, home)
        pair_id = f"sim-s{seed}-p{number:05d}"
        config = PairConfig.default(f"{pair_id}-a", (f"{pair_id}-v",))
        plan = scenarios.plan_pair(
            assigned.get(number), rng, points, traces, elsewhere, config.signal_loss_minutes
        )
        config = PairConfig.default(
            config.perpetrator, config.victims, zones=tuple(_zone(z, home) for z in plan.zones)
        )
        world._add_pair(
            SimPair(
                pair_id, config.perpetrator, config.victims[0], home, town, plan.scenario, config
            ),
            plan,
        )
        plans.append(plan)
    world._finish(rng, plans)
    return world
