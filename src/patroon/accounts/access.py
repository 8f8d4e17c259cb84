"""Access decisions shared by selectors and services."""

from __future__ import annotations

from patroon.accounts.actor import Actor
from patroon.accounts.permissions import Capability


class AccessDenied(PermissionError):
    """The actor lacks the capability. Views answer 403; never a silent empty result."""


class NotVisible(LookupError):
    """The object does not exist or the actor may not know it exists (answered as 404)."""


def require(actor: Actor, capability: Capability) -> None:
    if not actor.can(capability) or actor.organisation_id is None:
        raise AccessDenied(capability.value)
