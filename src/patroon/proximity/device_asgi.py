"""The device endpoint on its own (``uvicorn patroon.proximity.device_asgi:application``):
for a process that serves only devices, on a port of its own, with nothing of the site. The
engines are loaded at start-up, before the first device is answered.

``PATROON_DEVICE_PARTITIONS`` (``all``, ``0-31``, ``i/n``) is the share of the partitions this
process serves, when several run behind a proxy that routes by the partition in the path."""

import asyncio
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patroon.settings")
django.setup()

from patroon.proximity.device_http import DeviceEndpoint  # noqa: E402 - needs Django set up
from patroon.proximity.store import parse_partitions  # noqa: E402


async def _rest(scope, receive, send) -> None:
    if scope["type"] == "lifespan":
        while True:
            event = await receive()
            if event["type"] == "lifespan.startup":
                pipeline = application.pipeline
                await asyncio.to_thread(pipeline.ready.wait)
                await send({"type": "lifespan.startup.complete"})
            elif event["type"] == "lifespan.shutdown":
                application.pipeline.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send({"type": "http.response.start", "status": 404, "headers": []})
    await send({"type": "http.response.body", "body": b""})


_SHARE = os.environ.get("PATROON_DEVICE_PARTITIONS", "all")
application = DeviceEndpoint(
    _rest, partitions=None if _SHARE == "all" else parse_partitions(_SHARE)
)
