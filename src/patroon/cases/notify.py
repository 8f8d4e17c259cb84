"""Notifications: an inbox entry per person and subject, announced by e-mail after commit.

The text names the case number (or a referral's reference code) and what needs attention,
never a person or a detail of the case: e-mail leaves the system. One entry per (person,
subject key), so a reminder that runs every few minutes does not repeat itself.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from patroon.cases.models import Case, Notification

log = logging.getLogger(__name__)

ASSIGNED = "assigned"
DIRECTOR = "director"
CONTACT = "contact_person"
ACTION_ASSIGNED = "action_assigned"
ACTION_OVERDUE = "action_overdue"
ACTION_DUE = "action_due"
MEASURE_EXPIRING = "measure_expiring"
CONFERENCE = "conference"
CONFERENCE_LATE = "conference_late"
NEW_SIGNAL = "new_signal"
BREACH = "breach"
AFTERCARE_DUE = "aftercare_due"
DEVICE_ALARM = "device_alarm"
PERSON_MERGED = "person_merged"
PERSON_MERGE_UNDONE = "person_merge_undone"
VICTIM_IN_OTHER_CASE = "victim_in_other_case"
REFERRAL = "referral"
REFERRAL_WAITING = "referral_waiting"
REFERRAL_UNANSWERED = "referral_unanswered"
REFERRAL_ESCALATED = "referral_escalated"

MESSAGES = {
    ASSIGNED: _("You were added to the team of case %(case)s."),
    DIRECTOR: _("You are now the case director of case %(case)s."),
    CONTACT: _("You are the fixed contact person of the victim in case %(case)s."),
    ACTION_ASSIGNED: _("An action in case %(case)s was assigned to you."),
    ACTION_OVERDUE: _("An action in case %(case)s is overdue."),
    ACTION_DUE: _("An action in case %(case)s is due within a day."),
    MEASURE_EXPIRING: _("A protective measure in case %(case)s ends soon."),
    CONFERENCE: _("A case conference was scheduled for case %(case)s."),
    CONFERENCE_LATE: _("The case conference for case %(case)s is late for its risk level."),
    NEW_SIGNAL: _("A new signal arrived on case %(case)s."),
    BREACH: _("A protective measure in case %(case)s was breached."),
    AFTERCARE_DUE: _("An aftercare check-in for case %(case)s is due."),
    DEVICE_ALARM: _("A victim-device alarm in case %(case)s was not answered in time."),
    PERSON_MERGED: _(
        "A person in case %(case)s was linked to another person record: the timeline may "
        "hold signals that are new to the case."
    ),
    PERSON_MERGE_UNDONE: _("A link of a person in case %(case)s to another record was undone."),
    VICTIM_IN_OTHER_CASE: _(
        "The victim of case %(case)s also has another open case: agree with its director "
        "which case goes on."
    ),
    REFERRAL: _(
        "A report was referred to your organisation (reference %(reference)s): take it on."
    ),
    REFERRAL_WAITING: _(
        "The report referred to your organisation (reference %(reference)s) has not been "
        "taken on yet."
    ),
    REFERRAL_UNANSWERED: _(
        "Your referral %(reference)s has not been taken on yet: phone the organisation."
    ),
    REFERRAL_ESCALATED: _(
        "Nobody has taken on the report referred to your organisation (reference "
        "%(reference)s) in time: decide who takes it."
    ),
}


def message(kind: str, subject: str) -> str:
    """``subject``: the case number, or the reference of a notice about no case."""
    return gettext(MESSAGES[kind]) % {"case": subject, "reference": subject}


def send(
    user, kind: str, case: Case | None, *, key: str, url: str = "", reference: str = ""
) -> Notification | None:
    """Store the notification (idempotent per key) and e-mail it once the transaction commits.
    A notice about a case links to it; one about something else brings its own ``url``."""
    try:
        with transaction.atomic():
            notice = Notification.objects.create(
                user=user,
                kind=kind,
                case=case,
                reference=reference,
                subject_key=f"{kind}:{key}"[:120],
                url=url or reverse("web:case-detail", args=[case.pk]),
                created_at=timezone.now(),
            )
    except IntegrityError:
        return None
    if user.email:
        transaction.on_commit(lambda: _email(notice.pk))
    return notice


def _email(notice_id: int) -> None:
    notice = Notification.objects.select_related("user", "case").filter(pk=notice_id).first()
    if notice is None or notice.emailed_at is not None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        text = message(notice.kind, notice.subject)
        body = "\n\n".join(
            [
                text,
                gettext("Sign in to Patroon to see what needs doing: %(url)s")
                % {"url": settings.PATROON_BASE_URL.rstrip("/") + notice.url},
            ]
        )
        subject = "Patroon: " + text
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [notice.user.email])
    except OSError:
        log.exception("notification e-mail not sent", extra={"notification": notice_id})
        return
    Notification.objects.filter(pk=notice_id).update(emailed_at=timezone.now())


def mark_read(user_id: int, notification_id: int | None = None) -> int:
    notices = Notification.objects.filter(user_id=user_id, read_at__isnull=True)
    if notification_id is not None:
        notices = notices.filter(pk=notification_id)
    return notices.update(read_at=timezone.now())


def _readers(organisation_id):
    """Everyone at the organisation who reads signals: who is told of a referral."""
    from patroon.accounts.permissions import Capability

    return _holding(organisation_id, Capability.SIGNAL_READ)


def _holding(organisation_id, capability):
    from patroon.accounts.models import User
    from patroon.accounts.permissions import roles_with

    return User.objects.filter(
        organisation_id=organisation_id,
        is_active=True,
        role_grants__role__in=roles_with(capability),
    ).distinct()


def _tell(users, kind: str, referral, url: str) -> int:
    sent = 0
    for user in users:
        notice = send(user, kind, None, key=str(referral.pk), url=url, reference=referral.reference)
        sent += notice is not None
    return sent


def referral_received(referral) -> int:
    return _tell(
        _readers(referral.to_organisation_id), REFERRAL, referral, reverse("web:referrals")
    )


def referral_waiting(referral) -> int:
    """A referral nobody took on in time: the receivers again, and the one who referred it."""
    from patroon.accounts.models import User

    sent = _tell(
        _readers(referral.to_organisation_id),
        REFERRAL_WAITING,
        referral,
        reverse("web:referrals"),
    )
    sender = User.objects.filter(username=referral.referred_by, is_active=True)
    url = reverse("web:signal-detail", args=[referral.signal_id])
    return sent + _tell(sender, REFERRAL_UNANSWERED, referral, url)


def referral_escalated(referral) -> int:
    """A referral still not taken on at its second deadline: the receiving organisation's
    supervisors (who hear of alerts nobody acknowledged) decide who takes it. They do not read
    signals, so the notice names the reference and links to their inbox, not the report."""
    from patroon.accounts.permissions import Capability

    supervisors = _holding(referral.to_organisation_id, Capability.ALERT_ESCALATIONS)
    return _tell(supervisors, REFERRAL_ESCALATED, referral, reverse("web:inbox"))
