"""API v1 for the hotline: the public report and thread (no account, no cookie), and the
operator's console for a helpline's own systems. Thin wrappers over hotline services and
selectors."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from patroon.api.authentication import actor_of
from patroon.api.hotline_serializers import (
    CloseInputSerializer,
    CodingInputSerializer,
    ConsentInputSerializer,
    ConversationDetailSerializer,
    ForwardInputSerializer,
    HandoverInputSerializer,
    HotlineSignalInputSerializer,
    HotlineSignalReceiptSerializer,
    MessageReceiptSerializer,
    QueueSerializer,
    ReplyInputSerializer,
    ReportInputSerializer,
    ReportReceiptSerializer,
    ThreadInputSerializer,
    ThreadMessageInputSerializer,
    ThreadSerializer,
)
from patroon.api.problems import problem_response
from patroon.api.views import problems
from patroon.hotline import selectors, services, workflow
from patroon.hotline.consumers import broadcast
from patroon.hotline.http import client_address
from patroon.signals.messages import render


def _problem(request, code: int, detail: str, invalid=None, headers=None) -> Response:
    return problem_response(code, detail, request.get_full_path(), invalid, headers)


def _hotline_problem(request, exc: services.HotlineError):
    """One mapping of hotline errors to problem responses for every endpoint."""
    if isinstance(exc, services.RateLimited | services.Locked):
        detail = (
            "Locked for a while after too many failed attempts."
            if isinstance(exc, services.Locked)
            else "Too many requests; try again later."
        )
        return _problem(request, 429, detail, headers={"Retry-After": str(exc.retry_after)})
    if isinstance(exc, services.BadCredentials):
        return _problem(request, 403, "Unknown reference code or wrong passphrase.")
    if isinstance(exc, services.ConsentMissing):
        return _problem(request, 409, "Record the reporter's consent first.")
    if isinstance(exc, services.SignalMissing):
        return _problem(
            request, 409, "Record the conversation as a signal first: that is what is sent."
        )
    if isinstance(exc, workflow.NotAllowed):
        return _problem(request, 409, f"Not possible now: {exc}.")
    if isinstance(exc, services.ConversionInvalid):
        invalid = [
            {"name": e.field or "body", "code": e.code, "reason": render(e)} for e in exc.errors
        ]
        return _problem(request, 400, "The coded signal is invalid.", invalid)
    return _problem(
        request,
        400,
        "The request was not accepted.",
        [{"name": "body", "code": "invalid", "reason": str(exc)}],
    )


class PublicView(APIView):
    """No account and no cookie: the reporter is anonymous."""

    authentication_classes: list = []
    permission_classes = [AllowAny]


class ReportCollectionView(PublicView):
    @extend_schema(
        operation_id="hotline_reports_create",
        summary="File an anonymous report; returns a reference code and (if none was chosen) a "
        "passphrase, shown this once",
        request=ReportInputSerializer,
        responses={201: ReportReceiptSerializer, **problems(400, 429)},
        auth=[],
    )
    def post(self, request):
        data = ReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            submitted = services.submit_report(
                text=v["text"],
                reporter_kind=v["reporter_kind"],
                urgency=v["urgency"],
                about=v.get("about", ""),
                passphrase=v.get("passphrase", ""),
                client_address=client_address(request),
                honeypot=v.get("website", ""),
                pow_challenge_value=v.get("pow_challenge", ""),
                pow_answer=v.get("pow_answer", ""),
            )
        except services.HotlineError as exc:
            return _hotline_problem(request, exc)
        body = {
            "reference_code": submitted.conversation.reference_code,
            "passphrase": submitted.passphrase,
            "call_112": bool(submitted.danger),
            "token": submitted.token,
            "answer_expected_hours": settings.PATROON_HOTLINE_ANSWER_HOURS,
        }
        return Response(ReportReceiptSerializer(body).data, status=status.HTTP_201_CREATED)


class ThreadView(PublicView):
    @extend_schema(
        operation_id="hotline_thread_read",
        summary="Read the conversation with reference code and passphrase (or the token)",
        description="Failed attempts are counted per client and per code; past the limit "
        "both are locked out for a while (429 with Retry-After).",
        request=ThreadInputSerializer,
        responses={200: ThreadSerializer, **problems(400, 403, 429)},
        auth=[],
    )
    def post(self, request):
        data = ThreadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            if v.get("token"):
                conversation = services.conversation_for_token(v["token"])
            else:
                conversation = services.open_thread(
                    v.get("reference_code", ""), v.get("passphrase", ""), client_address(request)
                )
        except services.HotlineError as exc:
            return _hotline_problem(request, exc)
        messages = selectors.messages_after(conversation.pk, v["after_seq"])
        return Response(
            ThreadSerializer(
                {
                    "reference_code": conversation.reference_code,
                    "token": services.thread_token(conversation.pk),
                    "state": conversation.state,
                    "messages": messages,
                }
            ).data
        )


class ThreadMessageView(PublicView):
    @extend_schema(
        operation_id="hotline_thread_write",
        summary="Write to the conversation; stored before it is acknowledged",
        request=ThreadMessageInputSerializer,
        responses={
            201: MessageReceiptSerializer,
            200: MessageReceiptSerializer,
            **problems(400, 403, 429),
        },
        auth=[],
    )
    def post(self, request):
        data = ThreadMessageInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            conversation = services.conversation_for_token(v["token"])
            message, created = services.reporter_message(
                conversation.pk, v["text"], v.get("client_id", ""), client_address(request)
            )
        except services.HotlineError as exc:
            return _hotline_problem(request, exc)
        if created:
            broadcast(conversation.pk, message)
        return Response(
            {"seq": message.seq, "duplicate": not created},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


# ---------------------------------------------------------------- operators


def _detail(request, conversation_id) -> dict:
    view = selectors.conversation_detail(actor_of(request), conversation_id)
    c = view.conversation
    return ConversationDetailSerializer(
        {
            **{
                f: getattr(c, f)
                for f in (
                    "id",
                    "reference_code",
                    "state",
                    "priority",
                    "danger",
                    "danger_phrases",
                    "reporter_kind",
                    "urgency",
                    "channel",
                    "waiting_since",
                    "created_at",
                    "claimed_by",
                    "signal_id",
                    "relationship",
                    "consent",
                    "forwarded_region",
                    "outcome",
                )
            },
            "behaviours": [b for b in c.behaviours.split(",") if b],
            "about": view.about,
            "messages": view.messages,
            "handovers": view.handovers,
        }
    ).data


class ConversationCollectionView(APIView):
    @extend_schema(
        operation_id="hotline_conversations_list",
        summary="The queue: acute danger first, then urgent, then the longest waiting",
        responses={200: QueueSerializer, **problems(401, 403)},
    )
    def get(self, request):
        actor = actor_of(request)
        found = selectors.queue(actor)
        services.touch_presence(actor)
        return Response(QueueSerializer({"results": found}).data)


class ConversationDetailView(APIView):
    @extend_schema(
        operation_id="hotline_conversations_retrieve",
        summary="One conversation with its messages and hand-over notes",
        responses={200: ConversationDetailSerializer, **problems(401, 403, 404)},
    )
    def get(self, request, conversation_id: uuid.UUID):
        return Response(_detail(request, conversation_id))


def _act(request, conversation_id, act, serializer_class=None, *, created=False):
    values = {}
    if serializer_class is not None:
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
    try:
        act(actor_of(request), conversation_id, values)
    except (services.HotlineError, workflow.NotAllowed) as exc:
        return _hotline_problem(request, exc)
    return Response(
        _detail(request, conversation_id),
        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
    )


class ClaimView(APIView):
    @extend_schema(
        operation_id="hotline_conversations_claim",
        summary="Take the conversation (nobody else may reply while you have it)",
        request=None,
        responses={200: ConversationDetailSerializer, **problems(401, 403, 404, 409)},
    )
    def post(self, request, conversation_id: uuid.UUID):
        return _act(request, conversation_id, lambda a, c, v: services.claim(a, c))


def _reply_and_broadcast(actor, conversation_id, text: str, client_id: str):
    message, created = services.operator_reply(actor, conversation_id, text, client_id)
    if created:
        broadcast(conversation_id, message)
    return message


class ReplyView(APIView):
    @extend_schema(
        operation_id="hotline_conversations_reply",
        summary="Reply to the reporter (claimed conversations only)",
        request=ReplyInputSerializer,
        responses={201: ConversationDetailSerializer, **problems(400, 401, 403, 404, 409)},
    )
    def post(self, request, conversation_id: uuid.UUID):
        return _act(
            request,
            conversation_id,
            lambda a, c, v: _reply_and_broadcast(a, c, v["text"], v.get("client_id", "")),
            ReplyInputSerializer,
            created=True,
        )


class HandoverView(APIView):
    @extend_schema(
        operation_id="hotline_conversations_hand_over",
        summary="Hand over at shift change with a note: back to the queue or to a colleague",
        request=HandoverInputSerializer,
        responses={200: ConversationDetailSerializer, **problems(400, 401, 403, 404, 409)},
    )
    def post(self, request, conversation_id: uuid.UUID):
        return _act(
            request,
            conversation_id,
            lambda a, c, v: services.hand_over(a, c, v["note"], v.get("to", "")),
            HandoverInputSerializer,
        )


class CodingView(APIView):
    @extend_schema(
        operation_id="hotline_conversations_code",
        summary="Code the conversation in the shared vocabulary",
        request=CodingInputSerializer,
        responses={200: ConversationDetailSerializer, **problems(400, 401, 403, 404, 409)},
    )
    def post(self, request, conversation_id: uuid.UUID):
        return _act(
            request,
            conversation_id,
            lambda a, c, v: services.code_conversation(a, c, v["behaviours"], v["relationship"]),
            CodingInputSerializer,
        )


class ConsentView(APIView):
    @extend_schema(
        operation_id="hotline_conversations_consent",
        summary="Record the reporter's answer: may this be passed on to the chain partners?",
        request=ConsentInputSerializer,
        responses={200: ConversationDetailSerializer, **problems(400, 401, 403, 404, 409)},
    )
    def post(self, request, conversation_id: uuid.UUID):
        return _act(
            request,
            conversation_id,
            lambda a, c, v: services.record_consent(a, c, v["given"]),
            ConsentInputSerializer,
        )


class SignalView(APIView):
    @extend_schema(
        operation_id="hotline_conversations_signal",
        summary="Record the coded conversation as a signal of the helpline (needs consent)",
        request=HotlineSignalInputSerializer,
        responses={201: HotlineSignalReceiptSerializer, **problems(400, 401, 403, 404, 409)},
    )
    def post(self, request, conversation_id: uuid.UUID):
        data = HotlineSignalInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            signal_id = services.convert_to_signal(
                actor_of(request),
                conversation_id,
                persons=v["persons"],
                occurred_start=v["occurred_start"].isoformat() if v.get("occurred_start") else "",
                narrative=v.get("narrative", ""),
            )
        except (services.HotlineError, workflow.NotAllowed) as exc:
            return _hotline_problem(request, exc)
        response = Response({"signal_id": signal_id}, status=status.HTTP_201_CREATED)
        response["Location"] = reverse("api:signal-detail", args=[signal_id])
        return response


class ForwardView(APIView):
    @extend_schema(
        operation_id="hotline_conversations_forward",
        summary=(
            "Refer the conversation's signal to Veilig Thuis of a region (needs consent and the "
            "signal); it appears in their referrals"
        ),
        request=ForwardInputSerializer,
        responses={200: ConversationDetailSerializer, **problems(400, 401, 403, 404, 409)},
    )
    def post(self, request, conversation_id: uuid.UUID):
        return _act(
            request,
            conversation_id,
            lambda a, c, v: services.forward_to_veilig_thuis(a, c, v["region"]),
            ForwardInputSerializer,
        )


class CloseView(APIView):
    @extend_schema(
        operation_id="hotline_conversations_close",
        summary="Close with an outcome; a new message from the reporter reopens it",
        request=CloseInputSerializer,
        responses={200: ConversationDetailSerializer, **problems(400, 401, 403, 404, 409)},
    )
    def post(self, request, conversation_id: uuid.UUID):
        return _act(
            request,
            conversation_id,
            lambda a, c, v: services.close(a, c, v["outcome"]),
            CloseInputSerializer,
        )
