"""Between the database rows and the pure engine: ciphertext in, engine objects out.

Each encrypted column is bound to its own purpose, so a position cannot be replayed as a zone
or a note (AES-GCM associated data)."""

from __future__ import annotations

import hashlib
import json
from datetime import time

import msgspec

from patroon.proximity.engine import PairConfig, Ping
from patroon.proximity.zones import Window, Zone
from patroon.security.keys import cipher

POSITION_PURPOSE = b"patroon.proximity.Ping.position"
GEOMETRY_PURPOSE = b"patroon.proximity.Zone.geometry"
NOTE_PURPOSE = b"patroon.proximity.OperatorAction.note"
# A worker holds one MQTT session per partition; the broker lets each session have only 20
# unacknowledged messages (Mosquitto's default), so enough partitions keep that window from
# becoming the limit while commits are in progress (measured: 16 capped near 3,700/s).
PARTITIONS = 64


def parse_partitions(text: str) -> list[int]:
    """``all``, ``0-7``, ``0,2,4`` or ``i/n`` (the partitions of process i of n); a
    ValueError says what is wrong."""
    if text == "all":
        return list(range(PARTITIONS))
    if "/" in text:
        index, count = (int(v) for v in text.split("/"))
        if not 0 <= index < count:
            raise ValueError("index/count: index must be below count")
        return [p for p in range(PARTITIONS) if p % count == index]
    chosen = set()
    for part in text.split(","):
        low, _, high = part.partition("-")
        chosen.update(range(int(low), int(high or low) + 1))
    if not chosen or max(chosen) >= PARTITIONS:
        raise ValueError(f"partitions are 0 to {PARTITIONS - 1}")
    return sorted(chosen)


def partition_for(pair_id) -> int:
    """Stable across processes and restarts (not Python's salted ``hash``)."""
    return hashlib.sha256(str(pair_id).encode()).digest()[0] % PARTITIONS


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def seal_position(lat: float, lon: float, accuracy_m: float, speed: float | None) -> bytes:
    # msgspec writes the same JSON array as json.dumps, without spaces, in a tenth of the
    # time: this runs for every position a worker stores.
    plain = msgspec.json.encode([lat, lon, accuracy_m, speed]).decode()
    return cipher().encrypt(plain, POSITION_PURPOSE)


def open_position(envelope: bytes) -> tuple[float, float, float, float | None]:
    lat, lon, accuracy_m, speed = json.loads(cipher().decrypt(envelope, POSITION_PURPOSE))
    return lat, lon, accuracy_m, speed


def seal_geometry(geometry: dict) -> bytes:
    return cipher().encrypt(json.dumps(geometry, sort_keys=True), GEOMETRY_PURPOSE)


def open_geometry(envelope: bytes) -> dict:
    return json.loads(cipher().decrypt(envelope, GEOMETRY_PURPOSE))


def _window(item: dict) -> Window:
    return Window(
        int(item["weekday"]), time.fromisoformat(item["start"]), time.fromisoformat(item["end"])
    )


def zone_from(name: str, geometry: dict, schedule: list[dict]) -> Zone:
    """``geometry``: ``{"center": [lat, lon], "radius_m": r}`` or ``{"vertices": [[lat, lon],
    ...]}``; ``schedule``: weekly windows. Raises ValueError naming the zone."""
    try:
        windows = tuple(_window(item) for item in schedule)
        if "center" in geometry:
            lat, lon = (float(v) for v in geometry["center"])
            return Zone(
                name, center=(lat, lon), radius_m=float(geometry["radius_m"]), schedule=windows
            )
        vertices = tuple((float(a), float(b)) for a, b in geometry["vertices"])
        return Zone(name, vertices=vertices, schedule=windows)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"zone {name!r}: {exc}") from exc


def pair_config(pair, devices, zones) -> PairConfig:
    """``devices``: (id, kind) rows; ``zones``: active Zone rows of this pair."""
    perpetrator = next(d for d, kind in devices if kind == "ankle_monitor")
    victims = tuple(sorted(d for d, kind in devices if kind == "victim_device"))
    return PairConfig.default(
        perpetrator,
        victims,
        alert_radius_m=pair.alert_radius_m,
        inner_radius_m=pair.inner_radius_m,
        zones=tuple(zone_from(z.name, open_geometry(z.geometry), z.schedule) for z in zones),
    )


def ping_from_row(device: str, row) -> Ping:
    """An engine ping from a stored row (for replay after a restart)."""
    lat = lon = 0.0
    accuracy = 0.0
    speed = None
    if row.position is not None:
        lat, lon, accuracy, speed = open_position(row.position)
    return Ping(
        device=device,
        time=row.time,
        lat=lat,
        lon=lon,
        accuracy_m=accuracy,
        speed=speed,
        battery=row.battery,
        strap_ok=row.strap_ok,
        skin_contact=row.skin_contact,
        unit_linked=row.unit_linked,
        panic=row.panic,
    )
