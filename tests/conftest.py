import pytest

from tests import factories


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Staff passwords are hashed with PBKDF2 at a million rounds; tests create hundreds of
    users and sign most of them in, so they hash with a fast algorithm first in the list.
    Checking a password behaves the same; the hotline's passphrases name their own hasher."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]


@pytest.fixture
def org(db):
    return factories.organisation()


@pytest.fixture
def other_org(db):
    return factories.organisation("veilig-thuis-test", "veilig_thuis", "utrecht")


@pytest.fixture
def intake_user(org):
    return factories.user(["intake"], org, username="intake")


@pytest.fixture
def intake_client(intake_user):
    return factories.verified_client(intake_user)


@pytest.fixture
def intake_actor(intake_user):
    from patroon.accounts.actor import actor_for_user

    return actor_for_user(intake_user)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Transactional tests flush every table between tests, which the append-only audit
    triggers would refuse. They are removed from the test database here; the trigger test
    installs them inside its own (rolled back) transaction."""
    from django.db import connection

    from patroon.audit import append_only

    with django_db_blocker.unblock():
        append_only.remove(connection)


def pytest_collection_modifyitems(items):
    """With the vault in its own database (DATABASE_URL_VAULT), every database test may use
    both databases; without it this changes nothing."""
    from django.conf import settings

    if len(settings.DATABASES) == 1:
        return
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None:
            item.add_marker(
                pytest.mark.django_db(
                    databases="__all__",
                    **{k: v for k, v in marker.kwargs.items() if k != "databases"},
                ),
                append=False,
            )
        elif "transactional_db" in item.fixturenames or "live_server" in item.fixturenames:
            item.add_marker(pytest.mark.django_db(databases="__all__", transaction=True))
