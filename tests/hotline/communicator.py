"""A WebSocket test client speaking ASGI to the application, like Channels' own
``WebsocketCommunicator`` (whose package import needs Daphne, which we do not install)."""

from __future__ import annotations

import contextlib
import json

from asgiref.testing import ApplicationCommunicator


class Communicator(ApplicationCommunicator):
    def __init__(self, application, path: str, headers=None):
        super().__init__(
            application,
            {
                "type": "websocket",
                "path": path,
                "raw_path": path.encode(),
                "query_string": b"",
                "headers": headers or [],
                "subprotocols": [],
                "client": ("127.0.0.1", 40000),
                "server": ("127.0.0.1", 8000),
            },
        )

    async def connect(self, timeout=3):
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        return response["type"] == "websocket.accept", response

    async def send_json_to(self, data):
        await self.send_input({"type": "websocket.receive", "text": json.dumps(data)})

    async def receive_json_from(self, timeout=3):
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        return json.loads(response["text"])

    async def wait_closed(self, timeout=3):
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.close", response

    async def disconnect(self, code=1000, timeout=3):
        await self.send_input({"type": "websocket.disconnect", "code": code})
        with contextlib.suppress(TimeoutError):
            await self.wait(timeout)
