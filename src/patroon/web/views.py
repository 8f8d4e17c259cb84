"""Web views: thin. Reads go through selectors, writes through services."""

from __future__ import annotations

import base64
import uuid

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login

from patroon.accounts.access import AccessDenied, NotVisible
from patroon.accounts.permissions import Capability
from patroon.accounts.services import confirmed_totp_device, start_totp_enrolment
from patroon.patterns.selectors import open_alert_counts
from patroon.signals import selectors
from patroon.signals.messages import render as render_error
from patroon.signals.services import record_signal
from patroon.signals.store import CREATED
from patroon.vocabulary.loader import vocabulary
from patroon.web import signal_form
from patroon.web.auth import verified_required
from patroon.web.forms import LoginForm, TokenForm
from patroon.web.labels import vocabulary_labels


def _safe_next(request, default: str = "web:dashboard"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_http_methods(["GET", "POST"])
def login_view(request):
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.get_user())
        request.session["after_login"] = _safe_next(request, "")
        if confirmed_totp_device(form.get_user()) is None:
            return redirect("web:otp-enrol")
        return redirect("web:otp-verify")
    return render(request, "web/login.html", {"form": form, "next": request.GET.get("next", "")})


def _finish_login(request, device):
    otp_login(request, device)
    target = request.session.pop("after_login", "") or "web:dashboard"
    return redirect(target)


@require_http_methods(["GET", "POST"])
def otp_verify(request):
    if not request.user.is_authenticated:
        return redirect("web:login")
    device = confirmed_totp_device(request.user)
    if device is None:
        return redirect("web:otp-enrol")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _details = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["token"]):
            return _finish_login(request, device)
        form.add_error(
            "token",
            _("This code is not valid. Check the time on your phone and try again.")
            if allowed
            else _("Too many wrong codes. Wait a little and try again."),
        )
    return render(request, "web/otp_verify.html", {"form": form})


@require_http_methods(["GET", "POST"])
def otp_enrol(request):
    if not request.user.is_authenticated:
        return redirect("web:login")
    if confirmed_totp_device(request.user) is not None:
        return redirect("web:otp-verify")
    form = TokenForm(request.POST or None)
    device = request.user.totpdevice_set.filter(confirmed=False).first()
    if request.method == "POST" and device and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            return _finish_login(request, device)
        form.add_error("token", _("This code is not valid. Scan the code again and retry."))
    if device is None or request.method == "GET":
        device = start_totp_enrolment(request.user)
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    return render(
        request,
        "web/otp_enrol.html",
        {"form": form, "qr_svg": qr_svg, "secret": _base32(device.bin_key)},
    )


def _base32(key: bytes) -> str:
    return base64.b32encode(key).decode().rstrip("=")


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("You have been signed out."))
    return redirect("web:login")


@require_GET
@verified_required
def dashboard(request):
    actor = request.actor
    context = {"can_record": actor.can(Capability.SIGNAL_CREATE)}
    if actor.can(Capability.SIGNAL_READ):
        context["signals"] = selectors.recent_signals(actor, limit=25)
        context["signal_count"] = selectors.count_signals(actor)
    if actor.can(Capability.AGGREGATES_READ):
        context["aggregates"] = selectors.behaviour_counts(actor)
    context["alert_counts"] = open_alert_counts(actor)
    context["labels"] = vocabulary_labels()
    return render(request, "web/dashboard.html", context)


def _form_context(post=None, errors=None) -> dict:
    vocab = vocabulary()
    language = get_language() or "nl"
    now = timezone.localtime()
    count = signal_form.person_count(post) if post else 2
    values = post or {}
    persons = []
    for i in range(count):
        default_role = ["victim", "alleged_perpetrator"][i] if i < 2 else "child"
        persons.append(
            {
                "index": i,
                "values": {
                    f: values.get(f"persons-{i}-{f}", default_role if f == "role" else "")
                    for f in signal_form.PERSON_FIELDS
                },
            }
        )
    return {
        "behaviours": [(c, t.label(language)) for c, t in vocab.active("behaviours").items()],
        "relationships": [(c, t.label(language)) for c, t in vocab.active("relationships").items()],
        "roles": [(c, t.label(language)) for c, t in vocab.active("roles").items()],
        "confidentiality": [
            (c, t.label(language)) for c, t in vocab.active("confidentiality").items()
        ],
        "persons": persons,
        "values": values,
        "selected_behaviours": post.getlist("behaviours") if post else [],
        "source_reference": values.get("source_reference") or signal_form.new_form_reference(now),
        "reported_at_default": now.strftime("%Y-%m-%dT%H:%M"),
        "errors": errors or {},
        "error_list": [
            (name, message) for name, messages_ in (errors or {}).items() for message in messages_
        ],
    }


@require_http_methods(["GET", "POST"])
@verified_required
def signal_new(request):
    actor = request.actor
    if not actor.can(Capability.SIGNAL_CREATE):
        raise PermissionDenied(_("You may not record signals."))
    if request.method == "GET":
        return render(request, "web/signal_form.html", _form_context())
    payload = signal_form.payload_from_post(request.POST)
    outcome = record_signal(actor, payload, channel="web")
    if outcome.errors:
        kept = signal_form.kept_person_indexes(request.POST)
        errors: dict[str, list[str]] = {}
        for error in outcome.errors:
            errors.setdefault(signal_form.form_field_name(error.field, kept), []).append(
                render_error(error)
            )
        return render(
            request, "web/signal_form.html", _form_context(request.POST, errors), status=400
        )
    if outcome.status == CREATED:
        messages.success(request, _("The signal has been recorded."))
    else:
        messages.info(request, _("This signal was already recorded; nothing was added."))
    return redirect("web:signal-detail", signal_id=outcome.signal_id)


@require_GET
@verified_required
def signal_person_row(request):
    """htmx: one more person fieldset for the signal form."""
    if not request.actor.can(Capability.SIGNAL_CREATE):
        raise PermissionDenied(_("You may not record signals."))
    try:
        index = min(int(request.GET.get("person_count", "2")), signal_form.MAX_FORM_PERSONS - 1)
    except ValueError:
        index = 2
    vocab = vocabulary()
    language = get_language() or "nl"
    person = {
        "index": index,
        "values": {f: ("child" if f == "role" else "") for f in signal_form.PERSON_FIELDS},
    }
    return render(
        request,
        "web/_person_fieldset.html",
        {
            "person": person,
            "roles": [(c, t.label(language)) for c, t in vocab.active("roles").items()],
            "errors": {},
            "oob_count": index + 1,
        },
    )


@require_GET
@verified_required
def signal_detail(request, signal_id: uuid.UUID):
    try:
        view = selectors.signal_detail(request.actor, signal_id)
    except (AccessDenied, NotVisible) as exc:
        raise Http404 from exc
    return render(
        request,
        "web/signal_detail.html",
        {
            "view": view,
            "labels": vocabulary_labels(),
            "can_timeline": request.actor.can(Capability.TIMELINE_READ),
        },
    )


@require_GET
@verified_required
def person_timeline(request, person_ref: uuid.UUID):
    try:
        signals = selectors.person_timeline(request.actor, person_ref)
    except (AccessDenied, NotVisible) as exc:
        raise Http404 from exc
    return render(
        request,
        "web/person_timeline.html",
        {"signals": signals, "person_ref": person_ref, "labels": vocabulary_labels()},
    )


@require_GET
def health(request):
    """Liveness and database reachability, for load balancers. No personal data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "degraded", "database": database}, status=status
    )
