"""One demo login per role, with a password and an authenticator secret kept in var/demo.

The secrets are made on this machine the first time and never committed. `make run` prints
them; `patroon demo code USERNAME` prints the current six-digit code for signing in.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from patroon.accounts.models import Organisation, User
from patroon.accounts.services import create_confirmed_totp, create_user

# The region whose organisations the demo logins belong to, where there is a choice.
DEMO_REGION = "rotterdam_rijnmond"

# username, role, organisation kind, display name
DEMO_LOGINS = [
    ("demo-intake", "intake", "politie", "Ilse Intake"),
    ("demo-agent", "professional", "politie", "Ahmed Agent"),
    ("demo-professional", "professional", "veilig_thuis", "Priya Professional"),
    ("demo-regisseur", "case_director", "veilig_thuis", "Ruud Regisseur"),
    ("demo-leidinggevende", "supervisor", "veilig_thuis", "Lotte Leidinggevende"),
    ("demo-officier", "prosecutor", "om", "Olga Officier"),
    ("demo-koppelbeheer", "link_reviewer", "expertisecentrum", "Karin Koppelbeheer"),
    ("demo-meldkamer", "monitoring_operator", "reclassering", "Mo Meldkamer"),
    ("demo-hulplijn", "hotline_operator", "hulplijn", "Hanna Hulplijn"),
    ("demo-analist", "analyst", "expertisecentrum", "Anouk Analist"),
    ("demo-registrar", "registrar", "expertisecentrum", "Rosa Registrateur"),
    ("demo-privacy", "privacy_officer", "expertisecentrum", "Pieter Privacy"),
    ("demo-beheer", "admin", "expertisecentrum", "Bram Beheer"),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    organisation: str
    password: str
    totp_secret: str


def _secrets_file() -> Path:
    return Path(settings.VAR_DIR) / "demo" / "logins.json"


def _load_secrets() -> dict:
    path = _secrets_file()
    return json.loads(path.read_text()) if path.exists() else {}


def _save_secrets(data: dict) -> None:
    path = _secrets_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2))
    path.chmod(0o600)


def _organisation_for(kind: str, preferred_region: str) -> Organisation:
    orgs = Organisation.objects.filter(kind=kind).order_by("code")
    return orgs.filter(region=preferred_region).first() or orgs.first()


@transaction.atomic
def ensure_demo_logins(preferred_region: str) -> list[DemoLogin]:
    """Create missing demo users (idempotent); return every demo login with its secrets."""
    stored = _load_secrets()
    logins = []
    for username, role, kind, display in DEMO_LOGINS:
        org = _organisation_for(kind, preferred_region)
        entry = stored.get(username)
        user = User.objects.filter(username=username).first()
        if user is None or entry is None:
            if user is not None:
                user.delete()
            password = f"demo-{secrets.token_urlsafe(9)}"
            first, last = display.split(" ", 1)
            user = create_user(username, password, org, [role], first_name=first, last_name=last)
            device = create_confirmed_totp(user)
            entry = {"password": password, "totp_key": device.key}
            stored[username] = entry
        logins.append(
            DemoLogin(
                username=username,
                role=role,
                organisation=org.code if org else "-",
                password=entry["password"],
                totp_secret=base64.b32encode(bytes.fromhex(entry["totp_key"])).decode().rstrip("="),
            )
        )
    _save_secrets(stored)
    return logins


def current_code(username: str) -> str:
    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is None:
        raise LookupError(f"no confirmed authenticator for {username!r}")
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
