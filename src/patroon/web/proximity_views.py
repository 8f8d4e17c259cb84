"""Web views for the monitoring console (meldkamer): thin, over the proximity selectors and
services. Live updates are server-sent events (``proximity_stream``): under ASGI (uvicorn)
an async generator that polls through ``sync_to_async``; under WSGI a plain generator."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

from asgiref.sync import sync_to_async
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from patroon.accounts.access import AccessDenied, NotVisible, require
from patroon.accounts.permissions import Capability
from patroon.cases import policy as case_policy
from patroon.proximity import selectors, services
from patroon.proximity.models import Alarm, OperatorAction
from patroon.web.auth import verified_required
from patroon.web.proximity_map import layout

POLL_SECONDS = 1.0
KEEPALIVE_SECONDS = 15.0
# A stream ends after a while and the browser reconnects (Last-Event-ID): a signed-out or
# demoted operator stops receiving within this time.
STREAM_SECONDS = 300.0

KIND_LABELS = {
    "approach": gettext_lazy("Approach"),
    "close_approach": gettext_lazy("Close approach"),
    "zone_breach": gettext_lazy("Zone entered"),
    "strap_tamper": gettext_lazy("Strap tampered with"),
    "skin_contact_loss": gettext_lazy("Skin contact lost"),
    "unit_separation": gettext_lazy("Bracelet separated from its GPS unit"),
    "low_battery": gettext_lazy("Low battery"),
    "signal_loss": gettext_lazy("Signal lost"),
    "implausible_position": gettext_lazy("Implausible position"),
    "panic": gettext_lazy("Panic button"),
}
ACTION_LABELS = {
    OperatorAction.Kind.ACKNOWLEDGE: gettext_lazy("Acknowledged"),
    OperatorAction.Kind.ESCALATE: gettext_lazy("Escalated: not acknowledged in time"),
    OperatorAction.Kind.CALL_VICTIM: gettext_lazy("Victim called"),
    OperatorAction.Kind.POLICE_DISPATCHED: gettext_lazy("Police dispatched"),
    OperatorAction.Kind.CLOSE: gettext_lazy("Closed"),
    OperatorAction.Kind.NOTE: gettext_lazy("Note"),
}
STATUS_LABELS = {
    Alarm.Status.OPEN: gettext_lazy("Not acknowledged"),
    Alarm.Status.ACKNOWLEDGED: gettext_lazy("Acknowledged"),
    Alarm.Status.CLOSED: gettext_lazy("Closed"),
}
DEVICE_LABELS = {
    "ankle_monitor": gettext_lazy("Ankle monitor"),
    "victim_device": gettext_lazy("Victim device"),
}
# The services speak English to the CLI; the pages say the same in the user's language.
SERVICE_MESSAGES = {
    "Say why the alarm is closed.": gettext_lazy("Write down why you close the alarm."),
    "This alarm is closed.": gettext_lazy("This alarm is already closed."),
    "Unknown action.": gettext_lazy("Unknown action."),
    f"A note is at most {services.MAX_NOTE} characters.": gettext_lazy(
        "A note is at most 2000 characters."
    ),
}


def _guard(call):
    try:
        return call()
    except AccessDenied as exc:
        raise PermissionDenied from exc
    except NotVisible as exc:
        raise Http404 from exc


def age(seconds: float) -> str:
    """The same words in Dutch and English, so the console's script can count on."""
    seconds = max(0, int(seconds))
    return f"{seconds} s" if seconds < 60 else f"{seconds // 60} min"


def detail_text(alarm: Alarm) -> str:
    detail = alarm.detail or {}
    if "distance_m" in detail:
        return _("%(subject)s at %(distance)s m") % {
            "subject": detail.get("subject", ""),
            "distance": detail["distance_m"],
        }
    if "battery" in detail:
        return _("Battery %(percent)s %%") % {"percent": round(detail["battery"])}
    if "silent_seconds" in detail:
        return _("Silent for %(age)s") % {"age": age(detail["silent_seconds"])}
    return ""


def measure_label(kind: str | None) -> str:
    if kind is None:
        return _("Simulation, no measure")
    known = case_policy.measures().kinds.get(kind)
    return known.label.get(translation.get_language() or "nl") if known else kind


def _row(row: selectors.AlarmRow, now) -> dict:
    alarm = row.alarm
    return {
        "id": alarm.pk,
        "sort": row.sort_key,
        "kind": KIND_LABELS.get(alarm.kind, alarm.kind),
        "priority": alarm.priority,
        "detail": detail_text(alarm),
        "raised_at": alarm.raised_at,
        "raised_ms": int(alarm.raised_at.timestamp() * 1000),
        "age": age((now - alarm.raised_at).total_seconds()),
        "status": alarm.status,
        "status_label": STATUS_LABELS.get(alarm.status, alarm.status),
        "escalated": alarm.escalated_at is not None,
        "acknowledged_by": alarm.acknowledged_by,
        "pair_id": row.pair_id,
        "pair_reference": row.pair_reference,
        "measure": measure_label(row.measure_kind),
        "legal_basis": row.legal_basis,
        "devices": row.devices,
    }


