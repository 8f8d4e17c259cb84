"""A small chain in one region: police, Veilig Thuis (receives the region's alerts), a GP."""

from datetime import UTC, datetime, timedelta

import pytest

from patroon.patterns.rulebook import clear_cache
from tests import factories


@pytest.fixture(autouse=True)
def fresh_rules():
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def chain(db):
    return {
        "police": factories.organisation("politie-utrecht", "politie", "utrecht"),
        "vt": factories.organisation("vt-utrecht", "veilig_thuis", "utrecht"),
        "gp": factories.organisation("huisarts-utrecht", "huisarts", "utrecht"),
    }


def signal(days_ago: int, behaviours: list[str], reference: str, **overrides) -> dict:
    """A signal about the same woman and man (same BSN / name and birth date every time)."""
    occurred = datetime.now(UTC) - timedelta(days=days_ago)
    return factories.payload(
        reference,
        reported_at=(occurred + timedelta(hours=2)).isoformat(),
        occurred={"start": occurred.date().isoformat(), "approximate": False},
        behaviours=behaviours,
        relationship=overrides.pop("relationship", "partner"),
        **overrides,
    )
