"""Web views for the Femicide Monitor: thin, over the registry selectors and services."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from patroon.accounts.access import AccessDenied, NotVisible
from patroon.accounts.permissions import Capability
from patroon.registry import dashboard, selectors
from patroon.registry.framework import framework
from patroon.web.auth import verified_required


def _language() -> str:
    return get_language() or "nl"


def _guarded(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except AccessDenied as exc:
            raise PermissionDenied from exc
        except NotVisible as exc:
            raise Http404 from exc

    return verified_required(wrapper)


def _labels() -> dict:
    rules = framework()
    lang = _language()
    return {
        name: {code: c.label(lang) for code, c in rules.codes(name).items()}
        for name in (
            "types",
            "relationships",
            "methods",
            "places",
            "criteria",
            "record_sources",
            "verification",
        )
    }


@_guarded
@require_GET
def registry_list(request):
    actor = request.actor
    country = request.GET.get("country", "")[:2]
    records = selectors.record_list(actor, country, request.GET.get("type", "")[:40])
    return render(
        request,
        "web/registry_list.html",
        {
            "records": records,
            "full": actor.can(Capability.REGISTRY_WRITE),
            "labels": _labels(),
            "country": country,
        },
    )


@_guarded
@require_GET
def registry_detail(request, victim_id):
    actor = request.actor
    if not actor.can(Capability.REGISTRY_WRITE):
        raise PermissionDenied
    view = selectors.record_detail(actor, victim_id, gettext=_, language=_language())
    victim = view.victim
    criteria = [(c, getattr(victim, c)) for c in framework().criteria]
    return render(
        request,
        "web/registry_detail.html",
        {
            "view": view,
            "v": victim,
            "e": victim.event,
            "criteria": criteria,
            "labels": _labels(),
            "can_who_knew": actor.can(Capability.REGISTRY_WHO_KNEW),
        },
    )


@_guarded
@require_GET
def registry_who_knew(request, victim_id):
    found = selectors.who_knew_what(request.actor, victim_id)
    return render(request, "web/registry_who_knew.html", {"found": found, "labels": _labels()})


@_guarded
@require_GET
def registry_dashboard(request):
    country = request.GET.get("country", "")[:2]
    board = dashboard.build(request.actor, country, language=_language())
    return render(
        request,
        "web/registry_dashboard.html",
        {"board": board, "country": country, "labels": _labels()},
    )


@_guarded
@require_GET
def registry_report(request):
    from patroon.registry.report import render_pdf

    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = None
    country = request.GET.get("country", "")[:2]
    if year is None:
        board = dashboard.build(request.actor, country, language=_language())
        year = int(board.provisional) if (board.provisional or "").isdigit() else 0
    pdf = render_pdf(request.actor, year, country, language=_language())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="femicide-monitor-{year}.pdf"'
    return response
