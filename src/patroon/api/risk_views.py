"""API v1 for risk assessment: thin wrappers over the risk selectors and services."""

from __future__ import annotations

import uuid

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from patroon.api.authentication import actor_of
from patroon.api.problems import problem_response
from patroon.api.risk_serializers import (
    AnswersInputSerializer,
    AssessmentDetailSerializer,
    AssessmentPageSerializer,
    AssessmentSummarySerializer,
    HistorySerializer,
    InstrumentDetailSerializer,
    InstrumentPageSerializer,
    OverrideInputSerializer,
    StartSerializer,
)
from patroon.api.views import problems
from patroon.risk import selectors, services
from patroon.risk.instruments import InstrumentError, instrument, instruments


class InstrumentCollectionView(APIView):
    @extend_schema(
        operation_id="risk_instruments_list",
        summary="The risk-assessment instruments, with sources and provenance",
        responses={200: InstrumentPageSerializer, **problems(401)},
    )
    def get(self, request):
        return Response(InstrumentPageSerializer({"results": list(instruments().values())}).data)


class InstrumentDetailView(APIView):
    @extend_schema(
        operation_id="risk_instruments_retrieve",
        summary="One instrument with its items in order",
        responses={200: InstrumentDetailSerializer, **problems(401, 404)},
    )
    def get(self, request, instrument_id: str):
        found = instrument(instrument_id)
        if found is None:
            return problem_response(404, "No such instrument.", request.get_full_path())
        return Response(InstrumentDetailSerializer(found).data)


def _detail(request, assessment_id) -> dict:
    return AssessmentDetailSerializer(
        selectors.assessment_detail(actor_of(request), assessment_id)
    ).data


def _problem(request, code: int, detail: str, invalid=None) -> Response:
    return problem_response(code, detail, request.get_full_path(), invalid)


class AssessmentCollectionView(APIView):
    @extend_schema(
        operation_id="risk_assessments_list",
        summary="Your organisation's risk assessments, drafts first",
        parameters=[OpenApiParameter("status", str, enum=["draft", "completed"])],
        responses={200: AssessmentPageSerializer, **problems(401, 403)},
    )
    def get(self, request):
        status_filter = request.query_params.get("status", "")
        found = selectors.assessment_list(
            actor_of(request), status_filter if status_filter in ("draft", "completed") else ""
        )
        return Response({"results": AssessmentSummarySerializer(found, many=True).data})

    @extend_schema(
        operation_id="risk_assessments_create",
        summary="Start an assessment for a victim or dyad, prefilled from the timeline",
        description="Items whose vocabulary behaviours appear in signals you may see are "
        "suggested, each with its evidence signals. Nothing counts until you confirm it.",
        request=StartSerializer,
        responses={201: AssessmentDetailSerializer, **problems(400, 401, 403, 404)},
    )
    def post(self, request):
        data = StartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            assessment = services.start(
                actor_of(request),
                values["instrument"],
                values["victim_ref"],
                values.get("perpetrator_ref"),
            )
        except ValueError:
            return _problem(
                request,
                400,
                "Unknown instrument.",
                [
                    {
                        "name": "instrument",
                        "code": "unknown_instrument",
                        "reason": ", ".join(instruments()),
                    }
                ],
            )
        response = Response(_detail(request, assessment.pk), status=status.HTTP_201_CREATED)
        response["Location"] = reverse("api:risk-assessment-detail", args=[assessment.pk])
        return response


class AssessmentDetailView(APIView):
    @extend_schema(
        operation_id="risk_assessments_retrieve",
        summary="An assessment with its answers, evidence, result, override and tasks",
        responses={200: AssessmentDetailSerializer, **problems(401, 403, 404)},
    )
    def get(self, request, assessment_id: uuid.UUID):
        return Response(_detail(request, assessment_id))


def _conflict(request, exc) -> Response:
    return _problem(request, 409, f"Not possible now: {exc}.")


class AssessmentAnswersView(APIView):
    @extend_schema(
        operation_id="risk_assessments_answer",
        summary="Answer and confirm items (a draft only)",
        request=AnswersInputSerializer,
        responses={200: AssessmentDetailSerializer, **problems(400, 401, 403, 404, 409)},
    )
    def post(self, request, assessment_id: uuid.UUID):
        data = AnswersInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answers = {
            a["item_id"]: (a["value"], a["confirmed"]) for a in data.validated_data["answers"]
        }
        try:
            services.answer(actor_of(request), assessment_id, answers)
        except InstrumentError as exc:
            return _problem(
                request,
                400,
                "Invalid answer.",
                [{"name": "answers", "code": "invalid", "reason": str(exc)}],
            )
        except services.InvalidState as exc:
            return _conflict(request, exc)
        return Response(_detail(request, assessment_id))


class AssessmentOverrideView(APIView):
    @extend_schema(
        operation_id="risk_assessments_override",
        summary="Set a different final level by professional judgement, with a reason",
        description="Raising takes effect on completion. Lowering below the instrument's level "
        "needs a second professional's approval before the assessment can be completed.",
        request=OverrideInputSerializer,
        responses={200: AssessmentDetailSerializer, **problems(400, 401, 403, 404, 409)},
    )
    def post(self, request, assessment_id: uuid.UUID):
        data = OverrideInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.request_override(
                actor_of(request),
                assessment_id,
                data.validated_data["level"],
                data.validated_data["reason"],
            )
        except services.InvalidState as exc:
            return _conflict(request, exc)
        except ValueError:
            return _problem(
                request,
                400,
                "A reason is required.",
                [{"name": "reason", "code": "required", "reason": "blank"}],
            )
        return Response(_detail(request, assessment_id))


class AssessmentApproveView(APIView):
    @extend_schema(
        operation_id="risk_assessments_approve",
        summary="Approve a colleague's lowered level (a second professional)",
        request=None,
        responses={200: AssessmentDetailSerializer, **problems(401, 403, 404, 409)},
    )
    def post(self, request, assessment_id: uuid.UUID):
        try:
            services.approve_override(actor_of(request), assessment_id)
        except services.InvalidState as exc:
            return _conflict(request, exc)
        return Response(_detail(request, assessment_id))


class AssessmentCompleteView(APIView):
    @extend_schema(
        operation_id="risk_assessments_complete",
        summary="Complete: score, settle the level, create protocol tasks and re-assessment",
        request=None,
        responses={200: AssessmentDetailSerializer, **problems(401, 403, 404, 409)},
    )
    def post(self, request, assessment_id: uuid.UUID):
        try:
            services.complete(actor_of(request), assessment_id)
        except services.Unconfirmed as exc:
            return _problem(
                request,
                409,
                "Every item needs a confirmed answer before completing.",
                [
                    {
                        "name": item,
                        "code": "unconfirmed",
                        "reason": "confirm, change or mark unknown",
                    }
                    for item in exc.items
                ],
            )
        except (services.InvalidState, services.ApprovalRequired) as exc:
            return _conflict(request, exc)
        return Response(_detail(request, assessment_id))


class VictimHistoryView(APIView):
    @extend_schema(
        operation_id="risk_victims_history",
        summary="A victim's completed assessments over time, as you may see them",
        description="Other organisations' assessments show only date, kind and level.",
        responses={200: HistorySerializer, **problems(401, 403, 404)},
    )
    def get(self, request, victim_ref: uuid.UUID):
        points = selectors.victim_history(actor_of(request), victim_ref)
        return Response(HistorySerializer({"results": points}).data)
