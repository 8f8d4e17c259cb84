"""Every role is refused what it must not see, through the web and the API.

The expectations are written out here by hand, independent of the permission table in code,
so a change to the table that opens something up makes this test fail.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from patroon.accounts.permissions import Role
from patroon.signals.services import record_signal
from tests import factories

pytestmark = pytest.mark.django_db

NARRATIVE = "Zij meldt dat hij haar na de scheiding volgt en dreigt haar te doden."
SURNAME = "Berg"

# role: (records, reads own signals, reads narrative, reads identity, timeline, aggregates)
EXPECTED = {
    Role.INTAKE: (True, True, True, True, True, False),
    Role.PROFESSIONAL: (True, True, True, True, True, False),
    Role.CASE_DIRECTOR: (True, True, True, True, True, False),
    Role.HOTLINE_OPERATOR: (True, True, True, False, False, False),
    Role.LINK_REVIEWER: (False, False, False, False, False, False),
    Role.MONITORING_OPERATOR: (False, False, False, False, False, False),
    Role.ANALYST: (False, False, False, False, False, True),
    Role.PRIVACY_OFFICER: (False, False, False, False, False, False),
    Role.SUPERVISOR: (False, False, False, False, True, False),
    Role.PROSECUTOR: (False, False, False, False, True, False),
    Role.REGISTRAR: (False, False, False, False, False, True),
    Role.ADMIN: (False, False, False, False, False, False),
}
# Roles that work the alert queue of their organisation; supervisors also see escalations.
HANDLES_ALERTS = {Role.PROFESSIONAL, Role.CASE_DIRECTOR, Role.SUPERVISOR}
# Roles that run risk assessments; supervisors only read them and approve a lowered level.
ASSESSES_RISK = {Role.PROFESSIONAL, Role.CASE_DIRECTOR}
APPROVES_RISK = {Role.PROFESSIONAL, Role.CASE_DIRECTOR, Role.SUPERVISOR}

PUBLIC = {"login", "otp-verify", "otp-enrol", "logout", "set-language", "health", "schema", "docs"}
# The hotline's public pages and public API: no account (tests/hotline/test_public_pages.py).
PUBLIC |= {
    "hotline-home",
    "hotline-info",
    "hotline-report",
    "hotline-return",
    "hotline-thread",
    "hotline-thread-message",
}
COVERED = {
    "dashboard",
    "signal-new",
    "signal-person-row",
    "signal-detail",
    "person-timeline",
    "signal-list",
    "alert-queue",
    "alert-detail",
    "alert-acknowledge",
    "alert-handle",
    "victim-timeline",
    "dyad-timeline",
    "alert-list",
    "timeline-victim",
    "timeline-dyad",
    # tests/identity/test_link_pages.py covers these per role:
    "review-queue",
    "review-detail",
    "review-decide",
    "reidentify",
    "reidentify-show",
    "risk-list",
    "risk-start",
    "risk-detail",
    "risk-answers",
    "risk-override",
    "risk-approve",
    "risk-print",
    "risk-history",
    "risk-instrument-list",
    "risk-instrument-detail",
    "risk-assessment-list",
    "risk-assessment-detail",
    "risk-assessment-answers",
    "risk-assessment-override",
    "risk-assessment-approve",
    "risk-assessment-complete",
    "risk-victim-history",
    # tests/cases/test_case_roles.py covers these per role:
    "case-today",
    "case-open",
    "case-detail",
    "case-dossier",
    "case-step",
    "inbox",
    "case-list",
    "case-members",
    "case-member",
    "case-director",
    "case-status",
    "case-actions",
    "case-action-status",
    "case-measures",
    "case-conferences",
    "case-conference-record",
    "case-children",
    # tests/registry/test_registry_pages_and_api.py covers these per role:
    "registry-list",
    "registry-dashboard",
    "registry-report",
    "registry-detail",
    "registry-who-knew",
    "registry-statistics",
    "registry-records",
    "registry-who-knew-api",
    # tests/hotline/test_hotline_access_by_role.py covers these per role:
    "hotline-console",
    "hotline-figures",
    "hotline-conversation",
    "hotline-act",
    "hotline-conversation-list",
    "hotline-conversation-detail",
    "hotline-conversation-claim",
    "hotline-conversation-reply",
    "hotline-conversation-handover",
    "hotline-conversation-coding",
    "hotline-conversation-consent",
    "hotline-conversation-signal",
    "hotline-conversation-forward",
    "hotline-conversation-close",
    # tests/hotline/test_forward_to_veilig_thuis.py covers these per role:
    "referrals",
    "referral-accept",
    "referral-list",
    # tests/proximity/test_console.py covers these (monitoring operator, professional):
    "proximity-console",
    "proximity-stream",
    "proximity-act",
    "proximity-pair",
}


@pytest.fixture
def world(org, other_org):
    writer = factories.actor(["intake"], org)
    own = record_signal(writer, factories.payload("OWN-1"), "web").signal_id
    stranger = factories.actor(["intake"], other_org)
    foreign = record_signal(stranger, factories.payload("FOREIGN-1"), "web").signal_id
    from patroon.signals.models import SignalPerson

    victim = SignalPerson.objects.get(signal_id=own, role="victim").person_ref
    return {"own": own, "foreign": foreign, "victim": victim}


def test_every_route_is_covered_by_this_test():
    names = set()

    def walk(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(p.name)

    walk(get_resolver().url_patterns)
    assert names - PUBLIC == COVERED, "add new routes to the role matrix in this file"


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_web_access_by_role(role, org, world):
    record, read, narrative, identity, timeline, aggregates = EXPECTED[role]
    client = factories.verified_client(factories.user([role.value], org))

    dashboard = client.get("/")
    assert dashboard.status_code == 200
    body = dashboard.content.decode()
    assert ("OWN-1" in body) is read
    assert "FOREIGN-1" not in body
    assert ("signals-per-behaviour" in body or "agg-heading" in body) is aggregates

    assert (client.get("/signals/new/").status_code == 200) is record
    assert (client.get("/signals/new/person/?person_count=2").status_code == 200) is record
    if not record:
        assert client.get("/signals/new/").status_code == 403
        assert client.post("/signals/new/", {"source_reference": "X"}).status_code == 403

    detail = client.get(f"/signals/{world['own']}/")
    assert detail.status_code == (200 if read else 404)
    if read:
        text = detail.content.decode()
        assert (NARRATIVE in text) is narrative
        assert (SURNAME in text) is identity

    assert client.get(f"/signals/{world['foreign']}/").status_code == 404
    person_page = client.get(f"/persons/{world['victim']}/")
    assert person_page.status_code == (200 if timeline and read else 404)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_alert_routes_by_role(role, org, other_org, world):
    """The world's signals raise alerts routed to Veilig Thuis (``other_org``)."""
    from patroon.patterns.models import Alert

    alert = Alert.objects.filter(routed_organisation=other_org).first()
    assert alert is not None
    handles = role in HANDLES_ALERTS
    timeline = EXPECTED[role][4]
    client = factories.verified_client(factories.user([role.value], other_org))
    assert client.get("/alerts/").status_code == (200 if handles else 403)
    assert client.get(f"/alerts/{alert.pk}/").status_code == (200 if handles else 403)
    assert client.get(f"/timelines/{world['victim']}/").status_code == (200 if timeline else 403)
    dyad = f"/timelines/{alert.victim_ref}/{alert.perpetrator_ref}/"
    assert client.get(dyad).status_code == (200 if timeline else 403)
    assert client.post(f"/alerts/{alert.pk}/acknowledge/").status_code == (302 if handles else 403)
    handled = client.post(f"/alerts/{alert.pk}/handle/", {"outcome": "no_action", "note": "x"})
    assert handled.status_code == (302 if handles else 403)

    police = factories.verified_client(factories.user([role.value], org))
    assert police.get(f"/alerts/{alert.pk}/").status_code == (404 if handles else 403)


