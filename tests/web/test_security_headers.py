"""Strict headers on every response, and nothing in the UI that loads from outside."""

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "patroon"
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)


@pytest.mark.django_db
def test_login_page_has_strict_security_headers(client):
    response = client.get("/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "geolocation=()" in response["Permissions-Policy"]
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.django_db
def test_a_well_formed_request_id_is_carried_through(client):
    response = client.get("/health/", HTTP_X_REQUEST_ID="trace-1234-abcd")
    assert response["X-Request-ID"] == "trace-1234-abcd"
    bad = client.get("/health/", HTTP_X_REQUEST_ID="<script>")
    assert bad["X-Request-ID"] != "<script>"


@pytest.mark.django_db
def test_health_reports_the_database(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_templates_load_nothing_from_outside():
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.html")
        if EXTERNAL.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_templates_have_no_inline_script_or_style():
    for path in SRC.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert "<style" not in text and " style=" not in text, path


@pytest.mark.django_db
def test_pages_are_dutch_unless_english_is_chosen(client):
    assert "Inloggen" in client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    client.post("/language/", {"language": "en", "next": "/login/"})
    assert "Sign in" in client.get("/login/").content.decode()
