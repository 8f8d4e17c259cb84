"""Team membership opens the bundled timeline and the case file, and removal closes both at
once, through the web and through the API (personal token)."""

import pytest

from patroon.cases import services
from patroon.cases.models import Case, TeamMember
from tests import factories

pytestmark = pytest.mark.django_db


def test_from_an_alert_a_case_with_director_and_team_opens_the_timeline_until_removal(world):
    triage = factories.verified_client(world["users"]["triage"])
    page = triage.post(
        "/cases/new/",
        {"alert": str(world["alert"].pk), "director": world["users"]["director"].pk},
    )
    case = Case.objects.get(victim_ref=world["victim"])
    assert page.status_code == 302 and page["Location"] == f"/cases/{case.pk}/"
    assert case.origin == "alert" and case.director == world["users"]["director"]
    assert case.perpetrator_ref == world["perpetrator"]

    officer = world["users"]["officer"]
    timeline = f"/timelines/{world['victim']}/"
    api_timeline = f"/api/v1/timelines/{world['victim']}/"
    officer_web = factories.verified_client(officer)
    officer_api = factories.personal_api_client(officer)
    # Before: the prosecutor's office holds nothing on her and is on no team.
    assert officer_web.get(timeline).status_code == 404
    assert officer_api.get(api_timeline).status_code == 404
    assert officer_web.get(f"/cases/{case.pk}/").status_code == 404

    director = factories.verified_client(world["users"]["director"])
    added = director.post(f"/cases/{case.pk}/team/", {"user": officer.pk, "task": "OM"})
    assert added.status_code == 302
    member = TeamMember.objects.get(case=case, user=officer, removed_at__isnull=True)

    body = officer_web.get(timeline).content.decode()
    assert "Bedreiging met wapen" in body and "Seksueel geweld" in body  # others' content
    bundled = officer_api.get(api_timeline).json()
    assert bundled["full_view"] is True and len(bundled["items"]) == 3
    assert officer_web.get(f"/cases/{case.pk}/").status_code == 200
    assert officer_api.get(f"/api/v1/cases/{case.pk}/").json()["number"] == case.number

    removed = director.post(f"/cases/{case.pk}/remove/", {"member": member.pk})
    assert removed.status_code == 302
    assert officer_web.get(timeline).status_code == 404
    assert officer_api.get(api_timeline).status_code == 404
    assert officer_web.get(f"/cases/{case.pk}/").status_code == 404
    assert officer_api.get(f"/api/v1/cases/{case.pk}/").status_code == 404


def test_team_changes_through_the_api_and_refusals_are_problems(world, case):
    director = factories.personal_api_client(world["users"]["director"])
    agent = world["users"]["agent"]
    body = director.post(
        f"/api/v1/cases/{case.pk}/members/",
        {"user": agent.pk, "task": "vast aanspreekpunt"},
        content_type="application/json",
    ).json()
    member = next(m for m in body["members"] if m["username"] == "agent")
    agent_api = factories.personal_api_client(agent)
    assert agent_api.get(f"/api/v1/timelines/{world['victim']}/").json()["full_view"] is True
    # A member who is not the director cannot change the team.
    refused = agent_api.post(
        f"/api/v1/cases/{case.pk}/members/",
        {"user": world["users"]["officer"].pk},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    gone = director.delete(f"/api/v1/cases/{case.pk}/members/{member['id']}/")
    assert gone.status_code == 200
    # Back to what the police holds itself: its own signal, the others only as holders.
    after = agent_api.get(f"/api/v1/timelines/{world['victim']}/").json()
    assert after["full_view"] is False and len(after["items"]) == 1
    # The director cannot be removed while directing.
    own = TeamMember.objects.get(case=case, user=world["users"]["director"])
    kept = director.delete(f"/api/v1/cases/{case.pk}/members/{own.pk}/")
    assert kept.status_code == 400 and "Appoint someone else" in kept.json()["detail"]


def test_one_open_case_per_victim_and_hand_over_is_recorded(world, case):
    with pytest.raises(services.CaseError, match=case.number):
        services.open_case(world["actors"]["triage"], victim_ref=world["victim"])
    second = world["users"]["second_director"]
    services.assign_director(world["actors"]["director"], case.pk, second.pk, "verlof")
    case.refresh_from_db()
    assert case.director == second
    event = case.events.filter(kind="director").last()
    assert event.detail == {"to": "regisseur2", "previous": "regisseur"}
    assert services.unseal(event.note, "CaseEvent.note") == "verlof"
    # The former director stays on the team but no longer directs.
    with pytest.raises(services.AccessDenied):
        services.add_member(world["actors"]["director"], case.pk, world["users"]["agent"].pk)


def test_the_pattern_engine_sees_the_open_case(world, case):
    from patroon.patterns.context import open_case_victims

    assert open_case_victims([world["victim"]]) == {world["victim"]}
    assert world["victim"] in open_case_victims(None)


def test_a_case_opened_without_director_gets_one_appointed_by_a_member(world):
    case = services.open_case(world["actors"]["triage"], alert_id=world["alert"].pk)
    assert case.director is None
    with pytest.raises(services.CaseError, match="case director role"):
        services.assign_director(world["actors"]["triage"], case.pk, world["users"]["agent"].pk)
    triage = factories.verified_client(world["users"]["triage"])
    page = triage.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="appoint-user"' in page
    triage.post(f"/cases/{case.pk}/director/", {"user": world["users"]["director"].pk})
    case.refresh_from_db()
    assert case.director == world["users"]["director"]
    # From now on only the director changes the team.
    with pytest.raises(services.AccessDenied):
        services.add_member(world["actors"]["triage"], case.pk, world["users"]["agent"].pk)
