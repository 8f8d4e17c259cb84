"""API v1 for casusregie: thin wrappers over the case selectors and services.

Cases are reached per person: call with a personal token (``patroon token issue --user``), so
team membership decides what you see. A refused change is problem+json: 400 for input the
service rejects, 403 without the right, 404 for a case you are not on.
"""

from __future__ import annotations

import uuid

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from patroon.api import case_serializers as s
from patroon.api.authentication import actor_of
from patroon.api.problems import problem_response
from patroon.api.views import problems
from patroon.cases import notify, selectors, services


def _summary(row, director: bool) -> dict:
    return {
        "case": row.case,
        "level": row.level,
        "director": director,
        "attention": [_item(i) for i in row.items],
    }


def _item(item) -> dict:
    return {
        "kind": item.kind,
        "due": item.due.isoformat() if item.due else None,
        "count": item.count,
    }


def _detail(request, case_id) -> dict:
    view = selectors.case_detail(actor_of(request), case_id)
    case = view.case
    return {
        "id": case.pk,
        "number": case.number,
        "status": case.status,
        "outcome": case.outcome,
        "victim_ref": case.victim_ref,
        "perpetrator_ref": case.perpetrator_ref,
        "director": case.director.username if case.director else None,
        "contact_person": case.contact_person.username if case.contact_person else None,
        "combined_handling": case.combined_handling,
        "level": view.level,
        "members": view.members,
        "goals": [{"id": g.row.pk, "text": g.text} for g in view.goals],
        "actions": [
            {
                "id": a.row.pk,
                "text": a.text,
                "owner_organisation": a.row.owner_organisation.code,
                "owner": a.row.owner.username if a.row.owner else None,
                "due_at": a.row.due_at,
                "status": a.row.status,
                "origin": a.row.origin,
            }
            for a in view.actions
        ],
        "measures": [
            {
                "id": m.row.pk,
                "kind": m.row.kind,
                "legal_basis": m.row.legal_basis,
                "starts_on": m.row.starts_on,
                "ends_on": m.row.ends_on,
                "responsible_organisation": m.row.responsible_organisation.code,
                "status": m.row.status,
                "breaches": sum(1 for b in view.breaches if b.measure_id == m.row.pk),
            }
            for m in view.measures
        ],
        "conferences": [
            {
                "id": c["conference"].pk,
                "scheduled_at": c["conference"].scheduled_at,
                "held_at": c["conference"].held_at,
                "agenda": c["agenda"],
                "attendance": c["conference"].attendance,
                "risk_picture": c["conference"].risk_picture,
                "decisions": [text for _, text in c["decisions"]],
            }
            for c in view.conferences
        ],
        "attention": [_item(i) for i in view.attention],
    }


def _refused(request, exc: services.CaseError) -> Response:
    return problem_response(status.HTTP_400_BAD_REQUEST, str(exc), request.get_full_path())


class _CaseChange(APIView):
    """POST with a body checked by ``serializer``, then ``change``; answers the case."""

    serializer = None

    def change(self, actor, case_id, data, **kwargs):
        raise NotImplementedError

    def post(self, request, case_id: uuid.UUID, **kwargs):
        body = self.serializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            self.change(actor_of(request), case_id, body.validated_data, **kwargs)
        except services.CaseError as exc:
            return _refused(request, exc)
        return Response(s.CaseDetailSerializer(_detail(request, case_id)).data)


def _change_schema(operation: str, summary: str, body):
    return extend_schema(
        operation_id=operation,
        summary=summary,
        request=body,
        responses={200: s.CaseDetailSerializer, **problems(400, 401, 403, 404)},
    )


class CaseCollectionView(APIView):
    @extend_schema(
        operation_id="cases_list",
        summary="Your open cases: those you direct with what needs attention, then the others",
        responses={200: s.CaseSummarySerializer(many=True), **problems(401, 403)},
    )
    def get(self, request):
        today = selectors.today(actor_of(request))
        rows = [_summary(r, True) for r in today.directed]
        rows += [_summary(r, False) for r in today.member_of]
        return Response({"results": s.CaseSummarySerializer(rows, many=True).data})

    @extend_schema(
        operation_id="cases_create",
        summary="Open a case from an alert, an assessment or by hand",
        request=s.CaseOpenSerializer,
        responses={201: s.CaseDetailSerializer, **problems(400, 401, 403, 404)},
    )
    def post(self, request):
        body = s.CaseOpenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            case = services.open_case(
                actor_of(request),
                alert_id=data.get("alert"),
                assessment_id=data.get("assessment"),
                victim_ref=data.get("victim_ref"),
                director_id=data.get("director"),
            )
        except services.CaseError as exc:
            return _refused(request, exc)
        return Response(
            s.CaseDetailSerializer(_detail(request, case.pk)).data, status=status.HTTP_201_CREATED
        )


class CaseDetailView(APIView):
    @extend_schema(
        operation_id="cases_retrieve",
        summary="A case: team, plan, measures, conferences and what needs attention",
        responses={200: s.CaseDetailSerializer, **problems(401, 403, 404)},
    )
    def get(self, request, case_id: uuid.UUID):
        return Response(s.CaseDetailSerializer(_detail(request, case_id)).data)


class MemberAddView(_CaseChange):
    serializer = s.MemberInSerializer

    @_change_schema("cases_members_add", "Add a team member (case director)", s.MemberInSerializer)
    def post(self, request, case_id: uuid.UUID):
        return super().post(request, case_id)

    def change(self, actor, case_id, data):
        services.add_member(actor, case_id, data["user"], data["task"])


