"""The public pages: no login, no cookie, a quick-exit button on every page, Dutch by default
with English on request, nothing loaded from elsewhere; the report form and the return."""

import re

import pytest

from patroon.hotline.models import Conversation

pytestmark = pytest.mark.django_db


def _shown(html: str) -> str:
    """The page without its <template> parts (shown only when the chat asks for them)."""
    return re.sub(r"<template.*?</template>", "", html, flags=re.S)


PAGES = [
    "/hulp/",
    "/hulp/melden/",
    "/hulp/terug/",
    *(f"/hulp/info/{p}/" for p in ("signs", "bystanders", "after-report", "call-112", "privacy")),
]


@pytest.mark.parametrize("path", PAGES)
def test_every_public_page_has_quick_exit_and_sets_no_cookie(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert not response.cookies
    html = response.content.decode()
    assert 'id="quick-exit"' in html
    assert '<html lang="nl">' in html
    assert response["Cache-Control"] == "no-store"
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    loaded = [s for s in sources if s.startswith("http") and "quick-exit" not in s]
    exit_links = re.findall(r'class="quick-exit" id="quick-exit" href="([^"]+)"', html)
    assert set(loaded) <= set(exit_links), loaded


@pytest.mark.parametrize("path", PAGES)
def test_english_by_address_not_by_cookie(client, path):
    response = client.get(path + "?lang=en")
    assert '<html lang="en">' in response.content.decode()
    assert not response.cookies


def test_info_pages_have_their_own_dutch_and_english_text(client):
    nl = client.get("/hulp/info/signs/").content.decode()
    en = client.get("/hulp/info/signs/?lang=en").content.decode()
    assert "Wurging" in nl and "Strangulation" in en


def test_reporting_through_the_form_shows_code_and_passphrase(client):
    response = client.post(
        "/hulp/melden/",
        {
            "text": "Ik hoor geschreeuw.",
            "reporter_kind": "bystander",
            "urgency": "soon",
            "website": "",
        },
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 201
    html = response.content.decode()
    conversation = Conversation.objects.get()
    assert conversation.reference_code in html
    assert 'id="passphrase"' in html
    assert 'id="call-112"' not in _shown(html)
    assert not response.cookies


def test_a_danger_phrase_shows_call_112(client):
    response = client.post(
        "/hulp/melden/",
        {
            "text": "Hij heeft haar gisteren gewurgd.",
            "reporter_kind": "bystander",
            "urgency": "soon",
        },
    )
    assert response.status_code == 201
    assert 'id="call-112"' in _shown(response.content.decode())


def test_a_cross_site_post_is_refused(client):
    response = client.post(
        "/hulp/melden/",
        {"text": "x", "reporter_kind": "bystander", "urgency": "soon"},
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 403
    assert not Conversation.objects.exists()


def test_form_errors_are_listed(client):
    response = client.post("/hulp/melden/", {"text": "", "urgency": "soon"})
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()


def test_returning_and_writing_more_through_the_pages(client):
    client.post(
        "/hulp/melden/",
        {
            "text": "Eerste bericht.",
            "reporter_kind": "victim",
            "urgency": "soon",
            "passphrase": "mijn geheime zin 42",
        },
    )
    code = Conversation.objects.get().reference_code
    wrong = client.post("/hulp/terug/", {"reference_code": code, "passphrase": "fout fout fout"})
    assert wrong.status_code == 403
    opened = client.post(
        "/hulp/terug/", {"reference_code": code, "passphrase": "mijn geheime zin 42"}
    )
    assert opened.status_code == 200
    token = re.search(r'name="token" value="([^"]+)"', opened.content.decode()).group(1)
    written = client.post(
        "/hulp/gesprek/", {"token": token, "text": "Nog iets.", "client_id": "x1"}
    )
    assert written.status_code == 200
    assert "Nog iets." in written.content.decode()
    assert Conversation.objects.get().last_seq == 2
