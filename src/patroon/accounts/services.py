"""Writes for organisations, users and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from patroon.accounts.actor import SYSTEM, Actor
from patroon.accounts.catalogue import organisation_kinds, regions
from patroon.accounts.models import ApiToken, Organisation, RoleGrant, User
from patroon.accounts.permissions import API_TOKEN_ROLES, Role
from patroon.audit.services import record


class AccountError(ValueError):
    pass


def upsert_organisation(code: str, name: str, kind: str, region: str) -> Organisation:
    if kind not in organisation_kinds():
        raise AccountError(f"unknown organisation kind {kind!r}")
    if region not in regions():
        raise AccountError(f"unknown region {region!r}")
    org, _ = Organisation.objects.update_or_create(
        code=code, defaults={"name": name, "kind": kind, "region": region}
    )
    return org


@transaction.atomic
def create_user(
    username: str,
    password: str,
    organisation: Organisation | None,
    roles: list[str],
    *,
    actor: Actor = SYSTEM,
    first_name: str = "",
    last_name: str = "",
) -> User:
    for role in roles:
        Role(role)
    user = User.objects.create_user(
        username=username,
        password=password,
        organisation=organisation,
        first_name=first_name,
        last_name=last_name,
    )
    RoleGrant.objects.bulk_create(
        RoleGrant(user=user, role=role, granted_by=actor.username) for role in roles
    )
    record(actor, "create", "user", str(user.pk), purpose="user administration")
    return user


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def start_totp_enrolment(user: User) -> TOTPDevice:
    """An unconfirmed device; it counts only after the user proves one code from it."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def create_confirmed_totp(user: User, key_hex: str | None = None) -> TOTPDevice:
    kwargs = {"key": key_hex} if key_hex else {}
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True, **kwargs)


def _hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_api_token(
    organisation: Organisation,
    name: str,
    *,
    role: str = "intake",
    actor: Actor = SYSTEM,
    user: User | None = None,
) -> str:
    """Create a token and return its secret once; it cannot be shown again. With ``user`` the
    token is personal: it acts as that user, so it ends with the user's account or roles."""
    if user is not None:
        if not user.is_active or user.organisation_id != organisation.pk:
            raise AccountError("A personal token needs an active user of that organisation.")
    elif role not in API_TOKEN_ROLES:
        allowed = ", ".join(sorted(API_TOKEN_ROLES))
        raise AccountError(f"An API token can act as: {allowed}; not '{role}'.")
    prefix = secrets.token_hex(4)
    secret = f"ptr_{prefix}_{secrets.token_urlsafe(32)}"
    ApiToken.objects.create(
        organisation=organisation,
        name=name,
        prefix=prefix,
        key_hash=_hash_key(secret),
        role=role,
        user=user,
        created_by=actor.username,
    )
    record(actor, "create", "api_token", prefix, purpose="API access for an agency system")
    return secret


def authenticate_api_token(secret: str) -> ApiToken | None:
    parts = secret.split("_")
    if len(parts) < 3 or parts[0] != "ptr":
        return None
    token = (
        ApiToken.objects.select_related("organisation", "user__organisation")
        .filter(prefix=parts[1], revoked_at__isnull=True)
        .first()
    )
    if token is None or not secrets.compare_digest(token.key_hash, _hash_key(secret)):
        return None
    if not token.organisation.active:
        return None
    if token.user_id is not None and not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


def revoke_api_token(prefix: str, *, actor: Actor = SYSTEM) -> None:
    updated = ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise AccountError(f"no active token with prefix {prefix!r}")
    record(actor, "update", "api_token", prefix, purpose="revoke API token")
