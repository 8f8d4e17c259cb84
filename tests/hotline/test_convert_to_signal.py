"""An operator claims a conversation, replies, codes it in the shared vocabulary, records the
reporter's consent and converts it into a Signal of the helpline, all through the API; the
signal lands on the dyad's timeline next to what the police recorded."""

import pytest

from patroon.patterns.models import TimelineEntry
from patroon.signals.models import Signal, SignalPerson
from patroon.signals.services import record_signal
from tests import factories
from tests.hotline.conftest import report

pytestmark = pytest.mark.django_db

PERSONS = [
    {
        "role": "victim",
        "given_names": "Anna Maria",
        "surname_prefix": "van der",
        "surname": "Berg",
        "date_of_birth": "1990-01-31",
        "sex": "F",
        "postcode": "3511 AB",
    },
    {
        "role": "alleged_perpetrator",
        "given_names": "Kees",
        "surname": "Jansen",
        "date_of_birth": "1987-06-02",
        "sex": "M",
    },
]


def _post(api, path, body=None):
    return api.post(path, body or {}, content_type="application/json")


def test_a_conversation_becomes_a_signal_on_the_dyads_timeline(org, operator_api, hotline_org):
    police = factories.actor(["intake"], org)
    earlier = record_signal(police, factories.payload("POL-1"), "web")
    assert not earlier.errors
    victim = SignalPerson.objects.get(signal_id=earlier.signal_id, role="victim").person_ref
    perpetrator = SignalPerson.objects.get(
        signal_id=earlier.signal_id, role="alleged_perpetrator"
    ).person_ref

    conversation = report("Mijn zus Anna wordt door Kees gewurgd en gevolgd.").conversation
    base = f"/api/v1/hotline/conversations/{conversation.pk}"
    assert _post(operator_api, f"{base}/claim/").status_code == 200
    reply = _post(operator_api, f"{base}/messages/", {"text": "Dank u. Mogen wij dit melden?"})
    assert reply.status_code == 201
    coded = _post(
        operator_api,
        f"{base}/coding/",
        {"behaviours": ["non_fatal_strangulation", "stalking"], "relationship": "ex_partner"},
    )
    assert coded.status_code == 200, coded.content

    refused = _post(operator_api, f"{base}/signal/", {"persons": PERSONS})
    assert refused.status_code == 409  # no consent recorded yet
    assert _post(operator_api, f"{base}/consent/", {"given": True}).status_code == 200

    converted = _post(operator_api, f"{base}/signal/", {"persons": PERSONS})
    assert converted.status_code == 201, converted.content
    signal_id = converted.json()["signal_id"]
    signal = Signal.objects.get(pk=signal_id)
    assert signal.organisation == hotline_org
    assert signal.channel == "hotline"
    assert signal.source_reference == conversation.reference_code
    assert set(signal.behaviours.values_list("code", flat=True)) == {
        "non_fatal_strangulation",
        "stalking",
    }
    # Converting twice records one signal.
    again = _post(operator_api, f"{base}/signal/", {"persons": PERSONS})
    assert again.json()["signal_id"] == signal_id

    entries = TimelineEntry.objects.filter(victim_ref=victim, perpetrator_ref=perpetrator)
    assert set(entries.values_list("signal_id", flat=True)) == {earlier.signal_id, signal.pk}
    assert entries.get(signal_id=signal.pk).organisation_id == hotline_org.pk

    detail = operator_api.get(f"{base}/").json()
    assert detail["consent"] == "given" and detail["signal_id"] == signal_id
    closed = _post(operator_api, f"{base}/close/", {"outcome": "signal_recorded"})
    assert closed.json()["state"] == "closed"


def test_an_invalid_coding_is_reported_field_by_field(operator_api):
    conversation = report().conversation
    base = f"/api/v1/hotline/conversations/{conversation.pk}"
    _post(operator_api, f"{base}/claim/")
    _post(operator_api, f"{base}/coding/", {"behaviours": ["stalking"], "relationship": "partner"})
    _post(operator_api, f"{base}/consent/", {"given": True})
    bad = _post(operator_api, f"{base}/signal/", {"persons": [{"role": "witness"}]})
    assert bad.status_code == 400
    assert bad["Content-Type"] == "application/problem+json"
    assert {p["name"] for p in bad.json()["invalid-params"]} == {"persons"}


def test_forwarding_to_veilig_thuis_needs_consent_and_a_signal(operator_api):
    conversation = report().conversation
    base = f"/api/v1/hotline/conversations/{conversation.pk}"
    _post(operator_api, f"{base}/claim/")
    _post(operator_api, f"{base}/coding/", {"behaviours": ["stalking"], "relationship": "partner"})
    assert _post(operator_api, f"{base}/forward/", {"region": "utrecht"}).status_code == 409
    _post(operator_api, f"{base}/consent/", {"given": True})
    unsent = _post(operator_api, f"{base}/forward/", {"region": "utrecht"})
    assert unsent.status_code == 409  # nothing to send before it is recorded as a signal
    assert "signal first" in unsent.json()["detail"]
    assert operator_api.get(f"{base}/").json()["forwarded_region"] == ""
    _post(operator_api, f"{base}/signal/", {"persons": [{"role": "victim", "surname": "Berg"}]})
    forwarded = _post(operator_api, f"{base}/forward/", {"region": "utrecht"})
    assert forwarded.status_code == 200
    assert forwarded.json()["forwarded_region"] == "utrecht"
