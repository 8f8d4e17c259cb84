"""A professional signs in, records a signal through the form and finds it back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_sign_in_with_password_and_code_lands_on_the_dashboard(browsing, account):
    page = browsing.page
    sign_in(browsing, account)
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.locator("h1").inner_text() == "Overzicht"
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    assert nav.get_by_role("link", name="Overzicht").get_attribute("aria-current") == "page"
    assert "Uitloggen" in nav.inner_text()
    browsing.guard.assert_clean()


def test_a_wrong_password_shows_the_error_summary_and_opens_nothing(browsing, account):
    page = browsing.page
    browsing.goto("/login/")
    page.fill("#id_username", account.user.username)
    page.fill("#id_password", "not-the-password")
    page.click("main .button--primary")
    assert page.locator("#error-summary").is_visible()
    assert page.url == browsing.url("/login/")
    browsing.goto("/")
    assert page.url.startswith(browsing.url("/login/"))
    browsing.guard.assert_clean()


def test_record_a_signal_through_the_form_and_find_it_on_the_dashboard(signed_in):
    page = signed_in.page
    page.get_by_role("link", name="Melding vastleggen").first.click()
    page.wait_for_url(signed_in.url("/signals/new/"))

    occurred = (timezone.localdate() - timedelta(days=2)).isoformat()
    page.fill("#occurred_start", occurred)
    page.check("#behaviour-threat_to_kill")
    page.check("#behaviour-stalking")
    page.select_option("#relationship", "ex_partner")
    assert page.locator("#persons-0-role").input_value() == "victim"
    page.fill("#persons-0-given_names", "Anna")
    page.fill("#persons-0-surname", "Berg")
    page.fill("#persons-0-bsn", "111222333")
    assert page.locator("#persons-1-role").input_value() == "alleged_perpetrator"
    page.fill("#persons-1-given_names", "Kees")
    page.fill("#persons-1-surname", "Jansen")
    page.fill("#narrative", "Zij meldt dat hij haar volgt na de scheiding.")
    page.click("main button[type=submit].button--primary")

    page.wait_for_url("**/signals/*-*/")
    assert page.get_by_role("status").inner_text() == "De melding is vastgelegd."
    reference = page.locator("h1 .mono").inner_text()
    assert reference.startswith("WEB-")
    body = page.locator("main").inner_text()
    assert "Doodsbedreiging" in body and "Ex-partner" in body
    assert "Anna Berg" in body and "Kees Jansen" in body
    assert "Zij meldt dat hij haar volgt na de scheiding." in body

    page.get_by_role("link", name="Overzicht").first.click()
    page.wait_for_url(signed_in.url("/"))
    row = page.locator("#recent-signals tbody tr", has_text=reference)
    assert row.count() == 1
    assert "Stalking / belaging" in row.inner_text()
    signed_in.guard.assert_clean()


def test_the_add_a_person_button_adds_a_third_person(signed_in):
    page = signed_in.page
    signed_in.goto("/signals/new/")
    assert page.locator("fieldset.person").count() == 2
    page.click("#add-person")
    page.wait_for_selector("#person-2")
    assert page.locator("fieldset.person").count() == 3
    assert page.locator("#person-2 legend").inner_text() == "Persoon 3"
    assert page.locator("#persons-2-role").input_value() == "child"
    assert page.locator("#person_count").input_value() == "3"
    # The new fieldset takes the focus, so keyboard and screen-reader users land in it.
    assert page.evaluate("document.activeElement.id") == "persons-2-role"
    page.click("#add-person")
    page.wait_for_selector("#person-3")
    assert page.locator("#person_count").input_value() == "4"
    signed_in.guard.assert_clean()


def test_an_invalid_bsn_shows_the_error_summary_and_keeps_the_input(signed_in):
    page = signed_in.page
    signed_in.goto("/signals/new/")
    page.fill("#occurred_start", (timezone.localdate() - timedelta(days=1)).isoformat())
    page.check("#behaviour-physical_violence")
    page.select_option("#relationship", "partner")
    page.fill("#persons-0-surname", "Berg")
    page.fill("#persons-0-bsn", "123456789")
    page.click("main button[type=submit].button--primary")

    summary = page.locator("#error-summary")
    summary.wait_for()
    message = "Geen geldig BSN: een BSN heeft 9 cijfers en voldoet aan de elfproef."
    assert message in summary.inner_text()
    assert "Persoon 1: BSN" in summary.inner_text()
    # The summary has the focus and links to the field; the field keeps what was typed.
    assert page.evaluate("document.activeElement.id") == "error-summary"
    link = summary.get_by_role("link", name=f"Persoon 1: BSN: {message}")
    assert link.get_attribute("href") == "#persons-0-bsn"
    field = page.locator("#persons-0-bsn")
    assert field.input_value() == "123456789"
    assert field.get_attribute("aria-invalid") == "true"
    assert page.locator(f"#{field.get_attribute('aria-describedby')}").inner_text() == message
    assert page.locator("#persons-0-surname").input_value() == "Berg"
    assert page.locator("#behaviour-physical_violence").is_checked()
    assert page.title().startswith("Fout:")
    link.click()
    assert page.evaluate("document.activeElement.id") == "persons-0-bsn"
    signed_in.guard.assert_clean()


def test_the_interface_switches_to_english(signed_in):
    page = signed_in.page
    signed_in.goto("/signals/new/")
    page.get_by_role("button", name="English").click()
    page.wait_for_selector("html[lang=en]")
    assert page.locator("h1").inner_text() == "Record a signal"
    assert page.locator("#person-0 legend").inner_text() == "Person 1"
    assert page.locator("label[for=persons-0-given_names]").inner_text() == "Given names"
    page.fill("#persons-0-bsn", "123456789")
    page.click("main button[type=submit].button--primary")
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert "Not a valid BSN: it must be 9 digits and pass the eleven-test" in summary.inner_text()
    signed_in.guard.assert_clean()
