"""Web views for casusregie: thin, over the case selectors and services.

Every change to a case is a POST to ``cases/<id>/<step>/``; ``STEPS`` maps each step to the
service it calls, so the form handling (errors as messages, 403/404) lives in one place.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patroon.accounts.access import AccessDenied, NotVisible
from patroon.accounts.models import Organisation
from patroon.accounts.permissions import Capability
from patroon.cases import attention, notify, policy, selectors, services
from patroon.cases.models import Child
from patroon.risk.levels import label as level_label
from patroon.web.auth import verified_required
from patroon.web.templatetags.patroon import CASE_LABELS


def _guard(call):
    try:
        return call()
    except AccessDenied as exc:
        raise PermissionDenied from exc
    except NotVisible as exc:
        raise Http404 from exc


def _date(value: str, what: str, *, required: bool = True) -> date | None:
    if not value:
        if required:
            raise services.CaseError(_("%(what)s is required.") % {"what": what})
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise services.CaseError(_("%(what)s is not a date.") % {"what": what}) from exc


def _moment(day: str, clock: str, what: str) -> datetime:
    on = _date(day, what)
    try:
        at = time.fromisoformat(clock) if clock else time(17, 0)
    except ValueError as exc:
        raise services.CaseError(_("%(what)s: the time is not valid.") % {"what": what}) from exc
    return timezone.make_aware(datetime.combine(on, at))


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@verified_required
@require_GET
def case_today(request):
    view = _guard(lambda: selectors.today(request.actor))
    labels = _level_labels()
    statuses = {code: str(text) for code, text in CASE_LABELS["status"].items()}
    words = AttentionWords()
    # Rows prepared here, not in the template: 200 cases with their attention items render in
    # a fraction of the time that per-row includes, URL reversing, filters and translations
    # take (measured: 104 ms of a 172 ms page before).
    detail = reverse("web:case-detail", args=[UUID_PLACEHOLDER])

    def row(r):
        return {
            "number": r.case.number,
            "url": detail.replace(str(UUID_PLACEHOLDER), str(r.case.pk)),
            "opened": words.day(timezone.localtime(r.case.opened_at)),
            "level": r.level,
            "level_label": labels[r.level],
            "status": statuses.get(r.case.status, r.case.status),
            "items": [(i.kind, words.text(i)) for i in r.items],
        }

    return render(
        request,
        "web/case_today.html",
        {
            "directed": [row(r) for r in view.directed],
            "member_of": [row(r) for r in view.member_of],
            "my_actions": [
                (a, services.unseal(a.text, "SafetyAction.text")) for a in view.my_actions
            ],
            "can_open": request.actor.can(Capability.CASE_OPEN),
        },
    )


UUID_PLACEHOLDER = uuid.UUID(int=0)


class AttentionWords:
    """One line of what needs attention, in the user's language; phrases and month names are
    translated once per page, not once per line."""

    def __init__(self):
        self.months = {m: str(name).title() for m, name in MONTHS_3.items()}
        self.phrases = {
            attention.BREACH: _("Measure breached"),
            attention.LATE_CONFERENCE: _("Case conference late") + " · " + _("was due"),
            attention.OVERDUE_ACTION: _("Action overdue since"),
            attention.EXPIRING_MEASURE: _("Measure ends"),
            attention.AFTERCARE_DUE: _("Aftercare check-in due"),
        }

    def day(self, when: date) -> str:
        return f"{when.day} {self.months[when.month]} {when.year}"

    def text(self, item) -> str:
        if item.kind == attention.NEW_SIGNALS:
            return ngettext("%(counter)s new signal", "%(counter)s new signals", item.count) % {
                "counter": item.count
            }
        due = item.due
        if isinstance(due, datetime):
            due = timezone.localtime(due)
            when = f"{self.day(due)}, {due:%H:%M}"
        else:
            when = self.day(due) if due else ""
        return f"{self.phrases[item.kind]} {when}"


def _level_labels() -> dict:
    from patroon.risk.levels import LEVELS

    language = get_language() or "nl"
    return {level: level_label(level, language) for level in LEVELS}


@verified_required
@require_http_methods(["GET", "POST"])
def case_open(request):
    source = request.POST if request.method == "POST" else request.GET
    alert_id = source.get("alert") or None
    assessment_id = source.get("assessment") or None
    victim = source.get("victim") or None
    if not request.actor.can(Capability.CASE_OPEN):
        raise PermissionDenied
    directors = selectors.director_candidates()
    if request.method == "POST":
        try:
            case = _guard(
                lambda: services.open_case(
                    request.actor,
                    alert_id=alert_id,
                    assessment_id=assessment_id,
                    victim_ref=_uuid(victim),
                    director_id=_int(request.POST.get("director")),
                )
            )
        except services.CaseError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
            return redirect("web:case-detail", case.pk)
    return render(
        request,
        "web/case_open.html",
        {
            "alert_id": alert_id,
            "assessment_id": assessment_id,
            "victim": victim,
            "directors": directors,
        },
    )


def _uuid(value):
    try:
        return uuid.UUID(value) if value else None
    except ValueError as exc:
        raise services.CaseError(_("Not a valid person reference.")) from exc


@verified_required
@require_GET
def case_detail(request, case_id):
    view = _guard(lambda: selectors.case_detail(request.actor, case_id))
    services.mark_seen(request.actor, view.case)
    language = get_language() or "nl"
    measures = policy.measures()
    aftercare = policy.aftercare()
    return render(
        request,
        "web/case_detail.html",
        {
            "view": view,
            "case": view.case,
            "attention_items": [(i.kind, AttentionWords().text(i)) for i in view.attention],
            "level_labels": _level_labels(),
            "measure_kinds": [
                (k.id, k.label.get(language), k.legal_basis) for k in measures.kinds.values()
            ],
            "measure_labels": {k.id: k.label.get(language) for k in measures.kinds.values()},
            "outcomes": [(k, t.get(language)) for k, t in aftercare.outcomes.items()],
            "organisations": Organisation.objects.filter(active=True).order_by("name"),
            "candidates": selectors.team_candidates(request.actor, view.case)
            if view.is_director
            else [],
            "directors": selectors.director_candidates()
            if view.is_director or not view.case.director_id
            else [],
            "can_export": request.actor.can(Capability.DOSSIER_EXPORT),
            "can_contribute": request.actor.can(Capability.CASE_CONTRIBUTE),
            "next_statuses": [s for s in services.TRANSITIONS[view.case.status]],
            "risk_choices": Child.Risk.choices,
            "age_groups": Child.AgeGroup.values,
            "now": timezone.now(),
            "today": timezone.localdate(),
        },
    )


def _add_action(actor, case_id, post):
    if post.get("alert"):
        return services.actions_from_alert(actor, case_id, post["alert"])
    if post.get("assessment"):
        return services.actions_from_assessment(actor, case_id, post["assessment"])
    return services.add_action(
        actor,
        case_id,
        text=post.get("text", ""),
        owner_organisation_id=_int(post.get("owner_organisation")),
        owner_id=_int(post.get("owner")),
        due_at=_moment(post.get("due_on", ""), post.get("due_time", ""), _("Deadline")),
        goal_id=_int(post.get("goal")),
    )


def _record_conference(actor, case_id, post):
    decisions = []
    for text, org, due in zip(
        post.getlist("decision"),
        post.getlist("decision_owner"),
        post.getlist("decision_due"),
        strict=False,
    ):
        if text.strip():
            decisions.append(
                {
                    "text": text,
                    "owner_organisation_id": _int(org),
                    "due_at": _moment(due, "", _("Deadline")) if due else None,
                }
            )
    return services.record_conference(
        actor,
        _int(post.get("conference")),
        held_at=_moment(post.get("held_on", ""), post.get("held_time", ""), _("Held on")),
        present=post.getlist("present"),
        decisions=decisions,
    )


STEPS = {
    "team": lambda a, c, p: services.add_member(a, c, _int(p.get("user")), p.get("task", "")),
    "remove": lambda a, c, p: services.remove_member(a, c, _int(p.get("member"))),
    "director": lambda a, c, p: services.assign_director(
        a, c, _int(p.get("user")), p.get("note", "")
    ),
    "contact": lambda a, c, p: services.set_contact_person(a, c, _int(p.get("user"))),
    "status": lambda a, c, p: services.change_status(
        a, c, p.get("status", ""), outcome=p.get("outcome", ""), reason=p.get("reason", "")
    ),
    "combined": lambda a, c, p: services.set_combined_handling(a, c, p.get("combined") == "1"),
    "goal": lambda a, c, p: services.add_goal(a, c, p.get("text", "")),
    "action": _add_action,
    "action-status": lambda a, c, p: services.set_action_status(
        a, _int(p.get("action")), p.get("status", "")
    ),
    "measure": lambda a, c, p: services.register_measure(
        a,
        c,
        kind=p.get("kind", ""),
        starts_on=_date(p.get("starts_on", ""), _("Start date")),
        ends_on=_date(p.get("ends_on", ""), _("End date"), required=False),
        responsible_organisation_id=_int(p.get("responsible_organisation")),
        legal_basis=p.get("legal_basis", ""),
        note=p.get("note", ""),
    ),
    "measure-end": lambda a, c, p: services.end_measure(a, _int(p.get("measure"))),
    "breach": lambda a, c, p: services.acknowledge_breach(a, _int(p.get("breach"))),
    "conference": lambda a, c, p: services.schedule_conference(
        a, c, _moment(p.get("on", ""), p.get("at", ""), _("Date")), p.get("agenda", "")
    ),
    "conference-record": _record_conference,
    "child": lambda a, c, p: services.add_child(
        a,
        c,
        label=p.get("label", ""),
        age_group=p.get("age_group", ""),
        safety=p.get("safety", ""),
        school_custody=p.get("school_custody", ""),
        access_arrangement_risk=p.get("access_arrangement_risk", "unknown"),
    ),
    "aftercare": lambda a, c, p: services.complete_aftercare(a, _int(p.get("task"))),
}

ANCHORS = {
    "team": "team",
    "remove": "team",
    "director": "team",
    "contact": "team",
    "goal": "plan",
    "action": "plan",
    "action-status": "plan",
    "measure": "measures",
    "measure-end": "measures",
    "breach": "measures",
    "conference": "conferences",
    "conference-record": "conferences",
    "child": "children",
    "aftercare": "aftercare",
}


@verified_required
@require_POST
def case_step(request, case_id, step):
    handler = STEPS.get(step)
    if handler is None:
        raise Http404
    try:
        _guard(lambda: handler(request.actor, case_id, request.POST))
    except (services.CaseError, TypeError) as exc:
        message = str(exc) if isinstance(exc, services.CaseError) else _("Fill in every field.")
        messages.error(request, message)
    else:
        messages.success(request, _("Saved."))
    anchor = ANCHORS.get(step, "")
    return redirect(reverse("web:case-detail", args=[case_id]) + (f"#{anchor}" if anchor else ""))


@verified_required
@require_POST
def case_dossier(request, case_id):
    fmt = request.POST.get("format", "pdf")
    try:
        content, content_type, filename = _guard(
            lambda: services.export_dossier(
                request.actor, case_id, reason=request.POST.get("reason", ""), fmt=fmt
            )
        )
    except services.CaseError as exc:
        messages.error(request, str(exc))
        return redirect(reverse("web:case-detail", args=[case_id]) + "#dossier")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@verified_required
@require_http_methods(["GET", "POST"])
def inbox(request):
    if request.method == "POST":
        notify.mark_read(request.actor.user_id, _int(request.POST.get("notification")))
        return redirect("web:inbox")
    notices = selectors.inbox(request.actor)
    return render(
        request,
        "web/inbox.html",
        {
            "notices": [(n, notify.message(n.kind, n.subject)) for n in notices],
        },
    )
