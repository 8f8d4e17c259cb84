"""API tokens: ``Authorization: Token ptr_...``. An organisation token acts for an agency
system with one role; a personal token acts as its user (roles, case memberships)."""

from __future__ import annotations

from dataclasses import dataclass

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from patroon.accounts.actor import Actor, actor_for_user
from patroon.accounts.services import authenticate_api_token


@dataclass(frozen=True)
class ApiPrincipal:
    """Stands in for ``request.user`` on API calls; carries the Actor selectors need."""

    actor: Actor
    is_authenticated: bool = True
    is_active: bool = True


def actor_of(request) -> Actor:
    return request.user.actor


class OrganisationTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("Token", "Bearer")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace").split()
        if not header or header[0] not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header.")
        token = authenticate_api_token(header[1])
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        if token.user_id is not None:
            return ApiPrincipal(actor_for_user(token.user, channel="api")), token
        org = token.organisation
        actor = Actor(
            username=f"api:{org.code}:{token.prefix}",
            organisation_id=org.pk,
            organisation_code=org.code,
            roles=frozenset({token.role}),
            channel="api",
        )
        return ApiPrincipal(actor), token

    def authenticate_header(self, request):
        return "Token"


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = OrganisationTokenAuthentication
    name = "organisationToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "`Token ptr_...`: a per-organisation token issued with `patroon token issue`."
            ),
        }
