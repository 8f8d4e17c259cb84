"""Live chat over WebSocket (Django Channels): the reporter with the thread token from the
page, the operator with their signed-in, second-factor-verified session.

Protocol (JSON frames):
  client → {"type": "hello", "token": ..., "last_seq": n}            (reporter)
  client → {"type": "hello", "conversation": id, "last_seq": n}       (operator)
  server → {"type": "ready"} then every message with seq > n, in order
  client → {"type": "message", "client_id": ..., "body": ...}
  server → {"type": "ack", "client_id": ..., "seq": s}   once stored (also for a resend)
  server → {"type": "message", "seq": s, "author": ..., "body": ..., "at": ...}
  server → {"type": "error", "code": ...}

Every message is stored with its sequence number before it is acknowledged or broadcast. A
client that reconnects says which sequence number it saw last and gets what it missed; a
resent message (same client id) is stored once. The consumer never sends a message twice or
out of order: a gap in what the channel layer delivers is filled from the database.
"""

from __future__ import annotations

import contextlib
import uuid

from asgiref.sync import sync_to_async
from channels.consumer import get_handler_name
from channels.db import aclose_old_connections
from channels.db import database_sync_to_async as _closing_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from patroon.hotline import selectors, services, workflow
from patroon.hotline.danger import phrasebook

GROUP = "hotline.{}"


def _sqlite() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


def database_sync_to_async(function):
    """Channels closes the database connection around every call (CONN_MAX_AGE); SQLite's
    is kept at 0 and reopening it costs more than storing a chat message, so on SQLite the
    one connection of the (single) sync thread stays open."""
    if _sqlite():
        return sync_to_async(function, thread_sensitive=True)
    return _closing_sync_to_async(function)


def _group(conversation_id) -> str:
    return GROUP.format(uuid.UUID(str(conversation_id)).hex)


@database_sync_to_async
def _reporter(token: str):
    return services.conversation_for_token(token).pk


@database_sync_to_async
def _operator(scope, conversation_id):
    """The verified operator's actor, or None."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.models import Device

    from patroon.accounts.actor import actor_for_user

    user = scope.get("user")
    session = scope.get("session")
    if user is None or not user.is_authenticated or session is None:
        return None
    device = Device.from_persistent_id(session.get(DEVICE_ID_SESSION_KEY) or "")
    if device is None or device.user_id != user.pk:
        return None
    actor = actor_for_user(user, channel="web")
    try:
        services.require_operator(actor)
        selectors.conversation_detail(actor, conversation_id)  # exists; the read is audited
    except Exception:  # noqa: BLE001 - any refusal closes the socket the same way
        return None
    return actor


@database_sync_to_async
def _after(conversation_id, seq: int):
    return selectors.messages_after(conversation_id, seq)


@database_sync_to_async
def _store(conversation_id, actor, body: str, client_id: str, address: str):
    if actor is None:
        return services.reporter_message(conversation_id, body, client_id, address)
    return services.operator_reply(actor, conversation_id, body, client_id)


class ChatConsumer(AsyncJsonWebsocketConsumer):
    conversation_id = None
    actor = None
    sent_seq = 0

    async def connect(self):
        await self.accept()

    async def dispatch(self, message):
        """As Channels does, without closing the database connection before every event on
        SQLite (see ``database_sync_to_async``) nor before a broadcast, which needs none."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        if message["type"] != "chat.message" and not _sqlite():
            await aclose_old_connections()
        await handler(message)

    async def _send(self, frame: dict) -> None:
        """A client that has just gone cannot be written to; what it missed is stored and
        replayed when it reconnects."""
        with contextlib.suppress(RuntimeError):  # the server already sent websocket.close
            await self.send_json(frame)

    async def disconnect(self, code):
        if self.conversation_id is not None:
            await self.channel_layer.group_discard(_group(self.conversation_id), self.channel_name)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "hello" and self.conversation_id is None:
            await self._hello(content)
        elif kind == "message" and self.conversation_id is not None:
            await self._message(content)
        else:
            await self._send({"type": "error", "code": "unexpected"})

    async def _hello(self, content):
        try:
            last_seq = max(0, int(content.get("last_seq") or 0))
        except (TypeError, ValueError):
            last_seq = 0
        if content.get("token"):
            try:
                conversation_id = await _reporter(str(content["token"]))
            except services.BadCredentials:
                await self._send({"type": "error", "code": "bad_credentials"})
                await self.close(code=4403)
                return
        else:
            try:
                conversation_id = uuid.UUID(str(content.get("conversation")))
            except ValueError:
                conversation_id = None
            self.actor = conversation_id and await _operator(self.scope, conversation_id)
            if not self.actor:
                await self._send({"type": "error", "code": "forbidden"})
                await self.close(code=4403)
                return
        self.conversation_id = conversation_id
        self.sent_seq = last_seq
        # Join first, then replay: anything stored meanwhile arrives through the group and is
        # sent only if it is newer than what the replay sent.
        await self.channel_layer.group_add(_group(conversation_id), self.channel_name)
        await self._send({"type": "ready"})
        await self._catch_up()

    async def _catch_up(self):
        for message in await _after(self.conversation_id, self.sent_seq):
            await self._send(
                {
                    "type": "message",
                    "seq": message.seq,
                    "author": message.author,
                    "body": message.body,
                    "at": message.created_at.isoformat(),
                }
            )
            self.sent_seq = message.seq

    async def _message(self, content):
        body = content.get("body")
        client_id = str(content.get("client_id") or "")[: services.CLIENT_ID_MAX]
        if not isinstance(body, str) or not client_id:
            await self._send({"type": "error", "code": "invalid"})
            return
        address = (self.scope.get("client") or ("", 0))[0] or ""
        try:
            message, created = await _store(
                self.conversation_id, self.actor, body, client_id, address
            )
        except services.RateLimited as exc:
            await self._send(
                {"type": "error", "code": "rate_limited", "retry_after": exc.retry_after}
            )
            return
        except (services.HotlineError, workflow.NotAllowed) as exc:
            await self._send({"type": "error", "code": getattr(exc, "code", "invalid")})
            return
        await self._send({"type": "ack", "client_id": client_id, "seq": message.seq})
        if self.actor is None and created and phrasebook().matches(body):
            await self._send({"type": "call_112"})
        if created:
            await self.channel_layer.group_send(
                _group(self.conversation_id),
                {
                    "type": "chat.message",
                    "seq": message.seq,
                    "author": message.author,
                    "body": message.plain,
                    "at": message.created_at.isoformat(),
                },
            )

    async def chat_message(self, event):
        seq = event["seq"]
        if seq <= self.sent_seq:
            return  # already sent (replay, or delivered twice)
        if seq > self.sent_seq + 1:
            await self._catch_up()  # a gap: fill it from the database, in order
            return
        await self._send(
            {k: event[k] for k in ("seq", "author", "body", "at")} | {"type": "message"}
        )
        self.sent_seq = seq


def broadcast(conversation_id, message) -> None:
    """Push a message stored outside a socket (the console's reply form, the public form or
    the API) to everyone connected to the conversation. Call after the transaction commits."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(
        _group(conversation_id),
        {
            "type": "chat.message",
            "seq": message.seq,
            "author": message.author,
            "body": message.plain,
            "at": message.created_at.isoformat(),
        },
    )
