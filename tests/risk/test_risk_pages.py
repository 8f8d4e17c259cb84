"""The risk pages: start, fill in with prefill and confirmation, result, print, history plot."""

import re

import pytest

from patroon.risk.models import Assessment
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def vt_client(chain):
    return factories.verified_client(factories.user(["professional"], chain["vt"]))


def test_fill_in_confirm_complete_print_and_plot(vt_client, strangulation_by_gp):
    victim = strangulation_by_gp["victim"]
    form = vt_client.get(f"/risk/new/?victim_ref={victim}").content.decode()
    assert "Letaliteitsscreening" in form and str(victim) in form

    started = vt_client.post(
        "/risk/new/", {"victim_ref": str(victim), "instrument": "lethality_screen"}
    )
    assert started.status_code == 302
    assessment = Assessment.objects.get()
    page = vt_client.get(started["Location"]).content.decode()
    assert "Vooraf ingevuld uit" in page and "Huisarts" in page
    assert "Heeft hij ooit geprobeerd u te wurgen" in page
    assert "Haar eigen inschatting telt" in page  # help text
    assert 'name="confirm-strangulation"' in page
    assert "<script" not in page.split("</head>")[1] and "style=" not in page

    answers = {
        f"answer-{i}": "no"
        for i in re.findall(r'name="answer-([a-z_]+)"', page)
        if i != "strangulation"
    }
    answers["answer-strangulation"] = "yes"
    unconfirmed = vt_client.post(
        f"/risk/{assessment.pk}/answers/", {**answers, "next": "complete"}, follow=True
    )
    assert "Nog niet compleet: 1 onderdelen" in unconfirmed.content.decode()
    done = vt_client.post(
        f"/risk/{assessment.pk}/answers/",
        {**answers, "confirm-strangulation": "1", "next": "complete"},
        follow=True,
    ).content.decode()
    assert 'id="risk-result"' in done and "Hoog" in done and 'id="risk-tasks"' in done

    printable = vt_client.get(f"/risk/{assessment.pk}/print/").content.decode()
    assert "risk-print" in printable and "htmx-2.min.js" not in printable

    history = vt_client.get(f"/risk/victims/{victim}/").content.decode()
    assert "<svg" in history and "<circle" in history and "<polyline" in history

    listing = vt_client.get("/risk/").content.decode()
    assert "Risicotaxatie" in listing and str(assessment.pk) in listing


def test_the_danger_assessment_shows_its_weights_are_unverified(vt_client, strangulation_by_gp):
    vt_client.post(
        "/risk/new/",
        {"victim_ref": str(strangulation_by_gp["victim"]), "instrument": "danger_assessment"},
    )
    page = vt_client.get(f"/risk/{Assessment.objects.get().pk}/").content.decode()
    assert "gewichten niet geverifieerd" in page
    assert "elke vraag 1 punt" in page


def test_start_form_errors(vt_client, chain):
    response = vt_client.post("/risk/new/", {"victim_ref": "nonsense"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
