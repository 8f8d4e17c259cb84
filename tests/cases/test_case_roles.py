"""Every role against every case route, as someone who is not on the case's team: roles
without case access are refused (403); roles with it do not learn the case exists (404)."""

import pytest

from patroon.accounts.permissions import Role
from tests import factories

pytestmark = pytest.mark.django_db

READS = {Role.PROFESSIONAL, Role.CASE_DIRECTOR, Role.PROSECUTOR}
OPENS = {Role.PROFESSIONAL, Role.CASE_DIRECTOR}


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_case_pages_and_api_by_role(role, world, case):
    user = factories.user([role.value], world["orgs"]["police"])
    client = factories.verified_client(user)
    reads = role in READS
    assert client.get("/cases/").status_code == (200 if reads else 403)
    assert client.get("/cases/new/").status_code == (200 if role in OPENS else 403)
    outsider = 404 if reads else 403
    assert client.get(f"/cases/{case.pk}/").status_code == outsider
    assert client.post(f"/cases/{case.pk}/goal/", {"text": "x"}).status_code in (
        outsider,
        403,
    )
    assert client.post(f"/cases/{case.pk}/team/", {"user": user.pk}).status_code == outsider
    exported = client.post(f"/cases/{case.pk}/dossier/", {"reason": "x"})
    exports = role in (Role.CASE_DIRECTOR, Role.PROSECUTOR)
    assert exported.status_code == (404 if exports else 403)
    assert client.get("/inbox/").status_code == 200
    _api_by_role(role, user, world, case)


def _api_by_role(role, user, world, case):
    api = factories.personal_api_client(user)
    reads = role in READS
    assert api.get("/api/v1/cases/").status_code == (200 if reads else 403)
    assert api.get("/api/v1/inbox/").status_code == 200
    outsider = 404 if reads else 403
    base = f"/api/v1/cases/{case.pk}"
    posts = {
        "/members/": {"user": user.pk},
        "/director/": {"user": user.pk},
        "/status/": {"status": "active"},
        "/actions/": {
            "text": "x",
            "owner_organisation": world["orgs"]["police"].pk,
            "due_at": "2030-01-01T10:00:00Z",
        },
        "/actions/1/status/": {"status": "done"},
        "/measures/": {
            "kind": "contact_ban",
            "starts_on": "2026-01-01",
            "responsible_organisation": world["orgs"]["police"].pk,
        },
        "/conferences/": {"scheduled_at": "2030-01-01T10:00:00Z", "agenda": "x"},
        "/conferences/1/record/": {"held_at": "2030-01-01T10:00:00Z"},
        "/children/": {"label": "Kind A"},
    }
    assert api.get(base + "/").status_code == outsider
    for path, body in posts.items():
        response = api.post(base + path, body, content_type="application/json")
        assert response.status_code in (outsider, 403), path
        assert response["Content-Type"] == "application/problem+json"
    assert api.delete(base + "/members/1/").status_code == outsider
    exports = role in (Role.CASE_DIRECTOR, Role.PROSECUTOR)
    dossier = api.post(base + "/dossier/", {"reason": "x"}, content_type="application/json")
    assert dossier.status_code == (404 if exports else 403)
    opened = api.post(
        "/api/v1/cases/", {"victim_ref": str(world["perpetrator"])}, content_type="application/json"
    )
    assert opened.status_code == (201 if role in OPENS else 403)
