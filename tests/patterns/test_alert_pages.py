"""The alert queue, detail and lifecycle through the web pages (Dutch by default)."""

import pytest

from patroon.patterns.models import Alert
from patroon.signals.services import record_signal
from tests import factories
from tests.patterns.conftest import signal

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(chain):
    record_signal(
        factories.actor(["intake"], chain["police"]),
        signal(3, ["threat_with_weapon"], "POL-1"),
        "web",
    )
    return Alert.objects.get(rule_id="weapon")


def test_queue_detail_acknowledge_and_handle(chain, alert):
    client = factories.verified_client(factories.user(["professional"], chain["vt"]))
    queue = client.get("/alerts/").content.decode()
    assert "Bedreiging met of toegang tot een wapen" in queue
    detail = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert "Campbell" in detail  # the rule's source
    assert "Bedreiging met wapen" in detail  # the evidence signal's behaviour
    assert "Voer een risicotaxatie uit" in detail  # the recommended step
    assert f"/risk/new/?victim_ref={alert.victim_ref}" in detail  # and where to take it

    client.post(f"/alerts/{alert.pk}/acknowledge/")
    alert.refresh_from_db()
    assert alert.status == "acknowledged"

    missing_note = client.post(f"/alerts/{alert.pk}/handle/", {"outcome": "referred", "note": " "})
    assert missing_note.status_code == 400
    assert "Schrijf op wat u hebt besloten" in missing_note.content.decode()
    client.post(
        f"/alerts/{alert.pk}/handle/", {"outcome": "referred", "note": "Naar Reclassering."}
    )
    alert.refresh_from_db()
    assert alert.status == "handled" and alert.outcome == "referred"
    history = client.get(f"/alerts/{alert.pk}/").content.decode()
    assert "Naar Reclassering." in history


def test_the_dashboard_counts_open_alerts(chain, alert):
    client = factories.verified_client(factories.user(["professional"], chain["vt"]))
    page = client.get("/").content.decode()
    assert 'id="alert-counts"' in page and "Rood: 1" in page


def test_the_bundled_timeline_draws_lanes_and_flags(chain, alert):
    client = factories.verified_client(factories.user(["professional"], chain["vt"]))
    page = client.get(f"/timelines/{alert.victim_ref}/{alert.perpetrator_ref}/").content.decode()
    assert "<svg" in page and "<circle" in page and 'class="flag"' in page
    assert "politie-utrecht (test)" in page
