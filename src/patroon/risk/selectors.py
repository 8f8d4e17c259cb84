"""Access-controlled reads of risk assessments. Web and API call these, never querysets.

An organisation sees its own assessments in full. Of another organisation's assessments of
the same victim it sees only the date, the kind of organisation and the final level, and only
when it holds signals or assessments on her itself: enough to compare levels and pick up the
phone, as with the timeline's holders.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from patroon.accounts.access import AccessDenied, NotVisible
from patroon.accounts.actor import Actor
from patroon.accounts.models import Organisation
from patroon.accounts.permissions import Capability
from patroon.audit.services import record, record_many
from patroon.patterns.models import Alert, TimelineEntry
from patroon.risk import scoring
from patroon.risk.instruments import Instrument, Item
from patroon.risk.models import Answer, AnswerEvidence, Assessment, Disagreement, ProtocolTask
from patroon.risk.protocol import LevelProtocol, protocol
from patroon.risk.services import REASON_PURPOSE, confirmed_answers, instrument_of
from patroon.security.keys import cipher

LIST_LIMIT = 200


def _require_reader(actor: Actor) -> None:
    allowed = actor.can(Capability.RISK_ASSESS) or actor.can(Capability.RISK_APPROVE)
    if not allowed or actor.organisation_id is None:
        raise AccessDenied(Capability.RISK_ASSESS.value)


def _own(actor: Actor) -> QuerySet[Assessment]:
    _require_reader(actor)
    return Assessment.objects.filter(organisation_id=actor.organisation_id)


def assessment_list(actor: Actor, status: str = "") -> list[Assessment]:
    assessments = _own(actor)
    if status:
        assessments = assessments.filter(status=status)
    found = list(assessments.order_by("status", "-started_at")[:LIST_LIMIT])
    record_many(actor, "list", "risk_assessment", [str(a.pk) for a in found], "assessment list")
    return found


def overdue(actor: Actor) -> list[Assessment]:
    """This organisation's current assessments flagged as due for re-assessment."""
    return list(
        _own(actor)
        .filter(overdue_flagged_at__isnull=False, superseded=False)
        .order_by("reassess_due")
    )


def disagreements(actor: Actor) -> list[Disagreement]:
    """Flags that involve one of this organisation's assessments."""
    _require_reader(actor)
    org = actor.organisation_id
    return list(
        Disagreement.objects.filter(Q(first__organisation_id=org) | Q(second__organisation_id=org))
        .select_related("first__organisation", "second__organisation")
        .order_by("-flagged_at")
    )


@dataclass(frozen=True)
class AnswerView:
    item: Item
    answer: Answer
    evidence: list[AnswerEvidence]
    applicable: bool


@dataclass(frozen=True)
class AssessmentView:
    assessment: Assessment
    instrument: Instrument
    answers: list[AnswerView]
    current: scoring.Result | None
    unconfirmed: list[str]
    override_reason: str
    tasks: list[ProtocolTask]
    steps: LevelProtocol | None


def assessment_detail(actor: Actor, assessment_id) -> AssessmentView:
    assessment = _own(actor).filter(pk=assessment_id).select_related("organisation").first()
    if assessment is None:
        raise NotVisible("risk assessment")
    chosen = instrument_of(assessment)
    rows = {a.item_id: a for a in assessment.answers.all()}
    evidence: dict[int, list[AnswerEvidence]] = {}
    for e in AnswerEvidence.objects.filter(answer__assessment=assessment).select_related(
        "organisation"
    ):
        evidence.setdefault(e.answer_id, []).append(e)
    confirmed = confirmed_answers(assessment)
    applicable = {i.id for i in chosen.applicable(confirmed)}
    answers = [
        AnswerView(item, rows[item.id], evidence.get(rows[item.id].pk, []), item.id in applicable)
        for item in chosen.items
    ]
    try:
        current = scoring.score(chosen, confirmed)
    except scoring.Unanswered:
        current = None
    reason = (
        cipher().decrypt(bytes(assessment.override_reason), REASON_PURPOSE)
        if assessment.override_reason
        else ""
    )
    level = assessment.final_level if assessment.completed_at else ""
    record(actor, "read", "risk_assessment", str(assessment.pk), "assessment with evidence")
    return AssessmentView(
        assessment,
        chosen,
        answers,
        current,
        [a.item.id for a in answers if a.applicable and not a.answer.confirmed],
        reason,
        list(assessment.tasks.all()),
        protocol().for_level(level, assessment.region) if level else None,
    )


@dataclass(frozen=True)
class HistoryPoint:
    at: datetime
    level: str
    computed_level: str
    instrument_id: str
    organisation: Organisation
    own: bool
    assessment_id: uuid.UUID | None


def victim_history(actor: Actor, victim_ref: uuid.UUID) -> list[HistoryPoint]:
    """Every completed assessment of this victim the actor may know of, oldest first."""
    _require_reader(actor)
    org = actor.organisation_id
    completed = Assessment.objects.filter(
        victim_ref=victim_ref, status=Assessment.Status.COMPLETED
    ).select_related("organisation")
    involved = (
        completed.filter(organisation_id=org).exists()
        or TimelineEntry.objects.filter(victim_ref=victim_ref, organisation_id=org).exists()
        or Alert.objects.filter(victim_ref=victim_ref, routed_organisation_id=org).exists()
    )
    if not involved:
        raise NotVisible("risk history")
    points = [
        HistoryPoint(
            a.completed_at,
            a.final_level,
            a.computed_level,
            a.instrument_id,
            a.organisation,
            a.organisation_id == org,
            a.pk if a.organisation_id == org else None,
        )
        for a in completed.order_by("completed_at")
    ]
    record(actor, "read", "risk_history", str(victim_ref), "levels over time")
    return points
