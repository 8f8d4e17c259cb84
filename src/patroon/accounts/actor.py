"""Who is acting: one shape for a web user, an agency system's API token and the CLI.

Selectors and services take an Actor, never a request, so web, API, import and tasks share
exactly the same access rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from patroon.accounts.permissions import Capability, capabilities_for


@dataclass(frozen=True)
class Actor:
    username: str
    organisation_id: int | None
    organisation_code: str | None
    roles: frozenset[str] = field(default_factory=frozenset)
    user_id: int | None = None
    channel: str = "web"

    @property
    def capabilities(self) -> frozenset[Capability]:
        return capabilities_for(self.roles)

    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities


SYSTEM = Actor(username="system", organisation_id=None, organisation_code=None, channel="system")


def actor_for_user(user, channel: str = "web") -> Actor:
    org = user.organisation
    return Actor(
        username=user.username,
        organisation_id=org.pk if org else None,
        organisation_code=org.code if org else None,
        roles=frozenset(user.role_codes()),
        user_id=user.pk,
        channel=channel,
    )