@verified_required
@require_GET
def console(request):
    view = _guard(lambda: selectors.console(request.actor))
    services.mark_delivered(request.actor, [r.alarm.pk for r in view.rows])
    now = timezone.now()
    return render(
        request,
        "web/proximity_console.html",
        {
            "rows": [_row(r, now) for r in view.rows],
            "cursor": str(view.cursor),
            "escalate_after": int(view.escalate_after_seconds),
        },
    )


@verified_required
@require_POST
def act(request, alarm_id: int):
    kind = request.POST.get("kind", "")
    back = request.POST.get("next", "")
    if not back.startswith("/meldkamer/") or "//" in back:
        back = reverse("web:proximity-console")
    try:
        _guard(
            lambda: services.act_on_alarm(
                request.actor, alarm_id, kind, request.POST.get("note", "")
            )
        )
    except services.ProximityError as exc:
        messages.error(request, str(SERVICE_MESSAGES.get(str(exc), exc)))
    else:
        messages.success(
            request,
            _("Recorded for alarm %(id)s: %(action)s.")
            % {"id": alarm_id, "action": ACTION_LABELS[kind]},
        )
    return redirect(back)


@verified_required
@require_GET
def pair(request, pair_id: uuid.UUID):
    picture = _guard(lambda: selectors.pair_picture(request.actor, pair_id))
    drawn = layout(
        picture.zones, picture.devices, picture.pair.alert_radius_m, picture.pair.inner_radius_m
    )
    return render(
        request,
        "web/proximity_pair.html",
        {
            "picture": picture,
            "pair": picture.pair,
            "map": drawn,
            "measure": measure_label(picture.measure_kind),
            "devices": [(d, DEVICE_LABELS.get(d.kind, d.kind)) for d in picture.devices],
            "device_labels": DEVICE_LABELS,
            "alarms": [
                (a, KIND_LABELS.get(a.kind, a.kind), detail_text(a), STATUS_LABELS[a.status])
                for a in picture.alarms
            ],
            "actions": [
                (v, ACTION_LABELS.get(v.action.kind, v.action.kind)) for v in picture.actions
            ],
            "now": timezone.now(),
        },
    )


class _Feed:
    """One console's stream: each poll renders the alarms new or changed since its cursor as
    server-sent events and marks them delivered to the console. Should the events get lost on
    the way, the browser reconnects with the cursor before them (Last-Event-ID) and they are
    sent again."""

    def __init__(self, request, cursor: selectors.Cursor):
        self.request, self.actor, self.cursor = request, request.actor, cursor
        self.language = translation.get_language() or "nl"

    def poll(self) -> str:
        with translation.override(self.language):
            rows, cursor = selectors.alarms_since(self.actor, self.cursor)
            now = timezone.now()
            events = [self._event(row, now) for row in rows]
        previous, self.cursor = self.cursor, cursor
        services.mark_delivered(self.actor, [r.alarm.pk for r in rows])
        if not events:
            return "" if cursor == previous else f"id: {cursor}\ndata: {{}}\n\n"
        events[-1] = f"id: {cursor}\n" + events[-1]
        return "".join(events)

    def _event(self, row: selectors.AlarmRow, now) -> str:
        alarm = row.alarm
        closed = alarm.status == Alarm.Status.CLOSED
        announce = ""
        if alarm.pk > self.cursor.alarm and alarm.priority == 1 and not closed:
            announce = _("New top-priority alarm: %(kind)s, %(pair)s.") % {
                "kind": KIND_LABELS.get(alarm.kind, alarm.kind),
                "pair": row.pair_reference,
            }
        html = ""
        if not closed:
            html = render_to_string(
                "web/proximity_alarm_row.html", {"row": _row(row, now)}, request=self.request
            )
        data = {"id": alarm.pk, "sort": row.sort_key, "closed": closed, "announce": announce}
        return f"event: alarm\ndata: {json.dumps(data | {'html': html})}\n\n"


PREAMBLE = "retry: 2000\n\n"


async def _async_events(feed: _Feed):
    yield PREAMBLE
    loop = asyncio.get_running_loop()
    end, quiet_since = loop.time() + STREAM_SECONDS, loop.time()
    while loop.time() < end:
        chunk = await sync_to_async(feed.poll)()
        if not chunk and loop.time() - quiet_since > KEEPALIVE_SECONDS:
            chunk = ": keepalive\n\n"
        if chunk:
            yield chunk
            quiet_since = loop.time()
        await asyncio.sleep(POLL_SECONDS)


def _events(feed: _Feed):
    yield PREAMBLE
    end, quiet_since = time.monotonic() + STREAM_SECONDS, time.monotonic()
    while time.monotonic() < end:
        chunk = feed.poll()
        if not chunk and time.monotonic() - quiet_since > KEEPALIVE_SECONDS:
            chunk = ": keepalive\n\n"
        if chunk:
            yield chunk
            quiet_since = time.monotonic()
        time.sleep(POLL_SECONDS)


@verified_required
@require_GET
def stream(request):
    """Server-sent events for the console; resumes from Last-Event-ID after a reconnect."""
    _guard(lambda: require(request.actor, Capability.PROXIMITY_MONITOR))
    cursor = (
        selectors.Cursor.parse(request.headers.get("Last-Event-ID"))
        or selectors.Cursor.parse(request.GET.get("after"))
        or selectors.Cursor()
    )
    feed = _Feed(request, cursor)
    body = _async_events(feed) if isinstance(request, ASGIRequest) else _events(feed)
    response = StreamingHttpResponse(body, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
