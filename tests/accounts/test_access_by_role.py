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
    Role.ADMIN: (False, False, False, False, False, False),
}

PUBLIC = {"login", "otp-verify", "otp-enrol", "logout", "set-language", "health", "schema", "docs"}
COVERED = {
    "dashboard",
    "signal-new",
    "signal-person-row",
    "signal-detail",
    "person-timeline",
    "signal-list",
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
    assert client.get(f"/persons/{world['victim']}/").status_code == (200 if timeline else 404)


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
