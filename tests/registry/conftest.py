from pathlib import Path

import pytest

from patroon.accounts.actor import Actor
from tests import factories

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "femicide"
ES_FILE = DATA / "es_dgvg_feminicidios_pareja_mensual.csv"
AR_FILE = DATA / "ar_minjus_femicidios_2012_2016.csv"


@pytest.fixture
def source_files():
    """The real files live in shared/ beside the repository (as in CI)."""
    if not (ES_FILE.exists() and AR_FILE.exists()):
        pytest.fail(f"the real femicide data files are missing under {DATA}")
    return ES_FILE, AR_FILE


@pytest.fixture
def expertise(db):
    return factories.organisation("expertisecentrum-test", "expertisecentrum", "utrecht")


@pytest.fixture
def registrar_user(expertise):
    return factories.user(["registrar"], expertise, username="registrar")


@pytest.fixture
def analyst_user(expertise):
    return factories.user(["analyst"], expertise, username="analyst")


@pytest.fixture
def registrar(registrar_user):
    from patroon.accounts.actor import actor_for_user

    return actor_for_user(registrar_user)


@pytest.fixture
def analyst(analyst_user):
    from patroon.accounts.actor import actor_for_user

    return actor_for_user(analyst_user)


@pytest.fixture
def cli_registrar() -> Actor:
    return Actor("cli:test", None, None, frozenset({"registrar"}), channel="cli")
