"""Facts about victims that rules read but signals do not carry."""

from __future__ import annotations

import uuid


def open_case_victims(victims: list[uuid.UUID] | None) -> set[uuid.UUID]:
    """Victims with an open case (all of them when ``victims`` is None, for the sweep)."""
    from patroon.cases.membership import open_case_victims as from_cases

    return from_cases(victims)
