"""A few demo cases for `make run`, so the case director's day has something in it.

Opened from the latest red alerts routed to the demo case director's Veilig Thuis, through
the same services as a real user; idempotent (nothing happens when cases exist).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from patroon.accounts.actor import actor_for_user
from patroon.accounts.models import User
from patroon.cases import services
from patroon.cases.models import Case

DIRECTOR, TRIAGE, POLICE, PROSECUTOR = (
    "demo-regisseur",
    "demo-professional",
    "demo-agent",
    "demo-officier",
)


def open_demo_cases(count: int = 3) -> list[Case]:
    from patroon.patterns.models import Alert

    if Case.objects.exists():
        return []
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[DIRECTOR, TRIAGE, POLICE, PROSECUTOR])
    }
    if DIRECTOR not in users or TRIAGE not in users:
        return []
    director_user = users[DIRECTOR]
    alerts = Alert.objects.filter(
        routed_organisation_id=director_user.organisation_id, severity="red"
    ).order_by("-raised_at")
    triage, director = actor_for_user(users[TRIAGE]), actor_for_user(director_user)
    now = timezone.now()
    today = timezone.localdate()
    opened: list[Case] = []
    for alert in alerts:
        if len(opened) == count:
            break
        if Case.objects.filter(victim_ref=alert.victim_ref).exists():
            continue
        case = services.open_case(triage, alert_id=alert.pk, director_id=director_user.pk)
        opened.append(case)
        services.actions_from_alert(director, case.pk, alert.pk)
        services.add_action(
            director,
            case.pk,
            text="Veiligheidsplan met de bedreigde bespreken",
            owner_organisation_id=director_user.organisation_id,
            due_at=now - timedelta(days=1),
        )
        if POLICE in users:
            services.add_member(director, case.pk, users[POLICE].pk, "vast aanspreekpunt politie")
            services.set_contact_person(director, case.pk, users[POLICE].pk)
            services.register_measure(
                director,
                case.pk,
                kind="contact_ban",
                starts_on=today - timedelta(days=20),
                ends_on=today + timedelta(days=len(opened)),
                responsible_organisation_id=users[POLICE].organisation_id,
            )
    if opened:
        first = opened[0]
        if PROSECUTOR in users:
            services.add_member(director, first.pk, users[PROSECUTOR].pk, "officier van justitie")
        services.add_child(
            director,
            first.pk,
            label="Kind A",
            age_group="4-11",
            access_arrangement_risk="yes",
            safety="Omgangsregeling loopt; overdracht op neutrale plek.",
        )
        services.schedule_conference(
            director,
            first.pk,
            now + timedelta(days=2),
            "Risicotaxatie bespreken; contactverbod verlengen?",
        )
    return opened
