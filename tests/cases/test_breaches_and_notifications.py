"""A breach signal for an active measure raises an alert on the case and notifies the team;
assignments reach the inbox and the mailbox (no personal details in the mail)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from patroon.cases import services
from patroon.cases.models import Breach
from patroon.signals.services import record_signal
from tests import factories
from tests.patterns.conftest import signal

pytestmark = pytest.mark.django_db


def test_a_breach_of_an_active_contact_ban_raises_an_alert_on_the_case(
    world, case, django_capture_on_commit_callbacks
):
    director = world["actors"]["director"]
    services.add_member(director, case.pk, world["users"]["agent"].pk)
    services.register_measure(
        director,
        case.pk,
        kind="contact_ban",
        starts_on=timezone.localdate() - timedelta(days=10),
        ends_on=timezone.localdate() + timedelta(days=80),
        responsible_organisation_id=world["orgs"]["police"].pk,
    )
    mail.outbox.clear()
    police = factories.actor(["intake"], world["orgs"]["police"])
    with django_capture_on_commit_callbacks(execute=True):
        breach_id = record_signal(
            police, signal(1, ["breach_contact_ban"], "POL-9"), "web"
        ).signal_id
        record_signal(police, signal(1, ["threat_to_kill"], "POL-10"), "web")
    [breach] = Breach.objects.filter(case=case)
    assert breach.signal_id == breach_id and breach.behaviour == "breach_contact_ban"
    case.refresh_from_db()
    assert case.unseen_signals == 2
    agent_inbox = factories.verified_client(world["users"]["agent"]).get("/inbox/")
    assert case.number in agent_inbox.content.decode()
    subjects = [m.subject for m in mail.outbox]
    assert any(case.number in s for s in subjects)
    assert all("Berg" not in m.body for m in mail.outbox)  # no names leave by e-mail
    page = factories.verified_client(world["users"]["director"]).get(f"/cases/{case.pk}/")
    assert "case-breaches" in page.content.decode()
    case.refresh_from_db()
    assert case.unseen_signals == 0  # the director has seen them


def test_a_breach_outside_the_measure_period_is_not_one(world, case):
    services.register_measure(
        world["actors"]["director"],
        case.pk,
        kind="contact_ban",
        starts_on=timezone.localdate() + timedelta(days=5),
        ends_on=None,
        responsible_organisation_id=world["orgs"]["police"].pk,
    )
    police = factories.actor(["intake"], world["orgs"]["police"])
    record_signal(police, signal(1, ["breach_contact_ban"], "POL-11"), "web")
    assert not Breach.objects.exists()


def test_actions_from_the_alert_and_from_a_conference_decision(world, case):
    director = world["actors"]["director"]
    action = services.actions_from_alert(director, case.pk, world["alert"].pk)
    assert action.origin == "alert" and services.unseal(action.text, "SafetyAction.text")
    conf = services.schedule_conference(director, case.pk, timezone.now(), "Agenda")
    services.record_conference(
        director,
        conf.pk,
        held_at=timezone.now(),
        present=["regisseur"],
        decisions=[
            {
                "text": "Politie vraagt gebiedsverbod aan",
                "owner_organisation_id": world["orgs"]["police"].pk,
                "due_at": timezone.now() + timedelta(days=2),
            }
        ],
    )
    conf.refresh_from_db()
    assert conf.attendance[0]["present"] is True
    assert case.actions.filter(origin="conference").count() == 1
    with pytest.raises(services.CaseError, match="Not on the team"):
        later = services.schedule_conference(director, case.pk, timezone.now(), "Nog een")
        services.record_conference(
            director, later.pk, held_at=timezone.now(), present=["onbekend"], decisions=[]
        )


def test_protocol_actions_of_an_assessment_become_plan_actions_once(world, case):
    from patroon.risk.models import ProtocolTask
    from tests.risk.helpers import assess

    assessment = assess(
        world["actors"]["triage"], world["victim"], "lethality_screen", ["strangulation"]
    )
    tasks = ProtocolTask.objects.filter(assessment=assessment, kind="action")
    assert assessment.final_level in ("high", "extreme") and tasks.exists()
    director = world["actors"]["director"]
    created = services.actions_from_assessment(director, case.pk, assessment.pk)
    assert len(created) == tasks.count()
    assert {a.due_at for a in created} == set(tasks.values_list("due_at", flat=True))
    assert all(a.owner_organisation_id == world["orgs"]["vt"].pk for a in created)
    assert "veiligheid" in services.unseal(created[0].text, "SafetyAction.text").lower()
    assert services.actions_from_assessment(director, case.pk, assessment.pk) == []
