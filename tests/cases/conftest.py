"""A case world: police, Veilig Thuis and a GP in one region hold signals on one woman; the
weapon red flag is routed to Veilig Thuis, whose case director opens a case from it."""

import pytest
from django.core import mail

from patroon.accounts.actor import actor_for_user
from patroon.patterns.models import Alert
from patroon.patterns.rulebook import clear_cache
from patroon.signals.models import SignalPerson
from patroon.signals.services import record_signal
from tests import factories
from tests.patterns.conftest import signal


@pytest.fixture(autouse=True)
def fresh_rules():
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def world(db):
    orgs = {
        "police": factories.organisation("politie-utrecht", "politie", "utrecht"),
        "vt": factories.organisation("vt-utrecht", "veilig_thuis", "utrecht"),
        "gp": factories.organisation("huisarts-utrecht", "huisarts", "utrecht"),
        "om": factories.organisation("om-midden", "om", "utrecht"),
    }
    users = {
        "director": factories.user(["case_director"], orgs["vt"], username="regisseur"),
        "triage": factories.user(["professional"], orgs["vt"], username="triage"),
        "agent": factories.user(["professional"], orgs["police"], username="agent"),
        "officer": factories.user(["prosecutor"], orgs["om"], username="officier"),
        "second_director": factories.user(["case_director"], orgs["vt"], username="regisseur2"),
    }
    for u in users.values():
        u.email = f"{u.username}@example.org"
        u.save(update_fields=["email"])
    signals = [
        record_signal(
            factories.actor(["intake"], orgs["police"]),
            signal(60, ["threat_with_weapon"], "POL-1"),
            "web",
        ).signal_id,
        record_signal(
            factories.actor(["intake"], orgs["vt"]), signal(40, ["sexual_violence"], "VT-1"), "web"
        ).signal_id,
        record_signal(
            factories.actor(["intake"], orgs["gp"]), signal(20, ["substance_abuse"], "GP-1"), "web"
        ).signal_id,
    ]
    victim = SignalPerson.objects.get(signal_id=signals[0], role="victim").person_ref
    perpetrator = SignalPerson.objects.get(
        signal_id=signals[0], role="alleged_perpetrator"
    ).person_ref
    alert = Alert.objects.filter(victim_ref=victim, routed_organisation=orgs["vt"]).first()
    assert alert is not None, "the weapon red flag is routed to Veilig Thuis"
    mail.outbox.clear()
    return {
        "orgs": orgs,
        "users": users,
        "actors": {k: actor_for_user(u) for k, u in users.items()},
        "signals": signals,
        "victim": victim,
        "perpetrator": perpetrator,
        "alert": alert,
    }


@pytest.fixture
def case(world):
    """Opened by Veilig Thuis triage from the alert, directed by the case director."""
    from patroon.cases import services

    return services.open_case(
        world["actors"]["triage"],
        alert_id=world["alert"].pk,
        director_id=world["users"]["director"].pk,
    )
