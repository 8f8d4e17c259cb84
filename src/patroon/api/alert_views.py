"""API v1 for alerts and bundled timelines: thin wrappers over the pattern selectors/services."""

from __future__ import annotations

import uuid

from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from patroon.api.alert_serializers import (
    AlertDetailSerializer,
    AlertPageSerializer,
    AlertSummarySerializer,
    HandleSerializer,
    TimelineSerializer,
)
from patroon.api.authentication import actor_of
from patroon.api.problems import problem_response
from patroon.api.views import problems
from patroon.patterns import selectors, services
from patroon.patterns.rulebook import rulebook


class AlertCollectionView(APIView):
    @extend_schema(
        operation_id="alerts_list",
        summary="Alerts routed to your organisation, most urgent first",
        parameters=[
            OpenApiParameter("status", str, enum=["open", "new", "acknowledged", "handled"]),
            OpenApiParameter("severity", str, enum=["red", "orange", "yellow"]),
            OpenApiParameter("rule", str, description="A rule id from the rules file."),
            OpenApiParameter("region", str),
        ],
        responses={200: AlertPageSerializer, **problems(401, 403)},
    )
    def get(self, request):
        q = request.query_params
        filters = selectors.QueueFilters(
            status=q.get("status", "open"),
            severity=q.get("severity", ""),
            rule=q.get("rule", ""),
            region=q.get("region", ""),
        )
        alerts = selectors.alert_queue(actor_of(request), filters)
        return Response({"results": AlertSummarySerializer(alerts, many=True).data})


def _detail(request, alert_id) -> dict:
    view = selectors.alert_detail(actor_of(request), alert_id)
    language = get_language() or "nl"
    rule = view.rule
    return AlertDetailSerializer(
        {
            "alert": view.alert,
            "rule": {
                "title": rule.title(language) if rule else view.alert.rule_id,
                "explanation": rule.explanation(language) if rule else "",
                "recommended_step": rule.recommended_step(language) if rule else "",
                "sources": view.sources,
            },
            "evidence": view.evidence,
            "events": view.events,
        }
    ).data


class AlertDetailView(APIView):
    @extend_schema(
        operation_id="alerts_retrieve",
        summary="An alert with its rule, evidence and history",
        responses={200: AlertDetailSerializer, **problems(401, 403, 404)},
    )
    def get(self, request, alert_id: uuid.UUID):
        return Response(_detail(request, alert_id))


def _conflict(request, state: str) -> Response:
    return problem_response(
        status.HTTP_409_CONFLICT,
        f"The alert is {state}; this action is not possible now.",
        request.get_full_path(),
    )


class AlertAcknowledgeView(APIView):
    @extend_schema(
        operation_id="alerts_acknowledge",
        summary="Acknowledge an alert: your organisation takes it on",
        request=None,
        responses={200: AlertDetailSerializer, **problems(401, 403, 404, 409)},
    )
    def post(self, request, alert_id: uuid.UUID):
        try:
            services.acknowledge(actor_of(request), alert_id)
        except services.InvalidTransition as exc:
            return _conflict(request, str(exc))
        return Response(_detail(request, alert_id))


class AlertHandleView(APIView):
    @extend_schema(
        operation_id="alerts_handle",
        summary="Record how an alert was handled, with the reasons",
        request=HandleSerializer,
        responses={200: AlertDetailSerializer, **problems(400, 401, 403, 404, 409)},
    )
    def post(self, request, alert_id: uuid.UUID):
        data = HandleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        outcome = data.validated_data["outcome"]
        if outcome not in rulebook().outcomes:
            return problem_response(
                status.HTTP_400_BAD_REQUEST,
                "Unknown outcome.",
                request.get_full_path(),
                [
                    {
                        "name": "outcome",
                        "code": "unknown_outcome",
                        "reason": "Use one of: " + ", ".join(rulebook().outcomes),
                    }
                ],
            )
        try:
            services.handle(actor_of(request), alert_id, outcome, data.validated_data["note"])
        except services.InvalidTransition as exc:
            return _conflict(request, str(exc))
        return Response(_detail(request, alert_id))


TIMELINE_ACCESS = (
    "Other organisations' signals are listed as holders (kind, count, latest date) unless "
    "your organisation may see their content."
)


class VictimTimelineView(APIView):
    @extend_schema(
        operation_id="timelines_victim",
        summary="Everything on a victim's bundled timeline that you may see",
        description=TIMELINE_ACCESS,
        responses={200: TimelineSerializer, **problems(401, 403, 404)},
    )
    def get(self, request, victim_ref: uuid.UUID):
        view = selectors.dyad_timeline(actor_of(request), victim_ref)
        return Response(TimelineSerializer(view).data)


class DyadTimelineView(APIView):
    @extend_schema(
        operation_id="timelines_dyad",
        summary="One victim-perpetrator pair's bundled timeline, as you may see it",
        description=TIMELINE_ACCESS,
        responses={200: TimelineSerializer, **problems(401, 403, 404)},
    )
    def get(self, request, victim_ref: uuid.UUID, perpetrator_ref: uuid.UUID):
        view = selectors.dyad_timeline(actor_of(request), victim_ref, perpetrator_ref)
        return Response(TimelineSerializer(view).data)
