"""The evidence log as CSV: one file per table, fixed columns, values that read back exactly.

Times are UTC with microseconds (``2026-11-02T09:00:15.000000Z``); floats are written with
``repr``, the shortest text that reads back as the same float; UUIDs are hyphenated, booleans
``true``/``false``, JSON has sorted keys. An empty cell is NULL in a column that may be NULL
and the empty string otherwise (an empty operator note is stored as NULL, never as ""). The
encrypted columns are decrypted: ciphertext is useless to a court, and an import encrypts
again under the target system's own key. Rows are ordered by primary key, so two exports of
the same log are byte for byte the same file.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db.models import Q, QuerySet

from patroon.proximity import store
from patroon.proximity.models import (
    Alarm,
    Command,
    Delivery,
    Device,
    DevicePair,
    OperatorAction,
    Ping,
    Suppression,
    Zone,
)
from patroon.security.keys import cipher

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
POSITION_HEADERS = ("lat", "lon", "accuracy_m", "speed")
CHUNK = 2000


def write_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime(TIME_FORMAT)


def _read_time(text: str) -> datetime:
    return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=UTC)


def _read_bool(text: str) -> bool:
    if text not in ("true", "false"):
        raise ValueError(f"{text!r} is not true or false")
    return text == "true"


def _write_json(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# kind -> (to text, from text)
CODECS: dict[str, tuple[Callable, Callable]] = {
    "str": (str, str),
    "int": (str, int),
    "float": (lambda v: repr(float(v)), float),
    "bool": (lambda v: "true" if v else "false", _read_bool),
    "date": (date.isoformat, date.fromisoformat),
    "datetime": (write_time, _read_time),
    "uuid": (str, uuid.UUID),
    "json": (_write_json, json.loads),
}


def _position_cells(envelope) -> list[str]:
    if envelope is None:
        return ["", "", "", ""]
    lat, lon, accuracy, speed = store.open_position(envelope)
    return [repr(float(v)) if v is not None else "" for v in (lat, lon, accuracy, speed)]


def _seal_position(cells: list[str]) -> bytes | None:
    if not any(cells):
        return None
    lat, lon, accuracy, speed = cells
    return store.seal_position(
        float(lat), float(lon), float(accuracy), float(speed) if speed else None
    )


@dataclass(frozen=True)
class Column:
    field: str  # the model field; a foreign key by its attname (``pair_id``)
    kind: str  # a CODECS key, "sealed" (encrypted text) or "position" (four columns)
    null: bool = False
    purpose: bytes = b""  # for "sealed": the column's AES-GCM associated data

    @property
    def headers(self) -> tuple[str, ...]:
        return POSITION_HEADERS if self.kind == "position" else (self.field,)

    def write(self, value) -> list[str]:
        if self.kind == "position":
            return _position_cells(value)
        if value is None:
            return [""]
        if self.kind == "sealed":
            return [cipher().decrypt(value, self.purpose)]
        return [CODECS[self.kind][0](value)]

    def read(self, cells: list[str]):
        if self.kind == "position":
            return _seal_position(cells)
        [cell] = cells
        if cell == "" and self.null:
            return None
        if self.kind == "sealed":
            return cipher().encrypt(cell, self.purpose)
        return CODECS[self.kind][1](cell)


@dataclass(frozen=True)
class Scope:
    """Which part of the log: some pairs (all when None) and a period [since, until)."""

    pair_ids: tuple[uuid.UUID, ...] | None = None
    since: datetime | None = None
    until: datetime | None = None

    def q(self, pair: str, time: str | None = None) -> Q:
        q = Q() if self.pair_ids is None else Q(**{f"{pair}__in": self.pair_ids})
        if time and self.since:
            q &= Q(**{f"{time}__gte": self.since})
        if time and self.until:
            q &= Q(**{f"{time}__lt": self.until})
        return q


@dataclass(frozen=True)
class Table:
    name: str
    model: type
    columns: tuple[Column, ...]
    select: Callable[[Scope], Q]
    # Text and UUID keys sort differently per database collation: such (small) tables are
    # sorted in Python, so the file is the same whatever database it came from.
    small: bool = False

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def fields(self) -> list[str]:
        return [c.field for c in self.columns]

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(h for c in self.columns for h in c.headers)

    def queryset(self, scope: Scope) -> QuerySet:
        return self.model.objects.filter(self.select(scope))

    def rows(self, scope: Scope) -> Iterable[tuple]:
        found = self.queryset(scope).values_list(*self.fields)
        if self.small:
            return sorted(found, key=lambda row: str(row[0]))
        return found.order_by("pk").iterator(chunk_size=CHUNK)

    def write(self, values: tuple) -> list[str]:
        return [cell for c, v in zip(self.columns, values, strict=True) for cell in c.write(v)]

    def read(self, cells: list[str]) -> list:
        values, at = [], 0
        for column in self.columns:
            width = len(column.headers)
            values.append(column.read(cells[at : at + width]))
            at += width
        return values


def _c(field: str, kind: str = "str", null: bool = False) -> Column:
    return Column(field, kind, null)


def _id(kind: str = "int") -> Column:
    return Column("id", kind)


def _actions(scope: Scope) -> Q:
    """An action on an alarm goes with its alarm (what was done about it, even after the
    period); an action without an alarm by its own time."""
    return scope.q("pair_id") & (
        (Q(alarm__isnull=True) & scope.q("pair_id", "at"))
        | (Q(alarm__isnull=False) & scope.q("pair_id", "alarm__raised_at"))
    )


PAIRS = Table(
    "pairs",
    DevicePair,
    (
        _id("uuid"),
        _c("reference"),
        _c("measure_id", "int", null=True),
        _c("legal_basis"),
        _c("starts_on", "date"),
        _c("ends_on", "date", null=True),
        _c("status"),
        _c("partition", "int"),
        _c("alert_radius_m", "float"),
        _c("inner_radius_m", "float"),
        _c("simulated", "bool"),
        _c("created_at", "datetime"),
        _c("created_by"),
    ),
    lambda s: s.q("pk"),
    small=True,
)
DEVICES = Table(
    "devices",
    Device,
    (_id("str"), _c("pair_id", "uuid"), _c("kind"), _c("report_interval_seconds", "int")),
    lambda s: s.q("pair_id"),
    small=True,
)
# Not evidence, and a credential: only in a migration export (see docs/proximity.md).
CREDENTIALS = Table(
    "device_credentials",
    Device,
    (_id("str"), _c("secret_hash")),
    lambda s: s.q("pair_id"),
    small=True,
)
ZONES = Table(
    "zones",
    Zone,
    (
        _id(),
        _c("pair_id", "uuid"),
        _c("name"),
        _c("kind"),
        Column("geometry", "sealed", purpose=store.GEOMETRY_PURPOSE),
        _c("schedule", "json"),
        _c("active", "bool"),
    ),
    lambda s: s.q("pair_id"),
)
PINGS = Table(
    "pings",
    Ping,
    (
        _id(),
        _c("device_id"),
        _c("pair_id", "uuid"),
        _c("message_id", "int"),
        _c("kind"),
        _c("time", "datetime"),
        _c("received_at", "datetime"),
        Column("position", "position", null=True),
        _c("battery", "float", null=True),
        _c("strap_ok", "bool"),
        _c("skin_contact", "bool"),
        _c("unit_linked", "bool"),
        _c("panic", "bool"),
        _c("flags"),
        _c("transport"),
        _c("batch", "uuid"),
    ),
    lambda s: s.q("pair_id", "received_at"),
)
ALARMS = Table(
    "alarms",
    Alarm,
    (
        _id(),
        _c("pair_id", "uuid"),
        _c("device_id"),
        _c("ping_device"),
        _c("ping_message_id", "int", null=True),
        _c("kind"),
        _c("priority", "int"),
        _c("time", "datetime"),
        _c("raised_at", "datetime"),
        _c("detail", "json"),
        _c("policy_version"),
        _c("status"),
        _c("escalated_at", "datetime", null=True),
        _c("acknowledged_at", "datetime", null=True),
        _c("acknowledged_by"),
    ),
    lambda s: s.q("pair_id", "raised_at"),
)
SUPPRESSIONS = Table(
    "suppressions",
    Suppression,
    (
        _id(),
        _c("pair_id", "uuid"),
        _c("ping_device"),
        _c("ping_message_id", "int", null=True),
        _c("kind"),
        _c("device"),
        _c("time", "datetime"),
        _c("reason"),
    ),
    lambda s: s.q("pair_id", "time"),
)
DELIVERIES = Table(
    "deliveries",
    Delivery,
    (
        _id(),
        _c("alarm_id", "int"),
        _c("target"),
        _c("status"),
        _c("attempts", "int"),
        _c("last_attempt_at", "datetime", null=True),
        _c("delivered_at", "datetime", null=True),
    ),
    lambda s: s.q("alarm__pair_id", "alarm__raised_at"),
)
COMMANDS = Table(
    "commands",
    Command,
    (
        _id(),
        _c("device_id"),
        _c("report_interval_seconds", "int"),
        _c("created_at", "datetime"),
        _c("sent_at", "datetime", null=True),
    ),
    lambda s: s.q("device__pair_id", "created_at"),
)
OPERATOR_ACTIONS = Table(
    "operator_actions",
    OperatorAction,
    (
        _id(),
        _c("pair_id", "uuid"),
        _c("alarm_id", "int", null=True),
        _c("kind"),
        _c("at", "datetime"),
        _c("actor"),
        Column("note", "sealed", null=True, purpose=store.NOTE_PURPOSE),
    ),
    _actions,
)
# In foreign-key order: an import inserts them in this order.
TABLES = (
    PAIRS,
    DEVICES,
    ZONES,
    PINGS,
    ALARMS,
    SUPPRESSIONS,
    DELIVERIES,
    COMMANDS,
    OPERATOR_ACTIONS,
)