def test_alert_api_by_token_role(org, other_org, world):
    from patroon.patterns.models import Alert

    alert = Alert.objects.filter(routed_organisation=other_org).first()
    intake = factories.api_client(other_org)
    professional = factories.api_client(other_org, role="professional")
    assert intake.get("/api/v1/alerts/").status_code == 403
    assert intake.get(f"/api/v1/timelines/{world['victim']}/").status_code == 200
    assert professional.get(f"/api/v1/alerts/{alert.pk}/").status_code == 200
    dyad = f"/api/v1/timelines/{alert.victim_ref}/{alert.perpetrator_ref}/"
    assert professional.get(dyad).status_code == 200
    assert professional.post(f"/api/v1/alerts/{alert.pk}/acknowledge/").status_code == 200
    handled = professional.post(
        f"/api/v1/alerts/{alert.pk}/handle/",
        {"outcome": "no_action", "note": "x"},
        content_type="application/json",
    )
    assert handled.status_code == 200
    assert (
        factories.api_client(org, role="professional")
        .get(f"/api/v1/alerts/{alert.pk}/")
        .status_code
        == 404
    )


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_risk_routes_by_role(role, org, other_org, world):
    """A professional at Veilig Thuis (``other_org``, routed the alert) starts an assessment;
    every role there and at the police (``org``) is let in or refused as written here."""
    from patroon.risk.services import request_override, start

    author = factories.actor(["professional"], other_org)
    draft = start(author, "dash", world["victim"])
    request_override(author, draft.pk, "low", "Reden.")
    reads, assesses = role in APPROVES_RISK, role in ASSESSES_RISK
    client = factories.verified_client(factories.user([role.value], other_org))
    read_code, write_code = (200 if reads else 403), (302 if assesses else 403)
    assert client.get("/risk/").status_code == read_code
    assert client.get("/risk/new/").status_code == (200 if assesses else 403)
    assert client.get(f"/risk/{draft.pk}/").status_code == read_code
    assert client.get(f"/risk/{draft.pk}/print/").status_code == read_code
    assert client.get(f"/risk/victims/{world['victim']}/").status_code == read_code
    answered = client.post(f"/risk/{draft.pk}/answers/", {"answer-injury": "no"})
    assert answered.status_code == write_code
    approved = client.post(f"/risk/{draft.pk}/approve/")
    assert approved.status_code == (302 if reads else 403)
    overridden = client.post(f"/risk/{draft.pk}/override/", {"level": "low", "reason": "x"})
    assert overridden.status_code == write_code
    own = client.post(f"/risk/{draft.pk}/approve/")  # after their own override: refused
    assert own.status_code == (302 if reads and not assesses else 403)

    police = factories.verified_client(factories.user([role.value], org))
    assert police.get(f"/risk/{draft.pk}/").status_code == (404 if reads else 403)


