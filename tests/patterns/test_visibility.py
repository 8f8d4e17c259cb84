"""Organisations not on the case see that others hold signals, never what those signals say."""

import pytest

from patroon.signals.models import SignalPerson
from patroon.signals.services import record_signal
from tests import factories
from tests.patterns.conftest import signal

pytestmark = pytest.mark.django_db


@pytest.fixture
def pattern(chain):
    """Police and Veilig Thuis each record a signal; the GP records one too."""
    police = factories.actor(["intake"], chain["police"])
    gp = factories.actor(["intake"], chain["gp"])
    vt = factories.actor(["intake"], chain["vt"])
    record_signal(police, signal(60, ["threat_with_weapon"], "POL-1"), "web")
    record_signal(vt, signal(40, ["sexual_violence"], "VT-1"), "web")
    own = record_signal(gp, signal(20, ["substance_abuse"], "GP-1"), "web").signal_id
    victim = SignalPerson.objects.get(signal_id=own, role="victim").person_ref
    perpetrator = SignalPerson.objects.get(signal_id=own, role="alleged_perpetrator").person_ref
    return {"victim": victim, "perpetrator": perpetrator, "own": own}


def test_gp_sees_holders_but_not_content_through_the_api(chain, pattern):
    gp = factories.api_client(chain["gp"], role="professional")
    for url in (
        f"/api/v1/timelines/{pattern['victim']}/",
        f"/api/v1/timelines/{pattern['victim']}/{pattern['perpetrator']}/",
    ):
        body = gp.get(url).json()
        assert body["full_view"] is False
        assert [i["signal_id"] for i in body["items"]] == [str(pattern["own"])]
        others = [h for h in body["holders"] if not h["content_visible"]]
        assert {h["organisation_kind"] for h in others} == {"politie", "veilig_thuis"}
        assert all(h["organisation"] is None and h["first"] is None for h in others)
        assert all(h["signals"] == 1 and h["latest"] for h in others)
        text = str(body)
        assert "threat_with_weapon" not in text and "sexual_violence" not in text


def test_gp_sees_holders_but_not_content_on_the_web(chain, pattern):
    client = factories.verified_client(factories.user(["professional"], chain["gp"]))
    page = client.get(f"/timelines/{pattern['victim']}/{pattern['perpetrator']}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Middelenmisbruik" in body  # its own signal: substance abuse
    assert "Bedreiging met wapen" not in body and "Seksueel geweld" not in body
    assert "politie-utrecht (test)" not in body and "vt-utrecht (test)" not in body
    assert "Politie" in body and "Veilig Thuis" in body  # the kinds of the other holders


def test_the_routed_veilig_thuis_sees_the_bundled_content(chain, pattern):
    vt = factories.api_client(chain["vt"], role="professional")
    body = vt.get(f"/api/v1/timelines/{pattern['victim']}/").json()
    assert body["full_view"] is True
    assert len(body["items"]) == 3
    assert "threat_with_weapon" in str(body)
    assert body["alerts"], "the weapon red flag is routed to Veilig Thuis"


def test_an_organisation_with_nothing_on_her_does_not_learn_she_exists(chain, pattern):
    stranger = factories.organisation("politie-elders", "politie", "twente")
    api = factories.api_client(stranger, role="professional")
    assert api.get(f"/api/v1/timelines/{pattern['victim']}/").status_code == 404
    client = factories.verified_client(factories.user(["professional"], stranger))
    assert client.get(f"/timelines/{pattern['victim']}/").status_code == 404
    assert api.get("/api/v1/alerts/").json()["results"] == []


def test_alerts_of_another_organisation_are_not_found(chain, pattern):
    from patroon.patterns.models import Alert

    alert = Alert.objects.first()
    gp = factories.api_client(chain["gp"], role="professional")
    assert gp.get(f"/api/v1/alerts/{alert.pk}/").status_code == 404
    assert gp.post(f"/api/v1/alerts/{alert.pk}/acknowledge/").status_code == 404
