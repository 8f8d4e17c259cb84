"""The register's pages and API per role: registrars read records and who-knew-what; analysts
see pseudonymised records and aggregates; everyone else is refused."""

import re
from datetime import date

import pytest

from patroon.registry.services import link_person, register
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(registrar):
    import uuid

    event = register(
        registrar,
        {"date": date(2025, 3, 14), "region": "utrecht", "municipality": "0344"},
        [
            {
                "sex": "female",
                "gender_identity": "woman",
                "age": 41,
                "relationship": "current_partner",
                "nationality": "XX",
            }
        ],
    )
    victim = event.victims.get()
    link_person(registrar, victim.pk, uuid.uuid4())
    return victim


def test_the_registrar_reads_list_record_and_who_knew(registrar_user, record):
    client = factories.verified_client(registrar_user)
    listing = client.get("/registry/")
    assert listing.status_code == 200 and record.reference in listing.content.decode()
    detail = client.get(f"/registry/{record.pk}/")
    assert detail.status_code == 200
    assert "R1" in detail.content.decode()
    assert client.get(f"/registry/{record.pk}/who-knew/").status_code == 200
    assert client.get("/registry/statistics/").status_code == 200


def _without_csrf_tokens(html):
    """A random 64-character token holds "XX" in about one page in sixty; only the data counts."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_the_analyst_sees_pseudonyms_and_statistics_only(analyst_user, record):
    client = factories.verified_client(analyst_user)
    body = _without_csrf_tokens(client.get("/registry/").content.decode())
    assert record.reference not in body
    assert str(record.person_ref) not in body
    assert "0344" not in body and "XX" not in body
    assert client.get(f"/registry/{record.pk}/").status_code == 403
    assert client.get(f"/registry/{record.pk}/who-knew/").status_code == 403
    board = client.get("/registry/statistics/")
    assert board.status_code == 200 and "<svg" in board.content.decode()


def test_the_annual_report_is_a_pdf(analyst_user, record):
    client = factories.verified_client(analyst_user)
    response = client.get("/registry/report.pdf?year=2025")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "role",
    [
        "intake",
        "professional",
        "case_director",
        "supervisor",
        "link_reviewer",
        "privacy_officer",
        "admin",
        "hotline_operator",
        "monitoring_operator",
    ],
)
def test_other_roles_are_refused(role, record, expertise):
    client = factories.verified_client(factories.user([role], expertise))
    for url in (
        "/registry/",
        "/registry/statistics/",
        f"/registry/{record.pk}/",
        f"/registry/{record.pk}/who-knew/",
        "/registry/report.pdf?year=2025",
    ):
        assert client.get(url).status_code == 403, url


def _token_client(org, role):
    """An intake system's token, or a personal token of an analyst or registrar."""
    if role == "intake":
        return factories.api_client(org, "intake")
    return factories.personal_api_client(factories.user([role], org))


def test_api_statistics_and_pseudonymised_records(expertise, record):
    client = _token_client(expertise, "analyst")
    stats = client.get("/api/v1/registry/statistics/?by=year,relationship")
    assert stats.status_code == 200, stats.content
    assert stats.json()["cells"] == [
        {"year": 2025, "relationship": "current_partner", "victims": 1}
    ]
    assert client.get("/api/v1/registry/statistics/?by=nationality").status_code == 400
    records = client.get("/api/v1/registry/records/").json()["results"]
    assert len(records) == 1 and "reference" not in records[0]
    assert record.reference not in str(records)
    assert client.get(f"/api/v1/registry/records/{record.pk}/who-knew/").status_code == 403


def test_api_who_knew_for_the_registrar_and_refusal_for_intake(expertise, record):
    assert (
        _token_client(expertise, "registrar")
        .get(f"/api/v1/registry/records/{record.pk}/who-knew/")
        .status_code
        == 200
    )
    intake = factories.organisation("politie-api", "politie", "utrecht")
    client = _token_client(intake, "intake")
    assert client.get("/api/v1/registry/statistics/").status_code == 403
    assert client.get("/api/v1/registry/records/").status_code == 403
