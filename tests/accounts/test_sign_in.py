"""Sign-in needs a password and a TOTP code; repeated failures lock the account."""

import pytest
from django.test import Client

from patroon.accounts.services import create_confirmed_totp
from tests import factories

pytestmark = pytest.mark.django_db


def test_password_alone_does_not_open_any_page(intake_user):
    create_confirmed_totp(intake_user)
    client = Client()
    response = client.post("/login/", {"username": "intake", "password": factories.PASSWORD})
    assert response["Location"] == "/login/code/"
    assert client.get("/")["Location"] == "/login/code/"
    assert client.get("/signals/new/")["Location"] == "/login/code/"


def test_wrong_code_is_refused_and_right_code_signs_in(intake_user):
    device = create_confirmed_totp(intake_user)
    client = Client()
    client.post("/login/", {"username": "intake", "password": factories.PASSWORD})
    wrong = "000000" if factories.current_code(device) != "000000" else "111111"
    assert client.post("/login/code/", {"token": wrong}).status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    device.throttle_reset()  # stands in for waiting out the back-off
    response = client.post("/login/code/", {"token": factories.current_code(device)})
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_user_without_authenticator_must_enrol_first(intake_user):
    client = Client()
    response = client.post("/login/", {"username": "intake", "password": factories.PASSWORD})
    assert response["Location"] == "/login/authenticator/"
    page = client.get("/login/authenticator/")
    assert page.status_code == 200 and b"<svg" in page.content
    device = intake_user.totpdevice_set.get(confirmed=False)
    response = client.post("/login/authenticator/", {"token": factories.current_code(device)})
    assert response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed


def test_lock_out_after_repeated_failures(intake_user, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "intake", "password": "wrong password"})
    response = client.post("/login/", {"username": "intake", "password": factories.PASSWORD})
    assert response.status_code == 429
    assert "/login/code/" not in response.get("Location", "")


def test_logout_requires_post_and_ends_the_session(intake_client):
    assert intake_client.get("/logout/").status_code == 405
    intake_client.post("/logout/")
    assert intake_client.get("/")["Location"].startswith("/login/")
