"""Web views for alerts and bundled timelines: thin, over the pattern selectors and services."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from patroon.accounts.access import AccessDenied, NotVisible
from patroon.accounts.catalogue import kind_label, regions
from patroon.accounts.permissions import Capability
from patroon.patterns import selectors, services
from patroon.patterns.picture import layout
from patroon.patterns.rulebook import rulebook
from patroon.web.auth import verified_required
from patroon.web.labels import vocabulary_labels

STATUSES = ("open", "new", "acknowledged", "handled")


def _filters(request) -> selectors.QueueFilters:
    get = request.GET
    status = get.get("status", "open")
    return selectors.QueueFilters(
        status=status if status in STATUSES else "open",
        severity=get.get("severity", "") if get.get("severity") in selectors.SEVERITY_ORDER else "",
        rule=get.get("rule", "") if rulebook().rule(get.get("rule", "")) else "",
        region=get.get("region", "") if get.get("region") in regions() else "",
        mine=get.get("mine") == "1",
        escalated=get.get("escalated") == "1",
    )


@verified_required
@require_GET
def alert_queue(request):
    filters = _filters(request)
    try:
        alerts = selectors.alert_queue(request.actor, filters)
    except AccessDenied as exc:
        raise PermissionDenied from exc
    language = get_language() or "nl"
    book = rulebook()
    return render(
        request,
        "web/alert_queue.html",
        {
            "alerts": alerts,
            "filters": filters,
            "rules": [(r.id, r.title(language)) for r in book.rules],
            "titles": {r.id: r.title(language) for r in book.rules},
            "regions": sorted(regions().items(), key=lambda kv: kv[1]),
            "statuses": STATUSES,
            "now": timezone.now(),
            "can_see_escalations": request.actor.can(Capability.ALERT_ESCALATIONS),
        },
    )


def _detail_context(request, alert_id):
    try:
        view = selectors.alert_detail(request.actor, alert_id)
    except AccessDenied as exc:
        raise PermissionDenied from exc
    except NotVisible as exc:
        raise Http404 from exc
    language = get_language() or "nl"
    return {
        "view": view,
        "alert": view.alert,
        "rule_title": view.rule.title(language) if view.rule else view.alert.rule_id,
        "explanation": view.rule.explanation(language) if view.rule else "",
        "step": view.rule.recommended_step(language) if view.rule else "",
        "outcomes": [(code, text(language)) for code, text in rulebook().outcomes.items()],
        "labels": vocabulary_labels(),
        "kind_label": kind_label,
        "now": timezone.now(),
        "can_handle": request.actor.can(Capability.ALERT_HANDLE),
        "can_assess": request.actor.can(Capability.RISK_ASSESS),
        "can_open_case": request.actor.can(Capability.CASE_OPEN),
    }


@verified_required
@require_GET
def alert_detail(request, alert_id: uuid.UUID):
    return render(request, "web/alert_detail.html", _detail_context(request, alert_id))


@verified_required
@require_POST
def alert_acknowledge(request, alert_id: uuid.UUID):
    try:
        services.acknowledge(request.actor, alert_id)
    except AccessDenied as exc:
        raise PermissionDenied from exc
    except NotVisible as exc:
        raise Http404 from exc
    except services.InvalidTransition:
        messages.warning(request, _("This alert was already acknowledged."))
    else:
        messages.success(request, _("You acknowledged the alert."))
    return redirect("web:alert-detail", alert_id)


@verified_required
@require_POST
def alert_handle(request, alert_id: uuid.UUID):
    outcome = request.POST.get("outcome", "")
    note = request.POST.get("note", "")
    errors = {}
    if outcome not in rulebook().outcomes:
        errors["outcome"] = _("Choose how the alert was handled.")
    if not note.strip():
        errors["note"] = _("Write down what you decided and why.")
    if not errors:
        try:
            services.handle(request.actor, alert_id, outcome, note)
        except AccessDenied as exc:
            raise PermissionDenied from exc
        except NotVisible as exc:
            raise Http404 from exc
        except services.InvalidTransition:
            messages.warning(request, _("This alert was already handled."))
        else:
            messages.success(request, _("The alert is handled; your decision is recorded."))
        return redirect("web:alert-detail", alert_id)
    context = _detail_context(request, alert_id)
    context.update({"errors": errors, "posted": {"outcome": outcome, "note": note}})
    return render(request, "web/alert_detail.html", context, status=400)


@verified_required
@require_GET
def dyad_timeline(request, victim_ref: uuid.UUID, perpetrator_ref: uuid.UUID | None = None):
    try:
        view = selectors.dyad_timeline(request.actor, victim_ref, perpetrator_ref)
    except AccessDenied as exc:
        raise PermissionDenied from exc
    except NotVisible as exc:
        raise Http404 from exc
    language = get_language() or "nl"
    labels = vocabulary_labels()
    titles = {r.id: r.title(language) for r in rulebook().rules}
    lanes = [
        (
            h.organisation.pk,
            h.organisation.name if h.content_visible else kind_label(h.organisation.kind, language),
            kind_label(h.organisation.kind, language),
            h.content_visible,
            _("%(count)s signals, latest %(date)s")
            % {"count": h.signals, "date": h.latest.strftime("%d-%m-%Y") if h.latest else "–"},
        )
        for h in view.holders
        if h.signals
    ]
    items = [
        (
            it.organisation_id,
            it.occurred,
            it.severity,
            it.signal_id,
            ", ".join(labels["behaviours"].get(code, code) for code in it.behaviours),
            it.own,
        )
        for it in view.items
    ]
    flags = [
        (a.evidence_until.date(), titles.get(a.rule_id, a.rule_id), a.severity) for a in view.alerts
    ]
    picture = layout(lanes, items, flags, timezone.localdate())
    return render(
        request,
        "web/dyad_timeline.html",
        {
            "view": view,
            "picture": picture,
            "labels": labels,
            "titles": titles,
            "kind_label": kind_label,
            "organisations": {h.organisation.pk: h.organisation for h in view.holders},
            "can_reidentify": request.actor.can(Capability.REIDENTIFY),
            "can_assess": request.actor.can(Capability.RISK_ASSESS),
        },
    )
