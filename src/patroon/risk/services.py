"""Writes of risk assessment: start with prefill, answer and confirm, override, approve,
complete (protocol tasks and re-assessment date), and the flags for overdue re-assessments
and for organisations that disagree. Each in one transaction, each audited.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from itertools import combinations

from django.db import transaction
from django.utils import timezone

from patroon.accounts.access import AccessDenied, NotVisible, require
from patroon.accounts.actor import SYSTEM, Actor
from patroon.accounts.models import Organisation
from patroon.accounts.permissions import Capability
from patroon.audit.services import record, record_many
from patroon.patterns.selectors import dyad_timeline
from patroon.risk import scoring
from patroon.risk.instruments import Instrument, instrument
from patroon.risk.levels import ASSESSED_LEVELS, rank
from patroon.risk.models import (
    Answer,
    AnswerEvidence,
    Assessment,
    Disagreement,
    ProtocolTask,
)
from patroon.risk.prefill import suggest
from patroon.risk.protocol import protocol
from patroon.security.keys import cipher

REASON_PURPOSE = b"risk.override_reason"
DISAGREEMENT_GAP = 2


class InvalidState(ValueError):
    """The assessment is not in a state that allows this (answered as 409)."""


class Unconfirmed(ValueError):
    """Items still lack a confirmed answer; nothing is submitted unconfirmed."""

    def __init__(self, items: list[str]) -> None:
        super().__init__("unconfirmed items: " + ", ".join(items))
        self.items = items


class ApprovalRequired(ValueError):
    """Lowering below the instrument's level needs a second professional's approval."""


def instrument_of(assessment: Assessment) -> Instrument:
    found = instrument(assessment.instrument_id)
    if found is None or found.version != assessment.instrument_version:
        raise InvalidState("instrument version no longer available")
    return found


def start(
    actor: Actor,
    instrument_id: str,
    victim_ref: uuid.UUID,
    perpetrator_ref: uuid.UUID | None = None,
) -> Assessment:
    """A draft assessment, prefilled from the timeline as this actor may see it."""
    require(actor, Capability.RISK_ASSESS)
    chosen = instrument(instrument_id)
    if chosen is None:
        raise ValueError("unknown_instrument")
    timeline = dyad_timeline(actor, victim_ref, perpetrator_ref)
    suggestions = suggest(chosen, timeline.items)
    organisation = Organisation.objects.get(pk=actor.organisation_id)
    with transaction.atomic():
        assessment = Assessment.objects.create(
            instrument_id=chosen.id,
            instrument_version=chosen.version,
            victim_ref=victim_ref,
            perpetrator_ref=perpetrator_ref,
            organisation=organisation,
            region=organisation.region,
            started_at=timezone.now(),
            started_by=actor.username,
        )
        for item in chosen.items:
            suggestion = suggestions.get(item.id)
            answer = Answer.objects.create(
                assessment=assessment,
                item_id=item.id,
                suggested=suggestion.answer if suggestion else "",
                value=suggestion.answer if suggestion else "",
            )
            AnswerEvidence.objects.bulk_create(
                AnswerEvidence(
                    answer=answer,
                    signal_id=e.signal_id,
                    organisation_id=e.organisation_id,
                    occurred=e.occurred,
                )
                for e in (suggestion.evidence if suggestion else ())
            )
        record(
            actor,
            "create",
            "risk_assessment",
            str(assessment.pk),
            f"started {chosen.id}; {len(suggestions)} items prefilled from the timeline",
        )
    return assessment


def _lock_draft(actor: Actor, assessment_id, capability=Capability.RISK_ASSESS) -> Assessment:
    require(actor, capability)
    assessment = (
        Assessment.objects.select_for_update()
        .filter(pk=assessment_id, organisation_id=actor.organisation_id)
        .first()
    )
    if assessment is None:
        raise NotVisible("risk assessment")
    if assessment.status != Assessment.Status.DRAFT:
        raise InvalidState(assessment.status)
    return assessment


def answer(actor: Actor, assessment_id, answers: dict[str, tuple[str, bool]]) -> Assessment:
    """Set answers as ``{item: (value, confirmed)}``. An empty value is no answer; a changed
    answer invalidates an approval already given for a lower level."""
    with transaction.atomic():
        assessment = _lock_draft(actor, assessment_id)
        chosen = instrument_of(assessment)
        scoring.check(chosen, {k: v for k, (v, _) in answers.items() if v})
        now = timezone.now()
        rows = {a.item_id: a for a in assessment.answers.filter(item_id__in=list(answers))}
        changed = False
        for item_id, (value, confirmed) in answers.items():
            row = rows[item_id]
            confirmed = confirmed and bool(value)
            if (row.value, row.confirmed) == (value, confirmed):
                continue
            changed |= row.value != value
            row.value, row.confirmed = value, confirmed
            row.confirmed_by = actor.username if confirmed else ""
            row.confirmed_at = now if confirmed else None
            row.save(update_fields=["value", "confirmed", "confirmed_by", "confirmed_at"])
        if changed and assessment.override_approved_by:
            assessment.override_approved_by, assessment.override_approved_at = "", None
            assessment.save(update_fields=["override_approved_by", "override_approved_at"])
        record(actor, "update", "risk_assessment", str(assessment.pk), "answers")
    return assessment


def request_override(actor: Actor, assessment_id, level: str, reason: str) -> Assessment:
    """Professional judgement: a different final level, always with a written reason."""
    if level not in ASSESSED_LEVELS:
        raise ValueError("unknown_level")
    if not reason.strip():
        raise ValueError("reason_required")
    with transaction.atomic():
        assessment = _lock_draft(actor, assessment_id)
        assessment.override_level = level
        assessment.override_reason = cipher().encrypt(reason.strip(), REASON_PURPOSE)
        assessment.override_by = actor.username
        assessment.override_approved_by, assessment.override_approved_at = "", None
        assessment.save()
        record(actor, "update", "risk_assessment", str(assessment.pk), f"override to {level}")
    return assessment


def approve_override(actor: Actor, assessment_id) -> Assessment:
    """A second professional of the same organisation approves a lowered level."""
    with transaction.atomic():
        assessment = _lock_draft(actor, assessment_id, Capability.RISK_APPROVE)
        if not assessment.override_level:
            raise InvalidState("no override to approve")
        if assessment.override_by == actor.username:
            raise AccessDenied("a second professional must approve")
        assessment.override_approved_by = actor.username
        assessment.override_approved_at = timezone.now()
        assessment.save(update_fields=["override_approved_by", "override_approved_at"])
        record(actor, "update", "risk_assessment", str(assessment.pk), "override approved")
    return assessment


def confirmed_answers(assessment: Assessment) -> dict[str, str]:
    return dict(assessment.answers.filter(confirmed=True).values_list("item_id", "value"))


def unconfirmed_items(chosen: Instrument, assessment: Assessment) -> list[str]:
    confirmed = confirmed_answers(assessment)
    return [i.id for i in chosen.applicable(confirmed) if i.id not in confirmed]


def complete(actor: Actor, assessment_id) -> Assessment:
    """Score the confirmed answers, settle the final level, create the protocol's tasks and
    the re-assessment date, and flag disagreement with other organisations."""
    with transaction.atomic():
        assessment = _lock_draft(actor, assessment_id)
        chosen = instrument_of(assessment)
        missing = unconfirmed_items(chosen, assessment)
        if missing:
            raise Unconfirmed(missing)
        result = scoring.score(chosen, confirmed_answers(assessment))
        final = result.level
        if assessment.override_level:
            lowered = rank(assessment.override_level) < rank(result.level)
            if lowered and not assessment.override_approved_by:
                raise ApprovalRequired("lowering below the computed level needs approval")
            final = assessment.override_level
        now = timezone.now()
        assessment.status = Assessment.Status.COMPLETED
        assessment.completed_at, assessment.completed_by = now, actor.username
        assessment.total, assessment.outcome = result.total, result.outcome
        assessment.decided_by = "; ".join(result.decided_by)[:400]
        assessment.computed_level, assessment.final_level = result.level, final
        steps = protocol().for_level(final, assessment.region)
        assessment.reassess_due = now + steps.reassess_after if steps else None
        assessment.save()
        if steps:
            _create_tasks(assessment, steps, now)
        Assessment.objects.filter(
            victim_ref=assessment.victim_ref,
            organisation_id=assessment.organisation_id,
            status=Assessment.Status.COMPLETED,
        ).exclude(pk=assessment.pk).update(superseded=True)
        record(
            actor,
            "update",
            "risk_assessment",
            str(assessment.pk),
            f"completed: computed {result.level}, final {final}",
        )
        flag_disagreements(assessment.victim_ref, now)
    return assessment


def _create_tasks(assessment: Assessment, steps, now: datetime) -> None:
    first_due = min((a.due for a in steps.actions), default=steps.reassess_after)
    ProtocolTask.objects.bulk_create(
        [
            *(
                ProtocolTask(
                    assessment=assessment,
                    kind=ProtocolTask.Kind.ACTION,
                    code=a.id,
                    level=steps.level,
                    due_at=now + a.due,
                )
                for a in steps.actions
            ),
            *(
                ProtocolTask(
                    assessment=assessment,
                    kind=ProtocolTask.Kind.INFORM,
                    code=party,
                    level=steps.level,
                    due_at=now + first_due,
                )
                for party in steps.inform
            ),
        ]
    )


def flag_disagreements(victim_ref: uuid.UUID, now: datetime) -> list[Disagreement]:
    """Flag every pair of organisations whose latest completed assessments of this victim
    differ by two levels or more (once per pair of assessments)."""
    latest = Assessment.objects.filter(
        victim_ref=victim_ref, status=Assessment.Status.COMPLETED, superseded=False
    ).order_by("organisation_id")
    flagged = []
    for first, second in combinations(latest, 2):
        if abs(rank(first.final_level) - rank(second.final_level)) < DISAGREEMENT_GAP:
            continue
        flag, created = Disagreement.objects.get_or_create(
            first=first, second=second, defaults={"victim_ref": victim_ref, "flagged_at": now}
        )
        if created:
            flagged.append(flag)
    if flagged:
        record_many(
            SYSTEM,
            "create",
            "risk_disagreement",
            [str(f.pk) for f in flagged],
            "organisations' latest levels differ by two or more",
        )
    return flagged


def flag_overdue(now: datetime | None = None) -> int:
    """Flag current assessments whose re-assessment date has passed."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Assessment.objects.select_for_update()
            .filter(
                status=Assessment.Status.COMPLETED,
                superseded=False,
                reassess_due__lt=now,
                overdue_flagged_at__isnull=True,
            )
            .values_list("id", flat=True)
        )
        if not due:
            return 0
        Assessment.objects.filter(pk__in=due).update(overdue_flagged_at=now)
        record_many(
            SYSTEM, "update", "risk_assessment", [str(p) for p in due], "re-assessment overdue"
        )
    return len(due)
