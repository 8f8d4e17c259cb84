"""A Veilig Thuis professional works an alert in the browser: queue → detail → bundled
timeline → acknowledge → handle with reasons. Every stop passes axe and the CSP guard.

Set PATROON_SCREENSHOTS=dir to keep a screenshot of every stop for review."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import factories
from tests.browser.conftest import Account, axe_violations, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def vt_account(transactional_db) -> Account:
    from patroon.accounts.services import create_confirmed_totp
    from patroon.signals.services import record_signal
    from tests.patterns.conftest import signal

    police = factories.organisation("politie-utrecht", "politie", "utrecht")
    gp = factories.organisation("huisarts-utrecht", "huisarts", "utrecht")
    vt = factories.organisation("vt-utrecht", "veilig_thuis", "utrecht")
    record_signal(factories.actor(["intake"], police), signal(200, ["isolation"], "P-1"), "web")
    record_signal(factories.actor(["intake"], vt), signal(120, ["stalking"], "V-1"), "web")
    record_signal(
        factories.actor(["intake"], gp),
        signal(6, ["non_fatal_strangulation", "children_witnessing"], "G-1"),
        "web",
    )
    user = factories.user(["professional"], vt)
    return Account(user, create_confirmed_totp(user), vt)


def _stop(browsing, name: str, problems: dict) -> None:
    found = axe_violations(browsing.page)
    if found:
        problems[name] = found
    folder = os.environ.get("PATROON_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        browsing.page.screenshot(path=f"{folder}/alert-{name}.png", full_page=True)


def test_working_an_alert(browsing, vt_account):
    from patroon.patterns.models import Alert

    page = browsing.page
    problems: dict = {}
    sign_in(browsing, vt_account)
    assert page.locator("#alert-counts").is_visible()
    _stop(browsing, "dashboard", problems)

    page.get_by_role("link", name="Signaleringen").first.click()
    page.wait_for_url("**/alerts/")
    rows = page.locator("#alert-queue tbody tr")
    assert rows.count() >= 2
    assert "Rood" in rows.first.inner_text()  # most urgent first
    _stop(browsing, "queue", problems)

    page.get_by_role("link", name="Niet-fatale verwurging").click()
    page.wait_for_url("**/alerts/*/")
    assert "Glass" in page.content()
    _stop(browsing, "detail", problems)

    page.get_by_role("link", name="Gebundelde tijdlijn bekijken").click()
    page.wait_for_url("**/timelines/**")
    assert page.locator("svg circle").count() == 3
    assert page.locator("#holders tbody tr").count() == 3
    _stop(browsing, "timeline", problems)
    page.go_back()

    page.get_by_role("button", name="In behandeling nemen: ik pak dit op").click()
    page.wait_for_url("**/alerts/*/")
    page.get_by_role("button", name="Uitkomst vastleggen").click()
    page.locator(".error-summary").wait_for()
    _stop(browsing, "handle errors", problems)
    page.get_by_label("Risicotaxatie gestart of gedaan").check()
    page.get_by_label("Wat hebt u besloten, en waarom?").fill("Taxatie gepland met huisarts.")
    page.get_by_role("button", name="Uitkomst vastleggen").click()
    page.wait_for_url("**/alerts/*/")
    assert "Taxatie gepland met huisarts." in page.content()
    _stop(browsing, "handled", problems)

    assert Alert.objects.filter(rule_id="non_fatal_strangulation", status="handled").count() == 1
    report = "\n".join(f"{name}:\n  " + "\n  ".join(found) for name, found in problems.items())
    assert not problems, "axe-core found serious or critical violations:\n" + report
    browsing.guard.assert_clean()
