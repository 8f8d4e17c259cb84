"""Facts about victims that rules read but signals do not carry."""

from __future__ import annotations

import uuid


def open_case_victims(victims: list[uuid.UUID] | None) -> set[uuid.UUID]:
    """Victims with an open case (all of them when ``victims`` is None, for the sweep).

    Cases (casusregie) arrive with their own app; until then no victim has one, so the
    fragmentation rule treats every victim as without a case.
    """
    return set()
