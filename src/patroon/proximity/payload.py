"""The device message format, shared by HTTPS and MQTT. Pure Python: no Django.

A device sends JSON objects; ``msg`` is the device's own increasing message number, which makes
a resend after a lost acknowledgement harmless (the hub stores each (device, msg) once)::

    {"msg": 812, "type": "position", "t": 1795000000.0, "lat": 51.92, "lon": 4.47,
     "acc": 8, "spd": 1.2, "bat": 71, "strap": true, "skin": true, "unit": true, "panic": false}
    {"msg": 813, "type": "heartbeat", "t": 1795000030.0, "bat": 71, "strap": true}
    {"msg": 814, "type": "ack", "t": 1795000031.0, "alarms": [17, 18]}

``t`` is seconds since the epoch (UTC) or an ISO 8601 time with an offset. ``unit`` (ankle
monitors) says whether the bracelet is within radio range of the GPS unit it is paired with;
absent means it is.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Literal

import msgspec

KINDS = ("position", "heartbeat", "ack")
MAX_BYTES = 2048


class PayloadError(ValueError):
    """The message cannot be accepted; the text names the field, for the device's log."""


@dataclass(slots=True)  # not frozen: 2 us less per message (see engine.Ping)
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
    unit_linked: bool = True
    panic: bool = False
    alarm_ids: tuple[int, ...] = field(default=())


def _between(low: float, high: float):
    return Annotated[float, msgspec.Meta(ge=low, le=high)] | None


class _Wire(msgspec.Struct):
    """The message as sent. Decoding and validating it in msgspec costs about 1 us where the
    hand-written checks cost 17 (measured): the engine worker parses every position."""

    msg: Annotated[int, msgspec.Meta(ge=0)]
    t: float | str
    type: Literal["position", "heartbeat", "ack"] = "position"
    lat: _between(-90, 90) = None
    lon: _between(-180, 180) = None
    acc: _between(0, 100_000) = None
    spd: _between(0, 1_000) = None
    bat: _between(0, 100) = None
    strap: bool = True
    skin: bool = True
    unit: bool = True
    panic: bool = False
    alarms: list[int] | None = None


_DECODER = msgspec.json.Decoder(_Wire)
_AT = re.compile(r"^(?P<reason>.*) - at `\$\.(?P<field>[^`]+)`$")


def _refusal(exc: msgspec.ValidationError) -> PayloadError:
    """msgspec's reason with the field in front: "'lat': Expected `float` <= 90.0"."""
    found = _AT.match(str(exc))
    if found is None:
        return PayloadError(f"message: {exc}")
    return PayloadError(f"'{found['field']}': {found['reason']}")


def _time(value: float | str) -> datetime:
    if isinstance(value, float):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise PayloadError("'t' is out of range") from exc
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise PayloadError("'t' must be epoch seconds or ISO 8601") from exc
    if moment.tzinfo is None:
        raise PayloadError("'t' must carry a UTC offset")
    return moment.astimezone(UTC)


def _wire(raw: bytes | str | dict) -> _Wire:
    if not isinstance(raw, dict) and len(raw) > MAX_BYTES:
        raise PayloadError(f"message is larger than {MAX_BYTES} bytes")
    try:
        return msgspec.convert(raw, _Wire) if isinstance(raw, dict) else _DECODER.decode(raw)
    except msgspec.ValidationError as exc:  # a DecodeError too: first
        raise _refusal(exc) from exc
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        raise PayloadError("message is not valid JSON") from exc


def parse(raw: bytes | str | dict) -> Message:
    wire = _wire(raw)
    moment = _time(wire.t)
    if wire.type == "ack":
        if wire.alarms is None:
            raise PayloadError("'alarms' must be a list of alarm numbers")
        return Message(wire.msg, wire.type, moment, alarm_ids=tuple(wire.alarms))
    if wire.type == "position":
        for name in ("lat", "lon"):
            if getattr(wire, name) is None:
                raise PayloadError(f"'{name}' is required")
    return Message(
        wire.msg,
        wire.type,
        moment,
        wire.lat,
        wire.lon,
        wire.acc or 0.0,
        wire.spd,
        wire.bat,
        wire.strap,
        wire.skin,
        wire.unit,
        wire.panic,
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
