"""A GP's strangulation signal appears prefilled, with its evidence, in an assessment that
Veilig Thuis starts through the API; nothing is submitted unconfirmed."""

import json

import pytest

from patroon.risk.models import Assessment
from tests import factories

pytestmark = pytest.mark.django_db


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_gp_strangulation_is_prefilled_with_its_evidence_for_veilig_thuis(
    chain, strangulation_by_gp
):
    vt = factories.api_client(chain["vt"], role="professional")
    started = post(
        vt,
        "/api/v1/risk/assessments/",
        {
            "instrument": "lethality_screen",
            "victim_ref": str(strangulation_by_gp["victim"]),
            "perpetrator_ref": str(strangulation_by_gp["perpetrator"]),
        },
    )
    assert started.status_code == 201, started.content
    body = started.json()
    answers = {a["item_id"]: a for a in body["answers"]}
    strangulation = answers["strangulation"]
    assert strangulation["suggested"] == "yes" and strangulation["confirmed"] is False
    assert [e["signal_id"] for e in strangulation["evidence"]] == [
        str(strangulation_by_gp["signal"])
    ]
    assert strangulation["evidence"][0]["organisation"] == "huisarts-utrecht"
    assert answers["unemployed"]["suggested"] == "" and answers["unemployed"]["evidence"] == []
    assert "strangulation" in body["unconfirmed"]

    url = f"/api/v1/risk/assessments/{body['assessment']['id']}/"
    refused = post(vt, url + "complete/")
    assert refused.status_code == 409
    assert refused["Content-Type"] == "application/problem+json"
    assert {p["name"] for p in refused.json()["invalid-params"]} == set(answers)

    confirm = [{"item_id": "strangulation", "value": "yes", "confirmed": True}] + [
        {"item_id": item, "value": "no", "confirmed": True}
        for item in answers
        if item != "strangulation"
    ]
    assert post(vt, url + "answers/", {"answers": confirm}).status_code == 200
    done = post(vt, url + "complete/").json()
    assert done["assessment"]["final_level"] == "high"
    assert done["assessment"]["decided_by"] == "critical item 'strangulation'"
    assert done["tasks"] and done["assessment"]["reassess_due"]


def test_an_organisation_without_the_alert_sees_no_other_organisations_evidence(
    chain, strangulation_by_gp
):
    police = factories.api_client(chain["police"], role="professional")
    started = post(
        police,
        "/api/v1/risk/assessments/",
        {"instrument": "dash", "victim_ref": str(strangulation_by_gp["victim"])},
    )
    assert started.status_code == 404
    assert not Assessment.objects.exists()


def test_an_intake_token_may_not_assess(chain, strangulation_by_gp):
    intake = factories.api_client(chain["vt"])
    body = {"instrument": "dash", "victim_ref": str(strangulation_by_gp["victim"])}
    assert post(intake, "/api/v1/risk/assessments/", body).status_code == 403


def test_unknown_instrument_and_invalid_answers_are_problems(chain, strangulation_by_gp):
    vt = factories.api_client(chain["vt"], role="professional")
    bad = post(
        vt,
        "/api/v1/risk/assessments/",
        {"instrument": "astrology", "victim_ref": str(strangulation_by_gp["victim"])},
    )
    assert bad.status_code == 400 and bad.json()["invalid-params"][0]["name"] == "instrument"
    body = {"instrument": "rihg", "victim_ref": str(strangulation_by_gp["victim"])}
    assessment = post(vt, "/api/v1/risk/assessments/", body).json()["assessment"]
    wrong = post(
        vt,
        f"/api/v1/risk/assessments/{assessment['id']}/answers/",
        {"answers": [{"item_id": "p_weapon", "value": "yes", "confirmed": True}]},
    )
    assert wrong.status_code == 400 and "p_weapon" in wrong.json()["invalid-params"][0]["reason"]
