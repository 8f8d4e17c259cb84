"""The device endpoint over HTTPS: a small ASGI application in front of the pipeline.

Devices are not people with sessions, CSRF tokens and second factors: they send a message
every 15 to 60 seconds and need an answer in milliseconds. So this path bypasses Django's
request stack and talks to the pipeline directly; everything it stores still goes through
the ingestor (validation, engine, encryption, audit).

    POST /device/v1/messages     Authorization: Device <device id>:<secret>
    POST /device/v1/p/<NN>/messages  (the same, naming the pair's partition, as MQTT topics do)
         body: one message object or a list of up to 100 (buffered messages after an outage)
    200  {"receipts": [{"msg": 812, "status": "stored"}], "report_interval_seconds": 15,
          "alarms": [{"id": 17, "kind": "approach", "priority": 2, "time": "..."}]}

A 200 means every message with status ``stored`` or ``duplicate`` is in the evidence log.
A 503 means nothing was stored: the device keeps the messages and sends them again. Errors are
``application/problem+json``. ``alarms`` is only ever filled for a victim device, and names
the kind of danger, never where the wearer is.

One process can serve only so many devices (its engines live in one interpreter). Several
endpoint processes each serve a share of the partitions, and the proxy in front routes by the
partition in the path, so both devices of a pair always reach the same engine; a process asked
for a partition it does not serve answers 421 Misdirected Request.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading

from django.utils import timezone

from patroon.proximity.ingest import Incoming, Ingestor
from patroon.proximity.pipeline import Pipeline

PREFIX = "/device/v1/"
_PARTITIONED = re.compile(r"/device/v1/p/(\d{2})/messages")
MAX_BODY = 64 * 1024
MAX_MESSAGES = 100


class _Problem(Exception):
    def __init__(self, status: int, title: str, detail: str = "") -> None:
        super().__init__(title)
        self.status, self.title, self.detail = status, title, detail


def _credentials(scope) -> tuple[str, str]:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, rest = value.decode("latin-1").partition(" ")
            device_id, _, secret = rest.partition(":")
            if scheme == "Device" and device_id and secret:
                return device_id, secret
    raise _Problem(401, "Device credentials missing", "Send 'Authorization: Device <id>:<secret>'.")


async def _body(receive) -> bytes:
    chunks, size = [], 0
    while True:
        event = await receive()
        chunk = event.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            raise _Problem(413, "Body too large", f"At most {MAX_BODY} bytes.")
        chunks.append(chunk)
        if not event.get("more_body"):
            return b"".join(chunks)


def _messages(body: bytes) -> list:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _Problem(400, "Body is not JSON", str(exc)) from exc
    items = data if isinstance(data, list) else [data]
    if not items or len(items) > MAX_MESSAGES:
        raise _Problem(400, "Wrong number of messages", f"Send 1 to {MAX_MESSAGES} messages.")
    return items


async def _respond(send, status: int, document: dict, content_type: bytes) -> None:
    body = json.dumps(document).encode()
    # With its length the answer goes in one piece, not in chunks.
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class DeviceEndpoint:
    """Wraps the rest of the site's ASGI application; answers only under ``/device/v1/``."""

    def __init__(self, fallback, pipeline_factory=None, partitions=None) -> None:
        """``partitions``: the ones this process serves (None: all of them)."""
        self.fallback = fallback
        self.partitions = frozenset(partitions) if partitions is not None else None
        self._factory = pipeline_factory or (lambda: Pipeline(Ingestor(self.partitions)).start())
        self._pipeline: Pipeline | None = None
        self._lock = threading.Lock()

    @property
    def pipeline(self) -> Pipeline:
        with self._lock:
            if self._pipeline is None:
                self._pipeline = self._factory()
            return self._pipeline

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PREFIX):
            await self.fallback(scope, receive, send)
            return
        try:
            self._route(scope)
            document = await self._handle(scope, receive)
        except _Problem as problem:
            await _respond(
                send,
                problem.status,
                {"type": "about:blank", "title": problem.title, "status": problem.status}
                | ({"detail": problem.detail} if problem.detail else {}),
                b"application/problem+json",
            )
            return
        await _respond(send, 200, document, b"application/json")

    def _route(self, scope) -> None:
        path = scope["path"]
        partitioned = _PARTITIONED.fullmatch(path)
        if scope["method"] != "POST" or not (partitioned or path == PREFIX + "messages"):
            raise _Problem(404, "Not found", "POST /device/v1/messages is the only endpoint.")
        if self.partitions is None:
            return
        if partitioned is None:
            raise _Problem(
                421, "Misdirected request", "Name the pair's partition: /device/v1/p/NN/messages."
            )
        if int(partitioned[1]) not in self.partitions:
            raise _Problem(
                421,
                "Misdirected request",
                f"Partition {partitioned[1]} is served by another endpoint process.",
            )

    async def _handle(self, scope, receive) -> dict:
        device_id, secret = _credentials(scope)
        items = _messages(await _body(receive))
        now = timezone.now()
        batch = [Incoming(device_id, item, "http", now, secret) for item in items]
        try:
            receipts = await asyncio.wrap_future(self.pipeline.submit(batch))
        except Exception as exc:
            raise _Problem(503, "Not stored", "Nothing was stored; send again.") from exc
        if any(r.error == "unauthorized" for r in receipts) or all(
            r.error.startswith("unknown device") for r in receipts
        ):
            raise _Problem(401, "Device not recognised", "Unknown device or wrong secret.")
        interval = next(
            (r.report_interval_seconds for r in receipts if r.report_interval_seconds), None
        )
        return {
            "receipts": [
                {"msg": item.get("msg") if isinstance(item, dict) else None, "status": r.status}
                | ({"error": r.error} if r.error else {})
                for item, r in zip(items, receipts, strict=True)
            ],
            "report_interval_seconds": interval,
            "alarms": receipts[-1].alarms,
        }
