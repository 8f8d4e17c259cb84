"""A signal can be recorded by form, API and file; the same bad row gets the same message."""

import csv
import json

import pytest
from django.utils import translation

from patroon.signals.importing import import_file
from patroon.signals.models import Signal, SignalBehaviour, SignalPerson
from patroon.signals.store import decrypt_narrative
from tests import factories

pytestmark = pytest.mark.django_db

BAD_BSN_NL = "Geen geldig BSN: een BSN heeft 9 cijfers en voldoet aan de elfproef."


def _bad_payload():
    data = factories.payload("BAD-1")
    data["persons"][0]["bsn"] = "123456789"
    return data


def _form_post(data: dict) -> dict:
    post = {
        "source_reference": data["source_reference"],
        "reported_at": data["reported_at"][:16],
        "occurred_start": data["occurred"]["start"],
        "relationship": data["relationship"],
        "behaviours": data["behaviours"],
        "narrative": data["narrative"],
        "confidentiality": "normal",
        "person_count": str(len(data["persons"])),
    }
    for i, person in enumerate(data["persons"]):
        for key, value in person.items():
            post[f"persons-{i}-{key}"] = value
    return post


def test_api_records_a_signal_and_stores_it_encrypted(org):
    client = factories.api_client(org)
    response = client.post(
        "/api/v1/signals/", factories.payload("API-1"), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response["API-version"] == "1.0.0"
    signal = Signal.objects.get(pk=response.json()["id"])
    assert signal.organisation == org and signal.channel == "api"
    assert sorted(SignalBehaviour.objects.filter(signal=signal).values_list("code", flat=True)) == [
        "stalking",
        "threat_to_kill",
    ]
    assert SignalPerson.objects.filter(signal=signal).count() == 2
    assert b"scheiding" not in bytes(signal.narrative)
    assert "scheiding" in decrypt_narrative(signal)


def test_form_records_a_signal(intake_client):
    response = intake_client.post("/signals/new/", _form_post(factories.payload("FORM-1")))
    assert response.status_code == 302
    signal = Signal.objects.get(source_reference="FORM-1")
    assert response["Location"] == f"/signals/{signal.id}/"
    assert signal.channel == "web" and signal.recorded_by == "intake"


def test_same_bad_row_same_message_in_form_api_and_file(org, intake_client, tmp_path):
    """Dutch is the default language; the message is the same text in all three channels."""
    bad = _bad_payload()

    api = factories.api_client(org).post("/api/v1/signals/", bad, content_type="application/json")
    assert api.status_code == 400
    assert api["Content-Type"] == "application/problem+json"
    api_reasons = {p["name"]: p["reason"] for p in api.json()["invalid-params"]}
    assert api_reasons == {"persons[0].bsn": BAD_BSN_NL}

    form = intake_client.post("/signals/new/", _form_post(bad))
    assert form.status_code == 400
    assert BAD_BSN_NL in form.content.decode()

    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(bad) + "\n")
    with translation.override("nl"):
        report = import_file(factories.actor(["intake"], org), org, path)
    assert [(r.row, r.field, r.message) for r in report.rejections] == [
        (1, "persons[0].bsn", BAD_BSN_NL)
    ]
    assert not Signal.objects.exists()


def test_messages_follow_the_language_of_the_request(org):
    bad = _bad_payload()
    client = factories.api_client(org)
    english = client.post(
        "/api/v1/signals/", bad, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    reason = english.json()["invalid-params"][0]["reason"]
    assert reason == "Not a valid BSN: it must be 9 digits and pass the eleven-test (elfproef)."


def test_reimporting_a_file_changes_nothing(org, tmp_path):
    path = tmp_path / "signals.jsonl"
    path.write_text("".join(json.dumps(factories.payload(f"IMP-{i}")) + "\n" for i in range(30)))
    actor = factories.actor(["intake"], org)

    first = import_file(actor, org, path, batch_size=7)
    assert (first.created, first.existing, first.rejected_rows) == (30, 0, 0)
    counts = (Signal.objects.count(), SignalPerson.objects.count(), SignalBehaviour.objects.count())

    second = import_file(actor, org, path, batch_size=7)
    assert (second.created, second.existing) == (0, 30)
    assert (
        Signal.objects.count(),
        SignalPerson.objects.count(),
        SignalBehaviour.objects.count(),
    ) == counts


def test_csv_import_uses_the_same_shape(org, tmp_path):
    data = factories.payload("CSV-1")
    path = tmp_path / "signals.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "source_reference",
                "reported_at",
                "occurred_start",
                "relationship",
                "behaviours",
                "narrative",
                "person1_role",
                "person1_given_names",
                "person1_surname",
                "person1_bsn",
                "person2_role",
                "person2_surname",
            ]
        )
        writer.writerow(
            [
                data["source_reference"],
                data["reported_at"],
                data["occurred"]["start"],
                "partner",
                "threat_to_kill;non_fatal_strangulation",
                "Tekst",
                "victim",
                "Fatma",
                "Yilmaz",
                "111222333",
                "alleged_perpetrator",
                "Yilmaz",
            ]
        )
        writer.writerow(
            [
                "CSV-2",
                data["reported_at"],
                data["occurred"]["start"],
                "partner",
                "slapping",
                "",
                "victim",
                "A",
                "B",
                "",
                "",
                "",
            ]
        )
    report = import_file(factories.actor(["intake"], org), org, path)
    assert [(r.row, r.field) for r in report.rejections] == [(3, "behaviours[0]")]
    assert "'slapping'" in report.rejections[0].message
    assert report.created == 0 and report.held_back == 1, "a batch with a bad row writes nothing"
    assert not Signal.objects.exists()


def test_api_conflict_on_reused_reference(org):
    client = factories.api_client(org)
    data = factories.payload("DUP-1")
    first = client.post("/api/v1/signals/", data, content_type="application/json")
    again = client.post("/api/v1/signals/", data, content_type="application/json")
    assert first.status_code == 201
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    changed = {**data, "relationship": "partner"}
    conflict = client.post("/api/v1/signals/", changed, content_type="application/json")
    assert conflict.status_code == 409
    assert conflict.json()["invalid-params"][0]["name"] == "source_reference"
    assert Signal.objects.count() == 1