def test_risk_api_by_token_role(org, other_org, world):
    intake = factories.api_client(other_org)
    professional = factories.api_client(other_org, role="professional")
    assert intake.get("/api/v1/risk/instruments/").status_code == 200
    assert intake.get("/api/v1/risk/instruments/dash/").status_code == 200
    assert intake.get("/api/v1/risk/assessments/").status_code == 403
    started = professional.post(
        "/api/v1/risk/assessments/",
        {"instrument": "dash", "victim_ref": str(world["victim"])},
        content_type="application/json",
    )
    assert started.status_code == 201
    url = f"/api/v1/risk/assessments/{started.json()['assessment']['id']}/"
    assert intake.get(url).status_code == 403
    assert professional.get(url).status_code == 200
    answers = {"answers": [{"item_id": "injury", "value": "no", "confirmed": True}]}
    assert professional.post(url + "answers/", answers, "application/json").status_code == 200
    override = {"level": "low", "reason": "x"}
    assert professional.post(url + "override/", override, "application/json").status_code == 200
    assert professional.post(url + "approve/").status_code == 403  # not a second professional
    assert professional.post(url + "complete/").status_code == 409  # items unconfirmed
    assert intake.post(url + "complete/").status_code == 403
    history = f"/api/v1/risk/victims/{world['victim']}/history/"
    assert professional.get(history).status_code == 200
    assert factories.api_client(org, role="professional").get(url).status_code == 404


def test_api_token_sees_only_its_own_organisation(org, other_org, world):
    client = factories.api_client(org)
    listing = client.get("/api/v1/signals/").json()
    assert [s["source_reference"] for s in listing["results"]] == ["OWN-1"]
    assert client.get(f"/api/v1/signals/{world['own']}/").status_code == 200
    foreign = client.get(f"/api/v1/signals/{world['foreign']}/")
    assert foreign.status_code == 404
    assert foreign["Content-Type"] == "application/problem+json"


def test_api_refuses_missing_and_revoked_tokens(org, world):
    from django.test import Client

    from patroon.accounts.models import ApiToken
    from patroon.accounts.services import issue_api_token, revoke_api_token

    anonymous = Client().get("/api/v1/signals/")
    assert anonymous.status_code == 401
    assert anonymous["Content-Type"] == "application/problem+json"
    secret = issue_api_token(org, "to revoke")
    revoke_api_token(ApiToken.objects.get(name="to revoke").prefix)
    revoked = Client(HTTP_AUTHORIZATION=f"Token {secret}").get("/api/v1/signals/")
    assert revoked.status_code == 401
    forged = Client(HTTP_AUTHORIZATION=f"Token {secret[:-4]}abcd").get("/api/v1/signals/")
    assert forged.status_code == 401


def test_web_session_does_not_open_the_api(intake_client, world):
    assert intake_client.get("/api/v1/signals/").status_code == 401
