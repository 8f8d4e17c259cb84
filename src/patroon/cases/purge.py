"""``patroon retention run``: the only path by which case data is deleted or anonymised.

A dry run counts what would go; a real run does it per case and category in one transaction,
writes a ``RetentionLog`` row (metadata only) and an audit entry for each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from patroon.accounts.actor import Actor
from patroon.audit.services import record
from patroon.cases import policy
from patroon.cases.models import (
    AftercareTask,
    Case,
    CaseEvent,
    Child,
    Conference,
    Measure,
    Notification,
    RetentionLog,
    SafetyAction,
    SafetyGoal,
    TeamMember,
)
from patroon.cases.retention import due_categories


@dataclass(frozen=True)
class Planned:
    case_number: str
    case_id: str
    category: str
    action: str
    rows: int


def _querysets(case: Case, category: str) -> list:
    if category == "notifications":
        return [Notification.objects.filter(case=case)]
    if category == "working_file":
        return [
            Conference.objects.filter(case=case),
            SafetyAction.objects.filter(case=case),
            SafetyGoal.objects.filter(case=case),
            AftercareTask.objects.filter(case=case),
            Child.objects.filter(case=case),
        ]
    if category == "measures":
        return [Measure.objects.filter(case=case)]
    if category == "team":
        return [TeamMember.objects.filter(case=case), CaseEvent.objects.filter(case=case)]
    raise ValueError(category)


def _count(case: Case, category: str) -> int:
    if category == "case_record":
        return 0 if case.anonymised_at else 1
    return sum(qs.count() for qs in _querysets(case, category))


def plan(now: datetime | None = None) -> list[Planned]:
    now = now or timezone.now()
    rules = policy.retention()
    planned = []
    closed = Case.objects.filter(status=Case.Status.CLOSED, closed_at__isnull=False)
    for case in closed.order_by("closed_at"):
        for due in due_categories(case.closed_at, now, rules):
            rows = _count(case, due.category)
            if rows:
                planned.append(Planned(case.number, str(case.pk), due.category, due.action, rows))
    return planned


def run(actor: Actor, *, dry_run: bool, now: datetime | None = None) -> list[Planned]:
    planned = plan(now)
    if dry_run:
        return planned
    version = policy.retention().version
    for item in planned:
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=item.case_id)
            if item.category == "case_record":
                _anonymise(case)
            else:
                for qs in _querysets(case, item.category):
                    qs.delete()
            RetentionLog.objects.create(
                case_number=item.case_number,
                category=item.category,
                action=item.action,
                rows=item.rows,
                policy_version=version,
                at=timezone.now(),
                by=actor.username,
            )
            record(
                actor,
                "delete",
                "case",
                item.case_id,
                f"retention {item.category}: {item.action} {item.rows} rows",
            )
    return planned


def _anonymise(case: Case) -> None:
    """Keep what statistics need (number, region, dates, status, outcome); drop the link to
    persons and people, and the closing reason."""
    case.victim_ref = None
    case.perpetrator_ref = None
    case.director = None
    case.contact_person = None
    case.close_reason = None
    case.origin_ref = ""
    case.opened_by = ""
    case.closed_by = ""
    case.anonymised_at = timezone.now()
    case.save()
