"""Web views for risk assessment: thin, over the risk selectors and services."""

from __future__ import annotations

import re
import uuid
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patroon.accounts.access import AccessDenied, NotVisible
from patroon.accounts.catalogue import kind_label
from patroon.accounts.permissions import Capability
from patroon.risk import levels, scoring, selectors, services
from patroon.risk.instruments import InstrumentError, instruments
from patroon.risk.plot import layout
from patroon.risk.protocol import protocol
from patroon.web.auth import verified_required
from patroon.web.labels import vocabulary_labels
from patroon.web.templatetags.risk_tags import risk_answer


def _language() -> str:
    return get_language() or "nl"


def _guarded(view):
    """Access errors become 403 and 404 pages, the same way on every risk page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except AccessDenied as exc:
            raise PermissionDenied from exc
        except NotVisible as exc:
            raise Http404 from exc

    return verified_required(wrapper)


def _level_labels() -> dict[str, str]:
    return {level: levels.label(level, _language()) for level in levels.LEVELS}


@_guarded
@require_GET
def risk_list(request):
    actor = request.actor
    return render(
        request,
        "web/risk_list.html",
        {
            "assessments": selectors.assessment_list(actor),
            "overdue": selectors.overdue(actor),
            "disagreements": selectors.disagreements(actor),
            "titles": {i.id: i.title(_language()) for i in instruments().values()},
            "level_labels": _level_labels(),
            "can_assess": actor.can(Capability.RISK_ASSESS),
        },
    )


def _parse_ref(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value.strip()) if value.strip() else None
    except ValueError:
        return None


@_guarded
@require_http_methods(["GET", "POST"])
def risk_start(request):
    if not request.actor.can(Capability.RISK_ASSESS):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else request.GET
    posted = {k: data.get(k, "") for k in ("victim_ref", "perpetrator_ref", "instrument")}
    errors = {}
    if request.method == "POST":
        victim, perpetrator = (
            _parse_ref(posted["victim_ref"]),
            _parse_ref(posted["perpetrator_ref"]),
        )
        if victim is None:
            errors["victim_ref"] = _("Enter the victim's reference (as on the timeline).")
        if posted["perpetrator_ref"].strip() and perpetrator is None:
            errors["perpetrator_ref"] = _("This is not a valid reference.")
        if posted["instrument"] not in instruments():
            errors["instrument"] = _("Choose an instrument.")
        if not errors:
            try:
                assessment = services.start(
                    request.actor, posted["instrument"], victim, perpetrator
                )
            except NotVisible:
                errors["victim_ref"] = _("You have no signals on this person on record.")
            else:
                return redirect("web:risk-detail", assessment.pk)
    return render(
        request,
        "web/risk_start.html",
        {
            "posted": posted,
            "errors": errors,
            "instruments": [
                (i.id, i.title(_language()), i.summary(_language())) for i in instruments().values()
            ],
        },
        status=400 if errors else 200,
    )


def _explain(decided_by: str, instrument, language: str) -> list[str]:
    """What decided the level, in the page's language: the scoring stores a short English
    phrase per reason (``critical item 'strangulation'``), which names items by their id."""

    def item_text(item_id: str) -> str:
        item = instrument.item(item_id)
        return f"“{item.text(language)}”" if item else item_id

    def section_text(section_id: str) -> str:
        titles = {s.id: s.title(language) for s in instrument.sections}
        return titles.get(section_id, section_id)

    phrases = []
    for part in filter(None, (p.strip() for p in decided_by.split(";"))):
        if found := re.fullmatch(r"critical item '(.+)'", part):
            phrases.append(
                _("the answer to %(item)s (an item that sets a minimum level)")
                % {"item": item_text(found[1])}
            )
        elif found := re.fullmatch(r"total (\S+) is at least (\S+)", part):
            phrases.append(
                _("total %(total)s is at least %(minimum)s")
                % {"total": found[1], "minimum": found[2]}
            )
        elif found := re.fullmatch(r"(\d+) (\w+) in part '(.+)'", part):
            phrases.append(
                _("%(count)s times %(colour)s in part “%(part)s”")
                % dict(
                    count=found[1],
                    colour=str(risk_answer(found[2])).lower(),
                    part=section_text(found[3]),
                )
            )
        elif found := re.fullmatch(r"fewer than (\d+) (\w+) in every part", part):
            phrases.append(
                _("fewer than %(count)s times %(colour)s in every part")
                % dict(count=found[1], colour=str(risk_answer(found[2])).lower())
            )
        elif found := re.fullmatch(r"professional judgement '(.+)'", part):
            phrases.append(
                _("the professional's judgement: %(choice)s")
                % {"choice": str(risk_answer(found[1])).lower()}
            )
        else:
            phrases.append(part)
    return phrases


def _with_suggestions(view) -> scoring.Result | None:
    """The instrument's result if the prefilled suggestions were confirmed as they are: shown
    next to the confirmed-only result, so an unconfirmed strangulation cannot read as 'low'."""
    answers = {
        row.item.id: row.answer.value if row.answer.confirmed else row.answer.suggested
        for row in view.answers
        if row.answer.confirmed or row.answer.suggested
    }
    if not any(row.answer.suggested and not row.answer.confirmed for row in view.answers):
        return None
    try:
        return scoring.score(view.instrument, answers)
    except (scoring.Unanswered, InstrumentError):
        return None


def _detail_context(request, assessment_id) -> dict:
    view = selectors.assessment_detail(request.actor, assessment_id)
    language = _language()
    steps = view.steps
    actions = {a.id: a.text(language) for a in steps.actions} if steps else {}
    parties = {code: text(language) for code, text in protocol().parties.items()}
    outcome = view.instrument.outcomes.get(view.assessment.outcome)
    return {
        "view": view,
        "assessment": view.assessment,
        "instrument": view.instrument,
        "sections": [(s.id, s.title(language)) for s in view.instrument.sections],
        "outcome_text": outcome.text(language) if outcome else "",
        "decided_by": _explain(view.assessment.decided_by, view.instrument, language),
        "confirmed_count": sum(1 for row in view.answers if row.answer.confirmed),
        "with_suggestions": _with_suggestions(view),
        "tasks": [
            (t, actions.get(t.code, "") if t.kind == "action" else parties.get(t.code, t.code))
            for t in view.tasks
        ],
        "level_labels": _level_labels(),
        "assessed_levels": [(lvl, levels.label(lvl, language)) for lvl in levels.ASSESSED_LEVELS],
        "labels": vocabulary_labels(),
        "can_assess": request.actor.can(Capability.RISK_ASSESS),
        "can_open_case": request.actor.can(Capability.CASE_OPEN),
        "can_approve": request.actor.can(Capability.RISK_APPROVE)
        and view.assessment.override_by not in ("", request.actor.username),
    }


@_guarded
@require_GET
def risk_detail(request, assessment_id: uuid.UUID):
    return render(request, "web/risk_detail.html", _detail_context(request, assessment_id))


@_guarded
@require_GET
def risk_print(request, assessment_id: uuid.UUID):
    return render(request, "web/risk_print.html", _detail_context(request, assessment_id))


def _posted_answers(request, view) -> dict[str, tuple[str, bool]]:
    """A chosen answer confirms the item, except a prefilled one left as suggested: that
    needs its 'checked against the evidence' box."""
    found = {}
    for row in view.answers:
        value = request.POST.get(f"answer-{row.item.id}", "")
        suggested = row.answer.suggested
        checked = request.POST.get(f"confirm-{row.item.id}") == "1"
        found[row.item.id] = (value, bool(value) and (value != suggested or checked))
    return found


@_guarded
@require_POST
def risk_answers(request, assessment_id: uuid.UUID):
    view = selectors.assessment_detail(request.actor, assessment_id)
    try:
        services.answer(request.actor, assessment_id, _posted_answers(request, view))
        if request.POST.get("next") == "complete":
            services.complete(request.actor, assessment_id)
            messages.success(request, _("The assessment is complete; the protocol tasks are set."))
        else:
            messages.success(request, _("Your answers are saved."))
    except services.Unconfirmed as exc:
        messages.warning(
            request,
            _("Not complete yet: %(count)s items still need a confirmed answer.")
            % {"count": len(exc.items)},
        )
    except services.ApprovalRequired:
        messages.warning(
            request, _("A lower level than the instrument's needs a colleague's approval first.")
        )
    except (services.InvalidState, InstrumentError):
        messages.warning(request, _("This assessment can no longer be changed."))
    return redirect("web:risk-detail", assessment_id)


@_guarded
@require_POST
def risk_override(request, assessment_id: uuid.UUID):
    level, reason = request.POST.get("level", ""), request.POST.get("reason", "")
    try:
        services.request_override(request.actor, assessment_id, level, reason)
    except services.InvalidState:
        messages.warning(request, _("This assessment can no longer be changed."))
    except ValueError:
        messages.warning(request, _("Choose a level and write down why."))
    else:
        messages.success(request, _("Your judgement and its reason are recorded."))
    return redirect("web:risk-detail", assessment_id)


@_guarded
@require_POST
def risk_approve(request, assessment_id: uuid.UUID):
    try:
        services.approve_override(request.actor, assessment_id)
    except services.InvalidState:
        messages.warning(request, _("There is nothing to approve."))
    else:
        messages.success(request, _("You approved the lower level."))
    return redirect("web:risk-detail", assessment_id)


@_guarded
@require_GET
def risk_history(request, victim_ref: uuid.UUID):
    history = selectors.victim_history(request.actor, victim_ref)
    labels = _level_labels()

    def describe(point) -> str:
        who = _("your organisation") if point.own else kind_label(point.organisation.kind)
        return f"{point.at:%d-%m-%Y}: {labels[point.level]} ({who})"

    return render(
        request,
        "web/risk_history.html",
        {
            "victim_ref": victim_ref,
            "history": history,
            "descriptions": [describe(p) for p in history],
            "plot": layout(history, labels, describe),
            "level_labels": labels,
        },
    )
