"""Every role, at the helpline and elsewhere, is let in or refused by the hotline's console
pages and operator API as written here (independent of the permission table in code)."""

import pytest

from patroon.accounts.permissions import API_TOKEN_ROLES, Role
from tests import factories
from tests.hotline.conftest import report

pytestmark = pytest.mark.django_db

OPERATES = {Role.HOTLINE_OPERATOR}
READS_FIGURES = {Role.SUPERVISOR}


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_console_pages_by_role(role, hotline_org):
    conversation = report().conversation
    client = factories.verified_client(factories.user([role.value], hotline_org))
    operates = role in OPERATES
    assert client.get("/hotline/").status_code == (200 if operates else 403)
    assert client.get(f"/hotline/{conversation.pk}/").status_code == (200 if operates else 403)
    claimed = client.post(f"/hotline/{conversation.pk}/claim/")
    assert claimed.status_code == (302 if operates else 403)
    figures = client.get("/hotline/figures/")
    assert figures.status_code == (200 if role in READS_FIGURES else 403)


@pytest.mark.parametrize("role", sorted(API_TOKEN_ROLES), ids=lambda r: r.value)
def test_operator_api_by_token_role(role, hotline_org):
    conversation = report().conversation
    api = factories.api_client(hotline_org, role=role.value)
    ok = role in OPERATES
    base = f"/api/v1/hotline/conversations/{conversation.pk}"
    assert api.get("/api/v1/hotline/conversations/").status_code == (200 if ok else 403)
    assert api.get(f"{base}/").status_code == (200 if ok else 403)
    calls = [
        ("claim", {}, 200),
        ("messages", {"text": "Hallo"}, 201),
        ("coding", {"behaviours": ["stalking"], "relationship": "partner"}, 200),
        ("consent", {"given": True}, 200),
        ("signal", {"persons": [{"role": "victim", "surname": "Berg"}]}, 201),
        ("forward", {"region": "utrecht"}, 200),
        ("handover", {"note": "Voor de nacht."}, 200),
    ]
    for action, body, expected in calls:
        response = api.post(f"{base}/{action}/", body, content_type="application/json")
        assert response.status_code == (expected if ok else 403), (action, response.content)
    api.post(f"{base}/claim/", content_type="application/json")
    closed = api.post(f"{base}/close/", {"outcome": "referred"}, content_type="application/json")
    assert closed.status_code == (200 if ok else 403)


def test_a_hotline_operator_token_of_another_organisation_is_refused():
    police = factories.organisation()
    conversation = report().conversation
    api = factories.api_client(police, role="hotline_operator")
    assert api.get(f"/api/v1/hotline/conversations/{conversation.pk}/").status_code == 403
