"""A bystander reports anonymously, gets a code and passphrase, comes back and reads the
operator's reply, and writes more — through the public API, without a cookie."""

import pytest

from patroon.hotline import services
from patroon.hotline.models import Conversation, Message
from tests import factories

pytestmark = pytest.mark.django_db


def test_report_returns_code_and_passphrase_and_sets_no_cookie(client):
    response = client.post(
        "/api/v1/hotline/reports/",
        {
            "text": "Ik hoor elke nacht geschreeuw bij de buren.",
            "reporter_kind": "bystander",
            "urgency": "soon",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference_code"].startswith("HL-")
    assert len(body["passphrase"]) >= 16
    assert body["call_112"] is False
    assert not response.cookies
    stored = Conversation.objects.get(reference_code=body["reference_code"])
    assert body["passphrase"] not in stored.passphrase_hash
    assert stored.passphrase_hash.startswith("pbkdf2_sha256$")
    assert b"geschreeuw" not in bytes(Message.objects.get(conversation=stored).body)


def test_return_with_code_and_passphrase_reads_the_reply_and_writes_more(client, operator):
    response = client.post(
        "/api/v1/hotline/reports/",
        {
            "text": "Mijn zus wordt door haar vriend gevolgd.",
            "reporter_kind": "bystander",
            "urgency": "no_hurry",
            "passphrase": "blauwe fiets in de regen",
        },
        content_type="application/json",
    )
    code = response.json()["reference_code"]
    assert response.json()["passphrase"] == ""
    conversation = Conversation.objects.get(reference_code=code)
    services.claim(operator, conversation.pk)
    services.operator_reply(operator, conversation.pk, "Dank voor uw bericht. Wat ziet u?")

    opened = client.post(
        "/api/v1/hotline/thread/",
        {
            "reference_code": code.lower().replace("-", " "),
            "passphrase": "blauwe fiets in de regen",
        },
        content_type="application/json",
    )
    assert opened.status_code == 200, opened.content
    thread = opened.json()
    assert [m["author"] for m in thread["messages"]] == ["reporter", "operator"]
    assert thread["messages"][1]["body"] == "Dank voor uw bericht. Wat ziet u?"

    payload = {"token": thread["token"], "text": "Hij staat vaak bij haar werk.", "client_id": "c1"}
    first = client.post(
        "/api/v1/hotline/thread/messages/", payload, content_type="application/json"
    )
    again = client.post(
        "/api/v1/hotline/thread/messages/", payload, content_type="application/json"
    )
    assert first.status_code == 201 and first.json() == {"seq": 3, "duplicate": False}
    assert again.status_code == 200 and again.json() == {"seq": 3, "duplicate": True}
    assert Message.objects.filter(conversation=conversation).count() == 3


def test_wrong_passphrase_is_refused_the_same_as_an_unknown_code(client, submitted):
    wrong = client.post(
        "/api/v1/hotline/thread/",
        {"reference_code": submitted.conversation.reference_code, "passphrase": "niet goed 123"},
        content_type="application/json",
    )
    unknown = client.post(
        "/api/v1/hotline/thread/",
        {"reference_code": "HL-2222-3333-4444", "passphrase": submitted.passphrase},
        content_type="application/json",
    )
    assert wrong.status_code == unknown.status_code == 403
    assert wrong.json()["detail"] == unknown.json()["detail"]
    assert wrong["Content-Type"] == "application/problem+json"


def test_reference_codes_are_random_and_do_not_repeat(db):
    from patroon.hotline import codes

    drawn = {codes.new_reference_code() for _ in range(2000)}
    assert len(drawn) == 2000
    assert all(codes.normalise_code(c) == c for c in drawn)


def test_the_operator_api_refuses_other_roles_and_organisations(client, submitted, hotline_org):
    police = factories.organisation()
    assert client.get("/api/v1/hotline/conversations/").status_code == 401
    intake = factories.api_client(police)
    assert intake.get("/api/v1/hotline/conversations/").status_code == 403
    elsewhere = factories.api_client(police, role="hotline_operator")
    assert elsewhere.get("/api/v1/hotline/conversations/").status_code == 403
    own = factories.api_client(hotline_org, role="hotline_operator")
    listed = own.get("/api/v1/hotline/conversations/")
    assert listed.status_code == 200
    assert [c["reference_code"] for c in listed.json()["results"]] == [
        submitted.conversation.reference_code
    ]
