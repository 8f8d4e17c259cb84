import pytest

from patroon.accounts.actor import Actor
from tests import factories
from tests.shared_data import shared_data

ES_NAME = "es_dgvg_feminicidios_pareja_mensual.csv"
AR_NAME = "ar_minjus_femicidios_2012_2016.csv"


@pytest.fixture
def source_files():
    """The two real files; missing files fail the test (see tests/shared_data.py)."""
    data = shared_data("femicide")
    return data / ES_NAME, data / AR_NAME


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
