"""The simulated world through the real ingest path: pairs and zones stored, every ping parsed,
decided, encrypted and committed, alarms read back from the database and scored against the
world's ground truth. Used by ``patroon proximity simulate`` and ``patroon bench proximity``."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from patroon.proximity.engine import Ping
from patroon.proximity.ingest import Incoming, Ingestor
from patroon.proximity.models import Alarm, DevicePair
from patroon.proximity.services import FleetPair, simulated_fleet
from patroon.proximity.simulation import ObservedAlarm, World, score, within
from patroon.proximity.zones import Zone

BATCH = 500


def zone_row(zone: Zone) -> tuple[str, str, dict, list]:
    geometry = (
        {"center": list(zone.center), "radius_m": zone.radius_m}
        if zone.center is not None
        else {"vertices": [list(v) for v in zone.vertices]}
    )
    schedule = [
        {"weekday": w.weekday, "start": w.start.isoformat(), "end": w.end.isoformat()}
        for w in zone.schedule
    ]
    kind = zone.name if zone.name in {"home", "work", "school"} else "other"
    return zone.name, kind, geometry, schedule


def fleet_from_world(world: World) -> list[FleetPair]:
    return [
        FleetPair(
            pair.id, pair.perpetrator, (pair.victim,), tuple(zone_row(z) for z in pair.config.zones)
        )
        for pair in world.pairs
    ]


def device_message(ping: Ping, number: int) -> dict:
    """What a device would send for this ping (``spd`` in m/s, as the simulation makes it)."""
    message = {
        "msg": number,
        "t": ping.time.timestamp(),
        "lat": ping.lat,
        "lon": ping.lon,
        "acc": ping.accuracy_m,
        "strap": ping.strap_ok,
        "skin": ping.skin_contact,
        "panic": ping.panic,
    }
    if ping.speed is not None:
        message["spd"] = ping.speed
    if ping.battery is not None:
        message["bat"] = ping.battery
    return message


class _SimClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


def observed_alarms(references: dict[str, str]) -> list[ObservedAlarm]:
    """The stored alarms of the world's pairs; ``references`` maps pair reference -> world id."""
    rows = Alarm.objects.filter(pair__reference__in=references).values_list(
        "pair__reference", "kind", "device_id", "time", "detail"
    )
    return [
        ObservedAlarm(references[ref], kind, device, moment, (detail or {}).get("subject"))
        for ref, kind, device, moment, detail in rows
    ]


def run_stored(
    world: World, rate: float = 0.0, on_progress: Callable[[int], None] | None = None
) -> dict:
    """Feeds the world through an ``Ingestor`` on the world's clock. ``rate`` paces the feed
    in pings per wall-clock second (0: as fast as it goes)."""
    simulated_fleet(fleet_from_world(world))
    clock = _SimClock(world.start)
    ingestor = Ingestor(clock=clock)
    ingestor.load()
    numbers: dict[str, int] = {}
    batch: list[Incoming] = []
    fed, started = 0, time.monotonic()

    def flush() -> None:
        nonlocal fed
        if not batch:
            return
        for item, receipt in zip(batch, ingestor.accept(batch), strict=True):
            interval = receipt.report_interval_seconds
            if interval:  # never slower than the world's own rate
                world.set_interval(item.device_id, min(interval, world.interval_s))
        fed += len(batch)
        batch.clear()
        if on_progress is not None:
            on_progress(fed)
        if rate:
            time.sleep(max(0.0, fed / rate - (time.monotonic() - started)))

    for kind, item in world.events():
        if kind == "tick":
            flush()
            clock.moment = item
            ingestor.tick()
            continue
        clock.moment = item.time
        numbers[item.device] = numbers.get(item.device, 0) + 1
        message = device_message(item, numbers[item.device])
        batch.append(Incoming(item.device, message, "sim", item.time))
        if len(batch) >= BATCH:
            flush()
    flush()
    references = {pair.id: pair.id for pair in world.pairs}
    alarms = observed_alarms(references)
    stored_pairs = DevicePair.objects.filter(reference__in=references).count()
    return {"pings": fed, "pairs": stored_pairs, "alarms": len(alarms)} | score_run(world, alarms)


def score_run(world: World, alarms: list[ObservedAlarm]) -> dict:
    """Scored on the events the run could see: two reports before its end, or more."""
    end = world.start + timedelta(seconds=world.duration_s)
    margin = timedelta(seconds=2 * world.interval_s + world.slab_s)
    pair_hours = len(world.pairs) * world.duration_s / 3600
    scored = within(world.truth, end, margin)
    kept = {id(event) for event in scored}
    late = [event for event in world.truth if id(event) not in kept]
    return score(scored, alarms, pair_hours, late)
