"""Referrals received: reports another organisation passed on (a helpline to Veilig Thuis)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from patroon.accounts.access import AccessDenied, NotVisible
from patroon.signals import selectors, services
from patroon.web.auth import verified_required
from patroon.web.labels import vocabulary_labels


@require_GET
@verified_required
def referrals(request):
    try:
        received = selectors.referrals_received(request.actor)
    except AccessDenied as exc:
        raise PermissionDenied from exc
    return render(
        request, "web/referrals.html", {"referrals": received, "labels": vocabulary_labels()}
    )


@require_POST
@verified_required
def referral_accept(request, referral_id: int):
    try:
        services.accept_referral(request.actor, referral_id)
    except AccessDenied as exc:
        raise PermissionDenied from exc
    except NotVisible as exc:
        raise Http404 from exc
    messages.success(request, _("Taken on: the sender sees that you have it."))
    return redirect("web:referrals")