class MemberRemoveView(APIView):
    @extend_schema(
        operation_id="cases_members_remove",
        summary="Remove a team member: their access ends at once (case director)",
        request=None,
        responses={200: s.CaseDetailSerializer, **problems(400, 401, 403, 404)},
    )
    def delete(self, request, case_id: uuid.UUID, member_id: int):
        try:
            services.remove_member(actor_of(request), case_id, member_id)
        except services.CaseError as exc:
            return _refused(request, exc)
        return Response(s.CaseDetailSerializer(_detail(request, case_id)).data)


class DirectorView(_CaseChange):
    serializer = s.DirectorInSerializer

    @_change_schema(
        "cases_director", "Hand the case over to a new director", s.DirectorInSerializer
    )
    def post(self, request, case_id: uuid.UUID):
        return super().post(request, case_id)

    def change(self, actor, case_id, data):
        services.assign_director(actor, case_id, data["user"], data["note"])


class StatusView(_CaseChange):
    serializer = s.StatusInSerializer

    @_change_schema("cases_status", "Change the case status", s.StatusInSerializer)
    def post(self, request, case_id: uuid.UUID):
        return super().post(request, case_id)

    def change(self, actor, case_id, data):
        services.change_status(
            actor, case_id, data["status"], outcome=data["outcome"], reason=data["reason"]
        )


class ActionAddView(_CaseChange):
    serializer = s.ActionInSerializer

    @_change_schema(
        "cases_actions_add",
        "Add a safety-plan action (or create it from an alert or an assessment's protocol)",
        s.ActionInSerializer,
    )
    def post(self, request, case_id: uuid.UUID):
        return super().post(request, case_id)

    def change(self, actor, case_id, data):
        if data.get("alert"):
            services.actions_from_alert(actor, case_id, data["alert"])
        elif data.get("assessment"):
            services.actions_from_assessment(actor, case_id, data["assessment"])
        else:
            services.add_action(
                actor,
                case_id,
                text=data.get("text", ""),
                owner_organisation_id=data.get("owner_organisation"),
                owner_id=data.get("owner"),
                due_at=data.get("due_at"),
                goal_id=data.get("goal"),
            )


class ActionStatusView(_CaseChange):
    serializer = s.ActionStatusInSerializer

    @_change_schema(
        "cases_actions_status", "Mark an action done or cancelled", s.ActionStatusInSerializer
    )
    def post(self, request, case_id: uuid.UUID, action_id: int):
        return super().post(request, case_id, action_id=action_id)

    def change(self, actor, case_id, data, action_id):
        services.set_action_status(actor, action_id, data["status"])


class MeasureAddView(_CaseChange):
    serializer = s.MeasureInSerializer

    @_change_schema("cases_measures_add", "Register a protective measure", s.MeasureInSerializer)
    def post(self, request, case_id: uuid.UUID):
        return super().post(request, case_id)

    def change(self, actor, case_id, data):
        services.register_measure(
            actor,
            case_id,
            kind=data["kind"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            responsible_organisation_id=data["responsible_organisation"],
            legal_basis=data["legal_basis"],
            note=data["note"],
        )


class ConferenceAddView(_CaseChange):
    serializer = s.ConferenceInSerializer

    @_change_schema(
        "cases_conferences_add", "Schedule a case conference (MDO)", s.ConferenceInSerializer
    )
    def post(self, request, case_id: uuid.UUID):
        return super().post(request, case_id)

    def change(self, actor, case_id, data):
        services.schedule_conference(actor, case_id, data["scheduled_at"], data["agenda"])


class ConferenceRecordView(_CaseChange):
    serializer = s.ConferenceRecordSerializer

    @_change_schema(
        "cases_conferences_record",
        "Record attendance and decisions of a conference",
        s.ConferenceRecordSerializer,
    )
    def post(self, request, case_id: uuid.UUID, conference_id: int):
        return super().post(request, case_id, conference_id=conference_id)

    def change(self, actor, case_id, data, conference_id):
        services.record_conference(
            actor,
            conference_id,
            held_at=data["held_at"],
            present=data["present"],
            decisions=data["decisions"],
        )


class ChildAddView(_CaseChange):
    serializer = s.ChildInSerializer

    @_change_schema("cases_children_add", "Add a child in view", s.ChildInSerializer)
    def post(self, request, case_id: uuid.UUID):
        return super().post(request, case_id)

    def change(self, actor, case_id, data):
        services.add_child(actor, case_id, **data)


class DossierView(APIView):
    @extend_schema(
        operation_id="cases_dossier",
        summary="Export the dossier for the prosecutor (PDF or JSON), watermarked and audited",
        request=s.DossierInSerializer,
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "application/json"): OpenApiTypes.OBJECT,
            **problems(400, 401, 403, 404),
        },
    )
    def post(self, request, case_id: uuid.UUID):
        body = s.DossierInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            content, content_type, filename = services.export_dossier(
                actor_of(request),
                case_id,
                reason=body.validated_data["reason"],
                fmt=body.validated_data["format"],
            )
        except services.CaseError as exc:
            return _refused(request, exc)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response


class InboxView(APIView):
    @extend_schema(
        operation_id="inbox_list",
        summary="Your notifications, unread first",
        responses={200: s.NotificationSerializer(many=True), **problems(401)},
    )
    def get(self, request):
        actor = actor_of(request)
        rows = [
            {
                "id": n.pk,
                "kind": n.kind,
                "case": n.case_id,
                "created_at": n.created_at,
                "read_at": n.read_at,
                "message": notify.message(n.kind, n.subject),
            }
            for n in selectors.inbox(actor)
        ]
        return Response({"results": s.NotificationSerializer(rows, many=True).data})
