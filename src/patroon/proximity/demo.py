"""A demo device pair for `make run`: an ankle monitor approaching a victim device near
Utrecht Centraal, with a home zone, so the monitoring console has something to show."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from patroon.accounts.actor import SYSTEM
from patroon.cases.models import Measure
from patroon.proximity import services
from patroon.proximity.ingest import Incoming, Ingestor
from patroon.proximity.models import Device

WEARER, VICTIM = "DEMO-AM-1", "DEMO-VD-1"
HOME = (52.0894, 5.1100)
VICTIM_AT = (52.0907, 5.1214)
# The wearer's track in the last minutes: far, then inside the alert radius (an approach),
# then inside the inner radius (a close approach, top priority).
TRACK = [(52.1050, 5.1500), (52.0960, 5.1330), (52.0955, 5.1320), (52.0912, 5.1225)]


def load_demo() -> str | None:
    """Once: returns the pair's reference, or None when the demo pair exists already. Uses an
    active contact ban of the demo cases if there is one, else a simulated pair."""
    if Device.objects.filter(id=WEARER).exists():
        return None
    measure = (
        Measure.objects.filter(kind__in=services.ENFORCEABLE, status=Measure.Status.ACTIVE)
        .filter(device_pairs__isnull=True)
        .order_by("created_at")
        .first()
    )
    paired = services.pair_devices(
        SYSTEM,
        perpetrator_device=WEARER,
        victim_devices=[VICTIM],
        measure=measure,
        simulated=measure is None,
    )
    services.add_zone(
        SYSTEM,
        paired.pair,
        name="woning",
        kind="home",
        geometry={"center": list(HOME), "radius_m": 250},
        schedule=[],
    )
    moment = timezone.now() - timedelta(minutes=4)
    ingestor = Ingestor(clock=lambda: moment)

    def send(device: str, number: int, lat: float, lon: float, **extra) -> None:
        body = {"msg": number, "t": moment.timestamp(), "lat": lat, "lon": lon, "acc": 8}
        ingestor.accept([Incoming(device, body | extra, "http", moment)])

    send(VICTIM, 1, *VICTIM_AT, bat=64)
    for number, (lat, lon) in enumerate(TRACK, start=1):
        moment += timedelta(seconds=30)
        send(WEARER, number, lat, lon, bat=81)
        send(VICTIM, number + 1, *VICTIM_AT, bat=64 - number)
    moment += timedelta(seconds=15)
    send(VICTIM, len(TRACK) + 2, *VICTIM_AT, bat=17)
    return paired.pair.reference
