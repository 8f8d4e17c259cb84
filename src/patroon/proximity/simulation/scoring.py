"""Scores alarms against the ground truth.

Matching: an alarm matches a truth event of the same pair and kind whose window, widened by
``GRACE`` on both sides, holds the alarm's time (early too: the engine counts an approach
when the accuracy circles *could* touch, before the true positions do). The window opens at the
event's ``armed_from`` when that is earlier: a wearer who lingered just outside, never clearly
out, may have been alarmed on his accuracy circle long before he stepped in, and the engine
rightly does not alarm again when he does. Device-bound kinds
(sensors, signal loss) must also name the same device, zone breaches the same zone. An
approach alarm during a motorway passing belongs to the passing. The first matching alarm
detects the event; further ones are repeats. An alarm that matches nothing is a false alarm,
unless it falls in a window of deliberately poor accuracy on that pair: those are counted
apart, because the engine favours recall on uncertain positions by design.

Latency, in simulated seconds: from ``detectable_at`` (the first ping at or after the event's
start that carries it, or for signal loss the moment the silence passed the device's limit)
to the alarm's time; ``delay_s`` is from the event's true start (negative for an alarm raised on
an accuracy circle before the true positions met the condition). Both cover accurate events
only: on poor positions "when it became detectable" is not well defined. A driver that timestamps
processing can pass ``wall_latency_s`` per alarm (wall clock from feeding the ping that raised
it to the alarm being stored); those are summarised as they are."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from patroon.proximity.simulation.scenarios import SENSOR_KINDS
from patroon.proximity.simulation.truth import CONTEXT_KINDS, TruthEvent

GRACE = timedelta(seconds=120)
DEVICE_KINDS = frozenset(SENSOR_KINDS)


@dataclass(frozen=True)
class ObservedAlarm:
    pair: str
    kind: str
    device: str
    time: datetime
    subject: str | None = None
    wall_latency_s: float | None = None


def _matches(alarm: ObservedAlarm, event: TruthEvent) -> bool:
    kind = "approach" if event.kind == "motorway_passing" else event.kind
    opens = min(event.start, event.armed_from or event.start)
    if alarm.kind != kind or not opens - GRACE <= alarm.time <= event.end + GRACE:
        return False
    if event.kind in DEVICE_KINDS:
        return alarm.device in event.devices
    return event.subject is None or alarm.subject == event.subject


def _summary(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    array = np.array(values)
    return {
        "n": len(values),
        "mean": round(float(array.mean()), 2),
        "p50": round(float(np.percentile(array, 50)), 2),
        "p95": round(float(np.percentile(array, 95)), 2),
        "max": round(float(array.max()), 2),
    }


def _recall(events: list[TruthEvent], detected: set[int]) -> dict:
    hit = sum(1 for event in events if id(event) in detected)
    return {
        "events": len(events),
        "detected": hit,
        "recall": round(hit / len(events), 4) if events else None,
    }


def within(truth: Sequence[TruthEvent], until: datetime, margin: timedelta) -> list[TruthEvent]:
    """The events a run that stops at ``until`` could have detected: carried by a ping (or,
    for signal loss, past the limit) at least ``margin`` before the end — two pings inside
    make an approach. A short run leaves later scripted events out, not undetected."""
    return [
        e
        for e in truth
        if e.start < until
        and (
            e.kind in CONTEXT_KINDS
            or (e.detectable_at is not None and e.detectable_at <= until - margin)
        )
    ]


def score(
    truth: Sequence[TruthEvent],
    alarms: Iterable[ObservedAlarm],
    pair_hours: float,
    late: Sequence[TruthEvent] = (),
) -> dict:
    """``late``: events the run ended too soon to score (see ``within``); an alarm for one of
    them is neither a detection nor a false alarm."""
    by_pair = defaultdict(list)
    for event in truth:
        by_pair[event.pair].append(event)
    late_by_pair = defaultdict(list)
    for event in late:
        late_by_pair[event.pair].append(event)
    detected: dict[int, ObservedAlarm] = {}
    passing_alarms: dict[int, int] = defaultdict(int)
    false, on_poor_positions, repeats = [], 0, defaultdict(int)
    wall = []
    for alarm in sorted(alarms, key=lambda a: a.time):
        if alarm.wall_latency_s is not None:
            wall.append(alarm.wall_latency_s)
        candidates = [e for e in by_pair.get(alarm.pair, ()) if _matches(alarm, e)]
        if not candidates and any(_matches(alarm, e) for e in late_by_pair.get(alarm.pair, ())):
            continue
        if not candidates:
            poor = any(
                e.kind == "inaccurate_position" and e.start - GRACE <= alarm.time <= e.end + GRACE
                for e in by_pair.get(alarm.pair, ())
            )
            if poor:
                on_poor_positions += 1
            else:
                false.append(alarm)
            continue
        fresh = [e for e in candidates if id(e) not in detected]
        for event in candidates:
            if event.kind == "motorway_passing":
                passing_alarms[id(event)] += 1
        if fresh:
            detected[id(fresh[0])] = alarm
        else:
            repeats[alarm.kind] += 1
    scored = [e for e in truth if e.kind not in CONTEXT_KINDS and not e.brief]
    brief = [e for e in truth if e.brief and e.kind not in CONTEXT_KINDS]
    kinds = sorted({e.kind for e in scored})
    latency, delay = defaultdict(list), defaultdict(list)
    for event in scored:
        alarm = detected.get(id(event))
        if alarm is not None and event.accurate:
            delay[event.kind].append((alarm.time - event.start).total_seconds())
            if event.detectable_at is not None:
                latency[event.kind].append((alarm.time - event.detectable_at).total_seconds())
    passings = [e for e in truth if e.kind == "motorway_passing"]
    per_passing = [passing_alarms[id(e)] for e in passings]
    false_kinds = defaultdict(int)
    for alarm in false:
        false_kinds[alarm.kind] += 1
    return {
        "recall": _recall(scored, set(detected)),
        "recall_accurate": _recall([e for e in scored if e.accurate], set(detected)),
        "recall_by_kind": {
            k: _recall([e for e in scored if e.kind == k], set(detected)) for k in kinds
        },
        "recall_accurate_by_kind": {
            k: _recall([e for e in scored if e.kind == k and e.accurate], set(detected))
            for k in kinds
        },
        "breach_recall_accurate": _recall(
            [e for e in scored if e.kind == "zone_breach" and e.accurate], set(detected)
        ),
        "false_alarms": len(false),
        "false_alarms_by_kind": dict(sorted(false_kinds.items())),
        "false_alarms_per_pair_hour": round(len(false) / pair_hours, 6) if pair_hours else None,
        "alarms_on_inaccurate_positions": on_poor_positions,
        "repeat_alarms": dict(sorted(repeats.items())),
        "brief_events": _recall(brief, set(detected)),
        "motorway_passings": len(passings),
        "alarms_per_passing_max": max(per_passing, default=0),
        "alarms_per_passing_mean": round(float(np.mean(per_passing)), 3) if per_passing else None,
        "latency_s": {k: _summary(v) for k, v in sorted(latency.items())},
        "delay_s": {k: _summary(v) for k, v in sorted(delay.items())},
        "wall_latency_s": _summary(wall),
        "undetected": [
            {"pair": e.pair, "kind": e.kind, "start": e.start.isoformat(), "accurate": e.accurate}
            for e in scored
            if id(e) not in detected
        ][:50],
    }
