"""API v1 views: thin wrappers over signals.services and signals.selectors."""

from __future__ import annotations

import uuid

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from patroon.api.authentication import actor_of
from patroon.api.problems import problem_response
from patroon.api.serializers import (
    ProblemSerializer,
    ReferralSerializer,
    SignalDetailSerializer,
    SignalInputSerializer,
    SignalPageSerializer,
    SignalReceiptSerializer,
    SignalSummarySerializer,
)
from patroon.signals import selectors
from patroon.signals.messages import render
from patroon.signals.services import accept_referral, record_signal
from patroon.signals.store import CREATED

PROBLEM = OpenApiResponse(ProblemSerializer, description="Problem details (RFC 9457)")


def problems(*codes: int) -> dict:
    return {(code, "application/problem+json"): PROBLEM for code in codes}


def _bounded(request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit():
        raise ValidationError({name: [f"Must be a whole number from {low} to {high}."]})
    return min(max(int(raw), low), high)


class SignalCollectionView(APIView):
    @extend_schema(
        operation_id="signals_list",
        summary="Signals recorded by your organisation, newest first",
        parameters=[
            OpenApiParameter("limit", int, description="Page size, 1-500 (default 50)."),
            OpenApiParameter("offset", int, description="Number of signals to skip."),
        ],
        responses={200: SignalPageSerializer, **problems(400, 401, 403)},
    )
    def get(self, request):
        actor = actor_of(request)
        limit = _bounded(request, "limit", 50, 1, 500)
        offset = _bounded(request, "offset", 0, 0, 10**9)
        signals = selectors.recent_signals(actor, limit=limit, offset=offset)
        return Response(
            {
                "count": selectors.count_signals(actor),
                "results": SignalSummarySerializer(signals, many=True).data,
            }
        )

    @extend_schema(
        operation_id="signals_create",
        summary="Record a signal",
        description="Creates the signal, or returns the one already stored under the same "
        "source reference (200). A different signal under a used reference is 409.",
        request=SignalInputSerializer,
        responses={
            201: SignalReceiptSerializer,
            200: SignalReceiptSerializer,
            **problems(400, 401, 403, 409),
        },
    )
    def post(self, request):
        outcome = record_signal(actor_of(request), request.data, channel="api")
        if outcome.errors:
            conflict = any(e.code == "reference_conflict" for e in outcome.errors)
            return problem_response(
                status.HTTP_409_CONFLICT if conflict else status.HTTP_400_BAD_REQUEST,
                "The signal was not stored; see invalid-params.",
                request.get_full_path(),
                [{"name": e.field, "code": e.code, "reason": render(e)} for e in outcome.errors],
            )
        created = outcome.status == CREATED
        response = Response(
            {
                "id": str(outcome.signal_id),
                "source_reference": request.data.get("source_reference"),
                "status": "created" if created else "existing",
            },
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
        response["Location"] = reverse("api:signal-detail", args=[outcome.signal_id])
        return response


class SignalDetailView(APIView):
    @extend_schema(
        operation_id="signals_retrieve",
        summary="One signal of your organisation",
        responses={200: SignalDetailSerializer, **problems(401, 403, 404)},
    )
    def get(self, request, signal_id: uuid.UUID):
        view = selectors.signal_detail(actor_of(request), signal_id, purpose="API read")
        return Response(SignalDetailSerializer(view).data)


class ReferralCollectionView(APIView):
    @extend_schema(
        operation_id="referrals_list",
        summary="Signals referred to your organisation (a helpline's report), waiting ones first",
        responses={200: ReferralSerializer(many=True), **problems(401, 403)},
    )
    def get(self, request):
        referrals = selectors.referrals_received(actor_of(request))
        return Response({"results": ReferralSerializer(referrals, many=True).data})


class ReferralAcceptView(APIView):
    @extend_schema(
        operation_id="referrals_accept",
        summary="Take a referral on (the sender sees who has it); again changes nothing",
        request=None,
        responses={200: ReferralSerializer, **problems(401, 403, 404)},
    )
    def post(self, request, referral_id: int):
        referral = accept_referral(actor_of(request), referral_id)
        return Response(ReferralSerializer(referral).data)
