"""Builders for engine tests: a pair near Rotterdam and pings placed by metres."""

from datetime import UTC, datetime, timedelta

from patroon.proximity.engine import PairConfig, PairEngine, Ping

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)  # a Monday, 09:00 in Rotterdam
HOME = (51.9225, 4.4792)
METRES_PER_DEGREE_LAT = 111_195.0
WEARER, VICTIM = "ankle-1", "victim-1"


def at(north_m: float = 0.0, east_m: float = 0.0, origin=HOME) -> tuple[float, float]:
    from math import cos, radians

    lat = origin[0] + north_m / METRES_PER_DEGREE_LAT
    lon = origin[1] + east_m / (METRES_PER_DEGREE_LAT * cos(radians(origin[0])))
    return lat, lon


def ping(device, seconds, north_m=0.0, east_m=0.0, **fields) -> Ping:
    lat, lon = at(north_m, east_m)
    return Ping(device, T0 + timedelta(seconds=seconds), lat, lon, **fields)


def engine(**overrides) -> PairEngine:
    return PairEngine(PairConfig.default(WEARER, (VICTIM,), **overrides), started_at=T0)


def feed(eng: PairEngine, *pings: Ping):
    """Feeds pings as if each arrived at its own time; returns all outcomes."""
    return [eng.on_ping(p, now=p.time) for p in pings]


def kinds(outcomes) -> list[str]:
    return [alarm.kind for outcome in outcomes for alarm in outcome.alarms]
