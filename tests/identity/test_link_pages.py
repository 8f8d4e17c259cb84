"""The link reviewer's pages and re-identification, through the web, by role."""

import pytest

from patroon.accounts.permissions import Role
from patroon.audit.models import AuditEntry
from patroon.identity.models import IdentityRecord, PersonChange, ReviewItem
from patroon.signals.services import record_signal
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(org):
    first = factories.payload("L-1")
    second = factories.payload("L-2")
    second["persons"][0].update(bsn=None, given_names="Anne", date_of_birth="1990-01-13")
    actor = factories.actor(["intake"], org)
    a = record_signal(actor, first, "api").signal_id
    b = record_signal(actor, second, "api").signal_id
    left = IdentityRecord.objects.get(source_reference="L-2", position=0)
    right = IdentityRecord.objects.get(source_reference="L-1", position=0)
    item = ReviewItem.objects.create(
        record=left,
        candidate=right,
        match_probability=0.74,
        match_weight=1.5,
        field_weights={"given_name": 2.1, "surname": 6.3, "date_of_birth": -3.2},
        model_version="test",
        created_at=left.created_at,
    )
    return item, a, b


def test_the_reviewer_sees_masked_fields_and_links_the_pair(org, pair):
    item, _, _ = pair
    reviewer = factories.user(["link_reviewer"], factories.organisation("ec", "expertisecentrum"))
    client = factories.verified_client(reviewer)
    assert f"/links/{item.pk}/" in client.get("/links/").content.decode()
    page = client.get(f"/links/{item.pk}/").content.decode()
    assert "B•••" in page and "Berg" not in page and "111222333" not in page
    assert "1990-••-••" in page and "verschillende dag of maand" in page
    missing = client.post(f"/links/{item.pk}/decide/", {"decision": "accept", "reason": "ja"})
    assert missing.status_code == 400
    client.post(
        f"/links/{item.pk}/decide/",
        {"decision": "accept", "reason": "Zelfde vrouw: typefout in voornaam en geboortedag."},
    )
    item.refresh_from_db()
    assert item.status == "accepted"
    assert PersonChange.objects.filter(kind="review").count() == 1
    assert AuditEntry.objects.filter(object_type="review_item", action="update").exists()


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_only_the_link_reviewer_reviews_and_only_professionals_reidentify(role, org, pair):
    item, _, _ = pair
    client = factories.verified_client(factories.user([role.value], org))
    reviews = role == Role.LINK_REVIEWER
    assert client.get("/links/").status_code == (200 if reviews else 403)
    assert client.get(f"/links/{item.pk}/").status_code == (200 if reviews else 403)
    person = item.record.person_id
    reidentifies = role in {Role.PROFESSIONAL, Role.CASE_DIRECTOR, Role.SUPERVISOR}
    shown = client.post(
        f"/persons/{person}/identity/show/",
        {"reason": "Acuut gevaar: de politie staat op de stoep."},
    )
    assert shown.status_code == (200 if reidentifies else 403)
    if reidentifies:
        assert "Berg" in shown.content.decode()
        assert AuditEntry.objects.filter(action="break_glass", object_id=str(person)).exists()


def test_reidentification_without_a_reason_shows_nothing(org, pair):
    item, _, _ = pair
    client = factories.verified_client(factories.user(["professional"], org))
    assert client.get(f"/persons/{item.record.person_id}/identity/").status_code == 200
    response = client.post(f"/persons/{item.record.person_id}/identity/show/", {"reason": "x"})
    assert response.status_code == 400
    assert "Berg" not in response.content.decode()
    assert not AuditEntry.objects.filter(action="break_glass").exists()
