import pytest

from tests import factories


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
