"""Web views for the identity vault: the link reviewer's queue and re-identification."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from patroon.accounts.access import AccessDenied, NotVisible
from patroon.identity import selectors, services
from patroon.identity.moves import MoveError
from patroon.web.auth import verified_required


@verified_required
@require_GET
def review_queue(request):
    try:
        items = selectors.review_queue(request.actor)
    except AccessDenied as exc:
        raise PermissionDenied from exc
    return render(request, "web/review_queue.html", {"items": items})


def _review(request, item_id, context=None, status=200):
    try:
        view = selectors.review_detail(request.actor, item_id)
    except AccessDenied as exc:
        raise PermissionDenied from exc
    except NotVisible as exc:
        raise Http404 from exc
    return render(
        request, "web/review_detail.html", {"view": view, **(context or {})}, status=status
    )


@verified_required
@require_GET
def review_detail(request, item_id: uuid.UUID):
    return _review(request, item_id)


@verified_required
@require_POST
def review_decide(request, item_id: uuid.UUID):
    decision = request.POST.get("decision")
    reason = request.POST.get("reason", "")
    if decision not in ("accept", "reject"):
        errors = {"decision": _("Choose: the same person, or different persons.")}
        return _review(request, item_id, {"errors": errors, "reason": reason}, status=400)
    try:
        services.decide_review(request.actor, item_id, decision == "accept", reason)
    except AccessDenied as exc:
        raise PermissionDenied from exc
    except NotVisible as exc:
        raise Http404 from exc
    except services.ReasonRequired:
        errors = {"reason": _("Explain your decision in at least a sentence.")}
        context = {"errors": errors, "reason": reason, "decision": decision}
        return _review(request, item_id, context, status=400)
    except MoveError:
        messages.warning(request, _("This pair was already decided."))
        return redirect("web:review-queue")
    messages.success(
        request,
        _("Linked: the records are one person now.")
        if decision == "accept"
        else _("Recorded: these records will not be linked."),
    )
    return redirect("web:review-queue")


@verified_required
@require_POST
def reidentify(request, person_ref: uuid.UUID):
    reason = request.POST.get("reason", "")
    try:
        identity = services.reidentify(request.actor, person_ref, reason)
    except AccessDenied as exc:
        raise PermissionDenied from exc
    except NotVisible as exc:
        raise Http404 from exc
    except services.ReasonRequired:
        return render(
            request,
            "web/reidentify.html",
            {"person_ref": person_ref, "error": True, "reason": reason},
            status=400,
        )
    return render(request, "web/reidentify.html", {"person_ref": person_ref, "identity": identity})


@verified_required
@require_GET
def reidentify_form(request, person_ref: uuid.UUID):
    return render(request, "web/reidentify.html", {"person_ref": person_ref})
