"""Test data builders: organisations, users with roles and a verified second factor, tokens,
and canonical signal payloads."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from django.test import Client
from django_otp.oath import totp

from patroon.accounts.actor import actor_for_user
from patroon.accounts.services import (
    create_confirmed_totp,
    create_user,
    issue_api_token,
    upsert_organisation,
)

PASSWORD = "correct-horse-battery-staple-42"
_counter = itertools.count(1)


def organisation(code: str = "politie-test", kind: str = "politie", region: str = "utrecht"):
    return upsert_organisation(code, f"{code} (test)", kind, region)


def user(roles: list[str], org=None, username: str | None = None):
    username = username or f"user{next(_counter)}"
    return create_user(username, PASSWORD, org, roles)


def actor(roles: list[str], org=None):
    return actor_for_user(user(roles, org))


def current_code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def verified_client(u) -> Client:
    """A client signed in with password and a TOTP code, through the real login pages."""
    device = create_confirmed_totp(u)
    client = Client()
    response = client.post("/login/", {"username": u.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    response = client.post("/login/code/", {"token": current_code(device)})
    assert response.status_code == 302, response.content[:500]
    return client


def api_client(org, role: str = "intake") -> Client:
    token = issue_api_token(org, "test system", role=role)
    return Client(HTTP_AUTHORIZATION=f"Token {token}")


def personal_api_client(user) -> Client:
    """A personal token: the API acting as this user (roles, case memberships)."""
    token = issue_api_token(user.organisation, "personal", user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token}")


def payload(reference: str | None = None, **overrides) -> dict:
    reported = datetime.now(UTC) - timedelta(days=1)
    data = {
        "source_reference": reference or f"REF-{next(_counter):06d}",
        "reported_at": reported.isoformat(),
        "occurred": {
            "start": (reported - timedelta(days=3)).date().isoformat(),
            "approximate": False,
        },
        "relationship": "ex_partner",
        "behaviours": ["threat_to_kill", "stalking"],
        "persons": [
            {
                "role": "victim",
                "bsn": "111222333",
                "given_names": "Anna Maria",
                "surname_prefix": "van der",
                "surname": "Berg",
                "date_of_birth": "1990-01-31",
                "sex": "F",
                "postcode": "3511 AB",
            },
            {
                "role": "alleged_perpetrator",
                "given_names": "Kees",
                "surname": "Jansen",
                "date_of_birth": "1987-06-02",
                "sex": "M",
            },
        ],
        "narrative": "Zij meldt dat hij haar na de scheiding volgt en dreigt haar te doden.",
        "confidentiality": "normal",
    }
    data.update(overrides)
    return data
