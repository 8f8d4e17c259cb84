"""The device message format, shared by HTTPS and MQTT. Pure Python: no Django.

A device sends JSON objects; ``msg`` is the device's own increasing message number, which makes
a resend after a lost acknowledgement harmless (the hub stores each (device, msg) once)::

    {"msg": 812, "type": "position", "t": 1795000000.0, "lat": 51.92, "lon": 4.47,
     "acc": 8, "spd": 1.2, "bat": 71, "strap": true, "skin": true, "panic": false}
    {"msg": 813, "type": "heartbeat", "t": 1795000030.0, "bat": 71, "strap": true}
    {"msg": 814, "type": "ack", "t": 1795000031.0, "alarms": [17, 18]}

``t`` is seconds since the epoch (UTC) or an ISO 8601 time with an offset.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

KINDS = ("position", "heartbeat", "ack")
MAX_BYTES = 2048


class PayloadError(ValueError):
    """The message cannot be accepted; the text names the field, for the device's log."""


@dataclass(frozen=True)
class Message:
    message_id: int
    kind: str
    time: datetime
    lat: float | None = None
    lon: float | None = None
    accuracy_m: float = 0.0
    speed: float | None = None
    battery: float | None = None
    strap_ok: bool = True
    skin_contact: bool = True
    panic: bool = False
    alarm_ids: tuple[int, ...] = field(default=())


def _number(data: dict, name: str, low: float, high: float, required: bool = False):
    value = data.get(name)
    if value is None:
        if required:
            raise PayloadError(f"'{name}' is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PayloadError(f"'{name}' must be a number")
    if not low <= value <= high:
        raise PayloadError(f"'{name}' must be between {low:g} and {high:g}")
    return float(value)


def _flag(data: dict, name: str, default: bool) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise PayloadError(f"'{name}' must be true or false")
    return value


def _time(value) -> datetime:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise PayloadError("'t' is out of range") from exc
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError as exc:
            raise PayloadError("'t' must be epoch seconds or ISO 8601") from exc
        if moment.tzinfo is None:
            raise PayloadError("'t' must carry a UTC offset")
        return moment.astimezone(UTC)
    raise PayloadError("'t' is required: epoch seconds or ISO 8601")


def parse(raw: bytes | str | dict) -> Message:
    if isinstance(raw, bytes | str):
        if len(raw) > MAX_BYTES:
            raise PayloadError(f"message is larger than {MAX_BYTES} bytes")
        try:
            raw = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise PayloadError("message is not valid JSON") from exc
    if not isinstance(raw, dict):
        raise PayloadError("message must be a JSON object")
    message_id = raw.get("msg")
    if isinstance(message_id, bool) or not isinstance(message_id, int) or message_id < 0:
        raise PayloadError("'msg' must be a non-negative integer")
    kind = raw.get("type", "position")
    if kind not in KINDS:
        raise PayloadError(f"'type' must be one of {', '.join(KINDS)}")
    moment = _time(raw.get("t"))
    if kind == "ack":
        ids = raw.get("alarms")
        if not isinstance(ids, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in ids
        ):
            raise PayloadError("'alarms' must be a list of alarm numbers")
        return Message(message_id, kind, moment, alarm_ids=tuple(ids))
    position = kind == "position"
    return Message(
        message_id=message_id,
        kind=kind,
        time=moment,
        lat=_number(raw, "lat", -90, 90, required=position),
        lon=_number(raw, "lon", -180, 180, required=position),
        accuracy_m=_number(raw, "acc", 0, 100_000) or 0.0,
        speed=_number(raw, "spd", 0, 1_000),
        battery=_number(raw, "bat", 0, 100),
        strap_ok=_flag(raw, "strap", True),
        skin_contact=_flag(raw, "skin", True),
        panic=_flag(raw, "panic", False),
    )


def message_number(raw: bytes | str | dict) -> int | None:
    """The ``msg`` of a message that failed ``parse``, if it can be read: the refusal names it,
    so the device stops resending that one."""
    try:
        data = json.loads(raw) if isinstance(raw, bytes | str) else raw
    except (ValueError, UnicodeDecodeError):
        return None
    number = data.get("msg") if isinstance(data, dict) else None
    return number if isinstance(number, int) and not isinstance(number, bool) else None
