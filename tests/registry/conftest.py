import os
from pathlib import Path

import pytest

from patroon.accounts.actor import Actor
from tests import factories


def _data_dir() -> Path:
    """The real data sets are not copied into the repository (one has no stated licence): they
    are read from PATROON_SHARED_DATA, from shared/ beside the checkout, or from /work/shared."""
    candidates = [
        os.environ.get("PATROON_SHARED_DATA", ""),
        Path(__file__).resolve().parents[3] / "shared" / "data",
        "/work/shared/data",
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "femicide").is_dir():
            return Path(candidate) / "femicide"
    return Path(candidates[1]) / "femicide"


DATA = _data_dir()
ES_FILE = DATA / "es_dgvg_feminicidios_pareja_mensual.csv"
AR_FILE = DATA / "ar_minjus_femicidios_2012_2016.csv"


@pytest.fixture
def source_files():
    """Missing files fail the test: the importers must be proven on the real data."""
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
