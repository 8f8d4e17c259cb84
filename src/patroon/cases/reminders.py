"""The reminder sweep: overdue and nearly due actions, measures about to end, late case
conferences and aftercare check-ins become notifications for owners and directors; a referral
nobody took on in time (``data/referrals.yaml``), for its receivers and its sender.

Idempotent (one notification per person and subject), so it can run every few minutes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from patroon.cases import attention, notify, policy
from patroon.cases.membership import OPEN_STATUSES
from patroon.cases.models import AftercareTask, Case, Measure, SafetyAction
from patroon.cases.selectors import conference_requirements


def remind(now: datetime | None = None) -> int:
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    open_actions = SafetyAction.objects.filter(
        status=SafetyAction.Status.OPEN,
        case__status__in=OPEN_STATUSES,
        due_at__lte=now + timedelta(days=1),
    ).select_related("case__director", "owner")
    for action in open_actions:
        kind = notify.ACTION_OVERDUE if action.due_at < now else notify.ACTION_DUE
        for user in {u for u in (action.owner, action.case.director) if u is not None}:
            sent += bool(notify.send(user, kind, action.case, key=f"{action.pk}"))
    warn = policy.measures().warn_days
    ending = Measure.objects.filter(
        status=Measure.Status.ACTIVE,
        case__status__in=OPEN_STATUSES,
        ends_on__gte=today,
        ends_on__lte=today + timedelta(days=warn),
    ).select_related("case__director")
    for measure in ending:
        if measure.case.director is not None:
            sent += bool(
                notify.send(
                    measure.case.director,
                    notify.MEASURE_EXPIRING,
                    measure.case,
                    key=f"{measure.pk}:{measure.ends_on}",
                )
            )
    cases = list(
        Case.objects.filter(status__in=OPEN_STATUSES, director__isnull=False).select_related(
            "director"
        )
    )
    required = conference_requirements(cases)
    held = _conferences(cases)
    for case in cases:
        late = attention.late_conference(required.get(case.pk), held.get(case.pk, []), now)
        if late is not None:
            sent += bool(
                notify.send(
                    case.director, notify.CONFERENCE_LATE, case, key=f"{late.due.isoformat()}"
                )
            )
    due_checkins = AftercareTask.objects.filter(
        done_at__isnull=True, check_in_on__lte=today
    ).select_related("case__director")
    for task in due_checkins:
        if task.case.director is not None:
            sent += bool(
                notify.send(task.case.director, notify.AFTERCARE_DUE, task.case, key=f"{task.pk}")
            )
    return sent + _waiting_referrals(now)


def _waiting_referrals(now: datetime) -> int:
    from patroon.signals.models import Referral

    rules = policy.referrals()
    soonest = min(rules.urgent_hours, rules.other_hours)
    waiting = Referral.objects.filter(
        accepted_at__isnull=True, referred_at__lte=now - timedelta(hours=soonest)
    )
    sent = 0
    for referral in waiting:
        waited = now - referral.referred_at
        if waited >= timedelta(hours=rules.remind_after_hours(referral.urgent)):
            sent += notify.referral_waiting(referral)
        if waited >= timedelta(hours=rules.escalate_after_hours(referral.urgent)):
            sent += notify.referral_escalated(referral)
    return sent


def _conferences(cases) -> dict:
    from patroon.cases.models import Conference

    found: dict = {}
    rows = Conference.objects.filter(case__in=cases).values_list(
        "case_id", "scheduled_at", "held_at"
    )
    for case_id, scheduled, held in rows:
        found.setdefault(case_id, []).append((scheduled, held))
    return found
