"""Access-controlled reads of the hotline. Operators see the queue and the conversations;
the team lead sees response-time figures; the reporter sees their own thread (opened with
code and passphrase, see services.open_thread). Operator reads are audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from patroon.accounts.access import AccessDenied, NotVisible, require
from patroon.accounts.actor import Actor
from patroon.accounts.models import Organisation
from patroon.accounts.permissions import Capability
from patroon.audit.services import record
from patroon.hotline import figures, workflow
from patroon.hotline.models import Conversation, Handover, Message
from patroon.hotline.services import (
    ABOUT_PURPOSE,
    HANDOVER_PURPOSE,
    HOTLINE_KIND,
    MESSAGE_PURPOSE,
    require_operator,
)
from patroon.security.keys import cipher

QUEUE_LIMIT = 200


@dataclass(frozen=True)
class MessageView:
    seq: int
    author: str
    operator: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class HandoverView:
    from_operator: str
    to_operator: str
    note: str
    at: datetime


@dataclass(frozen=True)
class ConversationView:
    conversation: Conversation
    about: str
    messages: list[MessageView]
    handovers: list[HandoverView]


def _messages(conversation: Conversation, after_seq: int = 0) -> list[MessageView]:
    decrypt = cipher().decrypt
    return [
        MessageView(
            m.seq, m.author, m.operator, decrypt(bytes(m.body), MESSAGE_PURPOSE), m.created_at
        )
        for m in Message.objects.filter(conversation=conversation, seq__gt=after_seq).order_by(
            "seq"
        )
    ]


def messages_after(conversation_id, after_seq: int) -> list[MessageView]:
    """What a (re)connecting chat client has not seen yet. The caller has already checked
    who is asking (the thread token or an operator's session)."""
    return _messages(Conversation(pk=conversation_id), after_seq)


def queue(actor: Actor) -> list[Conversation]:
    """Open and claimed conversations: acute danger first, then urgent, then the longest
    waiting."""
    require_operator(actor)
    mine_first = Case(
        When(claimed_by=actor.username, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return list(
        Conversation.objects.exclude(state=workflow.CLOSED)
        .annotate(mine=mine_first)
        .order_by("priority", "waiting_since")[:QUEUE_LIMIT]
    )


def recently_closed(actor: Actor, limit: int = 20) -> list[Conversation]:
    require_operator(actor)
    return list(Conversation.objects.filter(state=workflow.CLOSED).order_by("-closed_at")[:limit])


def conversation_detail(actor: Actor, conversation_id) -> ConversationView:
    require_operator(actor)
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None:
        raise NotVisible("conversation")
    decrypt = cipher().decrypt
    record(actor, "read", "hotline_conversation", str(conversation.pk), "operator console")
    return ConversationView(
        conversation=conversation,
        about=decrypt(bytes(conversation.about), ABOUT_PURPOSE) if conversation.about else "",
        messages=_messages(conversation),
        handovers=[
            HandoverView(
                h.from_operator, h.to_operator, decrypt(bytes(h.note), HANDOVER_PURPOSE), h.at
            )
            for h in Handover.objects.filter(conversation=conversation)
        ],
    )


def reporter_thread(conversation: Conversation) -> list[MessageView]:
    """The reporter's own conversation; the caller has checked code and passphrase."""
    return _messages(conversation)


def response_figures(actor: Actor, days: int = 14, now=None) -> list[figures.ShiftFigures]:
    """Per shift: how many arrived, how fast the first answer came, how many wait still."""
    require(actor, Capability.HOTLINE_FIGURES)
    kind = Organisation.objects.filter(pk=actor.organisation_id).values_list("kind", flat=True)
    if kind.first() != HOTLINE_KIND:
        raise AccessDenied(Capability.HOTLINE_FIGURES.value)
    now = now or timezone.now()
    rows = list(
        Conversation.objects.filter(created_at__gte=now - timedelta(days=days)).values_list(
            "created_at", "first_answered_at", "danger"
        )
    )
    record(actor, "read", "hotline_figures", f"{days}d", "response times per shift")
    return figures.per_shift(rows)
