"""A device pair for the storage, ingest and console tests: an ankle monitor and a victim
device near Utrecht Centraal, with a home zone."""

from datetime import UTC, datetime, timedelta

import pytest

from patroon.accounts.actor import SYSTEM
from patroon.proximity import services

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
HOME = (52.0894, 5.1100)


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> datetime:
        self.moment += timedelta(seconds=seconds)
        return self.moment


@pytest.fixture
def clock():
    return Clock(T0)


@pytest.fixture
def pair(db):
    paired = services.pair_devices(
        SYSTEM, perpetrator_device="AM-1", victim_devices=["VD-1"], measure=None, simulated=True
    )
    services.add_zone(
        SYSTEM,
        paired.pair,
        name="home",
        kind="home",
        geometry={"center": list(HOME), "radius_m": 200},
        schedule=[],
    )
    return paired


def message(number: int, moment: datetime, lat: float, lon: float, **extra) -> dict:
    return {"msg": number, "t": moment.timestamp(), "lat": lat, "lon": lon, "acc": 5} | extra
