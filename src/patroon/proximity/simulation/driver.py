"""Runs a world through the alarm engine in this process: one ``PairEngine`` per pair, a clock
tick every ``world.tick_seconds``, report-rate commands fed back to the devices. Each ping is
processed at its own time (``now = ping.time``): no network, no queue."""

from __future__ import annotations

from patroon.proximity.engine import PairEngine
from patroon.proximity.simulation.scoring import ObservedAlarm, score
from patroon.proximity.simulation.world import World


def observed(pair: str, alarm) -> ObservedAlarm:
    return ObservedAlarm(pair, alarm.kind, alarm.device, alarm.time, alarm.detail.get("subject"))


def run_in_process(world: World) -> dict:
    """The score (see ``scoring.score``) plus the run's counts."""
    engines = {pair.id: PairEngine(pair.config, started_at=world.start) for pair in world.pairs}
    alarms: list[ObservedAlarm] = []
    pings = 0
    for kind, item in world.events():
        if kind == "tick":
            for pair_id, engine in engines.items():
                alarms += [observed(pair_id, a) for a in engine.on_tick(item).alarms]
            continue
        pings += 1
        pair_id = world.pair_of[item.device]
        outcome = engines[pair_id].on_ping(item, now=item.time)
        alarms += [observed(pair_id, a) for a in outcome.alarms]
        for command in outcome.commands:
            world.set_interval(command.device, command.report_interval_seconds)
    pair_hours = len(world.pairs) * world.duration_s / 3600
    return {"pings": pings, "alarms": len(alarms)} | score(world.truth, alarms, pair_hours)
