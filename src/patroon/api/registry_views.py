"""API v1 for the Femicide Monitor: thin wrappers over the registry selectors."""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from patroon.api.authentication import actor_of
from patroon.api.problems import problem_response
from patroon.api.registry_serializers import (
    RecordPageSerializer,
    StatisticsSerializer,
    WhoKnewSerializer,
)
from patroon.api.views import problems
from patroon.registry import selectors
from patroon.registry.stats import UnknownDimension, parse_dimensions


class StatisticsView(APIView):
    @extend_schema(
        operation_id="registry_statistics",
        summary="Victims counted by any combination of dimensions (aggregates only)",
        parameters=[
            OpenApiParameter("by", str, description="Comma-separated dimensions, e.g. year,region"),
            OpenApiParameter("country", str, required=False),
            OpenApiParameter("source", str, required=False, description="es-dgvg or ar-minjus"),
        ],
        responses={200: StatisticsSerializer, **problems(400, 401, 403)},
    )
    def get(self, request):
        try:
            dims = parse_dimensions(request.query_params.get("by", "year"))
        except UnknownDimension as exc:
            return problem_response(400, str(exc), request.get_full_path())
        result = selectors.statistics(
            actor_of(request),
            dims,
            request.query_params.get("country", "")[:2],
            request.query_params.get("source", "")[:20],
        )
        return Response(StatisticsSerializer(result).data)


class RecordCollectionView(APIView):
    @extend_schema(
        operation_id="registry_records_list",
        summary="Pseudonymised register records (no reference, date, place or vault link)",
        responses={200: RecordPageSerializer, **problems(401, 403)},
    )
    def get(self, request):
        actor = actor_of(request)
        found = selectors.record_list(actor, request.query_params.get("country", "")[:2])
        # The API gives everyone the pseudonymised shape, registrars included.
        records = [
            r if isinstance(r, selectors.PseudonymisedRecord) else selectors._pseudonymised(r)
            for r in found
        ]
        return Response(RecordPageSerializer({"results": [asdict(r) for r in records]}).data)


class WhoKnewView(APIView):
    @extend_schema(
        operation_id="registry_who_knew",
        summary="Who knew what, when: prior signals on a registered victim (registrar, audited)",
        responses={200: WhoKnewSerializer, **problems(401, 403, 404)},
    )
    def get(self, request, victim_id):
        found = selectors.who_knew_what(actor_of(request), victim_id)
        s = found.summary
        data = {
            "cutoff": s.cutoff,
            "organisations": [
                {
                    "organisation": found.organisations[o.organisation_id].code,
                    "organisation_kind": found.organisations[o.organisation_id].kind,
                    "signals": o.signals,
                    "first": o.first,
                    "last": o.last,
                }
                for o in s.organisations
            ],
            "red_flags": [asdict(f) for f in s.red_flags],
            "highest_level": s.highest_level,
            "assessments": s.assessments,
            "case_open": s.case_open,
            "measures": list(s.measures) if isinstance(s.measures, tuple) else s.measures,
        }
        return Response(WhoKnewSerializer(data).data)
