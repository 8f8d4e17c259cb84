"""The helpline as an organisation, its operators, and a report from the public."""

import pytest

from patroon.hotline import services
from tests import factories


@pytest.fixture
def hotline_org(db):
    return factories.organisation("hulplijn-test", "hulplijn", "landelijk")


@pytest.fixture
def operator(hotline_org):
    return factories.actor(["hotline_operator"], hotline_org)


@pytest.fixture
def colleague(hotline_org):
    return factories.actor(["hotline_operator"], hotline_org)


@pytest.fixture
def operator_api(hotline_org):
    return factories.api_client(hotline_org, role="hotline_operator")


def report(text="Mijn buurvrouw wordt door haar man gecontroleerd.", **kwargs):
    values = {
        "text": text,
        "reporter_kind": "bystander",
        "urgency": "soon",
        "client_address": "192.0.2.10",
    }
    values.update(kwargs)
    return services.submit_report(**values)


@pytest.fixture
def submitted(db):
    return report()
