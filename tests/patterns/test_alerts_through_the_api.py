"""The pattern engine end to end through the REST API: intake → timeline → rule → alert."""

import json

import pytest

from patroon.patterns.models import Alert
from tests import factories
from tests.patterns.conftest import signal

pytestmark = pytest.mark.django_db


def post(client, body):
    response = client.post("/api/v1/signals/", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_fragmentation_alert_when_the_third_organisation_reports(chain):
    police = factories.api_client(chain["police"])
    vt = factories.api_client(chain["vt"])
    gp = factories.api_client(chain["gp"])
    vt_reader = factories.api_client(chain["vt"], role="professional")

    first = post(police, signal(150, ["isolation"], "POL-1"))
    second = post(vt, signal(80, ["psychological_violence"], "VT-1"))
    assert vt_reader.get("/api/v1/alerts/").json()["results"] == []
    third = post(gp, signal(10, ["financial_control"], "GP-1"))

    alerts = vt_reader.get("/api/v1/alerts/").json()["results"]
    assert [a["rule_id"] for a in alerts] == ["fragmentation"]
    detail = vt_reader.get(f"/api/v1/alerts/{alerts[0]['id']}/").json()
    evidence = {e["signal_id"]: e["organisation"] for e in detail["evidence"]}
    assert evidence == {
        first: "politie-utrecht",
        second: "vt-utrecht",
        third: "huisarts-utrecht",
    }
    assert detail["rule"]["explanation"] and detail["rule"]["sources"]
    assert detail["alert"]["region"] == "utrecht"
    assert [e["action"] for e in detail["events"]] == ["raised"]


def test_an_intake_token_cannot_read_alerts(chain):
    police = factories.api_client(chain["police"])
    assert police.get("/api/v1/alerts/").status_code == 403


def test_alert_lifecycle_through_the_api(chain):
    post(factories.api_client(chain["police"]), signal(3, ["non_fatal_strangulation"], "POL-9"))
    vt = factories.api_client(chain["vt"], role="professional")
    alert_id = vt.get("/api/v1/alerts/?severity=red").json()["results"][0]["id"]

    ack = vt.post(f"/api/v1/alerts/{alert_id}/acknowledge/")
    assert ack.status_code == 200 and ack.json()["alert"]["status"] == "acknowledged"
    again = vt.post(f"/api/v1/alerts/{alert_id}/acknowledge/")
    assert again.status_code == 409
    assert again["Content-Type"] == "application/problem+json"

    bad = vt.post(
        f"/api/v1/alerts/{alert_id}/handle/",
        json.dumps({"outcome": "shrug", "note": "x"}),
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["invalid-params"][0]["name"] == "outcome"
    done = vt.post(
        f"/api/v1/alerts/{alert_id}/handle/",
        json.dumps({"outcome": "risk_assessment", "note": "Taxatie gepland met politie."}),
        content_type="application/json",
    )
    assert done.status_code == 200
    body = done.json()
    assert body["alert"]["status"] == "handled" and body["alert"]["outcome"] == "risk_assessment"
    assert body["events"][-1]["note"] == "Taxatie gepland met politie."


def test_alerts_are_deduplicated_per_dyad_and_rule(chain):
    police = factories.api_client(chain["police"])
    post(police, signal(30, ["threat_to_kill"], "POL-1"))
    post(police, signal(5, ["threat_to_kill"], "POL-2"))
    alerts = Alert.objects.filter(rule_id="threat_to_kill")
    assert alerts.count() == 1
    assert alerts.get().evidence.count() == 2
    assert list(alerts.get().events.values_list("action", flat=True)) == [
        "raised",
        "evidence_added",
    ]


def test_after_handling_only_new_evidence_raises_a_new_alert(chain):
    from patroon.patterns.services import handle
    from patroon.patterns.sweep import sweep

    police = factories.api_client(chain["police"])
    post(police, signal(30, ["threat_to_kill"], "POL-1"))
    vt = factories.actor(["professional"], chain["vt"])
    alert = Alert.objects.get(rule_id="threat_to_kill")
    handle(vt, alert.pk, "no_action", "Bekend, al in behandeling bij de politie.")
    sweep()
    assert Alert.objects.filter(rule_id="threat_to_kill").count() == 1
    post(police, signal(2, ["threat_to_kill"], "POL-2"))
    assert Alert.objects.filter(rule_id="threat_to_kill").count() == 2
    assert Alert.objects.filter(rule_id="threat_to_kill", status="new").count() == 1
