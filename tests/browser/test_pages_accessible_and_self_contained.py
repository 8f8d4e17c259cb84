"""Every page passes axe-core (no serious or critical WCAG 2.1 A/AA violations), breaks no
Content-Security-Policy rule and loads nothing from another host."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser


def _visit_every_page(browsing, account, signal_id):
    """Walk the pages a user sees, in order, yielding a name at each stop."""
    page = browsing.page
    browsing.goto("/login/")
    yield "login"
    page.fill("#id_username", account.user.username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("main .button--primary")
    page.wait_for_url(browsing.url("/login/code/"))
    yield "code"
    page.fill("#id_token", "000")
    page.click("main .button--primary")
    page.locator("#error-summary").wait_for()
    yield "code with an error"
    page.fill("#id_token", factories.current_code(account.device))
    page.click("main .button--primary")
    page.wait_for_url(browsing.url("/"))
    yield "dashboard"
    browsing.goto("/signals/new/")
    yield "signal form"
    page.click("#add-person")
    page.wait_for_selector("#person-2")
    yield "signal form with a third person"
    page.fill("#persons-0-bsn", "123")
    page.click("main button[type=submit].button--primary")
    page.locator("#error-summary").wait_for()
    yield "signal form with errors"
    browsing.goto(f"/signals/{signal_id}/")
    yield "signal detail"
    page.locator("a[href^='/persons/']").first.click()
    page.wait_for_url("**/persons/*/")
    yield "timeline"
    browsing.goto("/no-such-page/")
    yield "not found"


def test_every_page_passes_axe(browsing, account, recorded_signal):
    problems = {}
    for name in _visit_every_page(browsing, account, recorded_signal):
        found = axe_violations(browsing.page)
        if found:
            problems[name] = found
    report = "\n".join(f"{name}:\n  " + "\n  ".join(found) for name, found in problems.items())
    assert not problems, "axe-core found serious or critical violations:\n" + report


def test_the_authenticator_enrolment_page_passes_axe(browsing, transactional_db):
    user = factories.user(["intake"], factories.organisation())
    page = browsing.page
    browsing.goto("/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("main .button--primary")
    page.wait_for_url(browsing.url("/login/authenticator/"))
    assert page.get_by_role("img", name="QR-code").count() == 1
    found = axe_violations(page)
    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(found)
    browsing.guard.assert_clean()


def test_no_page_breaks_the_csp_or_loads_from_outside(browsing, account, recorded_signal):
    visited = []
    for name in _visit_every_page(browsing, account, recorded_signal):
        visited.append(name)
        assert browsing.page.locator("html").get_attribute("lang") == "nl", name
    assert "timeline" in visited
    browsing.guard.assert_clean()


def test_the_skip_link_is_the_first_stop_and_moves_to_the_content(browsing):
    page = browsing.page
    browsing.goto("/no-such-page/")  # a page without autofocus
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0, "the skip link must be visible when focused"
    assert skip.inner_text() == "Direct naar de inhoud"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    browsing.guard.assert_clean()
