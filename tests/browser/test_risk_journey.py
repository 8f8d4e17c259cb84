"""A Veilig Thuis professional does a risk assessment in the browser: risk list → start with
the lethality screen → the GP's strangulation signal prefilled with its evidence → every item
answered by keyboard → result with level and what decided it → printable summary → levels over
time. Every stop passes axe and the CSP guard.

Set PATROON_SCREENSHOTS=dir to keep a screenshot of every stop for review."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests import factories
from tests.browser.conftest import Account, axe_violations, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def vt_account(transactional_db):
    from patroon.accounts.services import create_confirmed_totp
    from patroon.signals.models import SignalPerson
    from patroon.signals.services import record_signal
    from tests.patterns.conftest import signal

    gp = factories.organisation("huisarts-utrecht", "huisarts", "utrecht")
    vt = factories.organisation("vt-utrecht", "veilig_thuis", "utrecht")
    stored = record_signal(
        factories.actor(["intake"], gp), signal(5, ["non_fatal_strangulation"], "GP-1"), "web"
    )
    assert not stored.errors, stored.errors
    victim = SignalPerson.objects.get(signal_id=stored.signal_id, role="victim").person_ref
    user = factories.user(["professional"], vt)
    return Account(user, create_confirmed_totp(user), vt), victim


def _stop(browsing, name: str, problems: dict) -> None:
    found = axe_violations(browsing.page)
    if found:
        problems[name] = found
    folder = os.environ.get("PATROON_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        browsing.page.screenshot(path=f"{folder}/risk-{name}.png", full_page=True)


def _tab_to(page, target, limit: int = 12) -> None:
    """Press Tab until ``target`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


def test_a_lethality_screen_from_start_to_plot(browsing, vt_account):
    from patroon.risk.models import Assessment

    account, victim = vt_account
    page = browsing.page
    problems: dict = {}
    sign_in(browsing, account)

    page.get_by_role("link", name="Risicotaxatie", exact=True).click()
    page.wait_for_url("**/risk/")
    assert page.get_by_role("heading", name="Risicotaxaties", level=1).is_visible()
    _stop(browsing, "list", problems)

    page.get_by_role("link", name="Taxatie starten").click()
    page.wait_for_url("**/risk/new/")
    page.get_by_label("Kenmerk bedreigde").fill(str(victim))
    page.get_by_label("Letaliteitsscreening").check()
    _stop(browsing, "start", problems)
    page.get_by_role("button", name="Starten en vooraf invullen").click()
    page.wait_for_url("**/risk/*-*/")
    _stop(browsing, "form", problems)

    # The GP's signal prefilled the strangulation item, with its evidence; it is not yet
    # confirmed.
    strangulation = page.locator("#item-strangulation")
    assert strangulation.get_by_label("Ja").is_checked()
    assert "Vooraf ingevuld uit" in strangulation.inner_text()
    assert "Huisarts" in strangulation.inner_text()
    checked = strangulation.get_by_label("Ik heb dit antwoord gecontroleerd", exact=False)
    assert not checked.is_checked()

    # Keyboard only: Tab into each question, arrow to "Nee" (which selects it), and for the
    # prefilled item leave "Ja" and tick the box that says it was checked.
    items = page.locator("fieldset.risk-item")
    assert items.count() == 12
    page.locator("#item-weapon legend").click()  # place the caret at the form, as a click would
    for index in range(items.count()):
        item = items.nth(index)
        if item.get_attribute("id") == "item-strangulation":
            _tab_to(page, item.get_by_label("Ja"))
            _tab_to(page, checked)
            page.keyboard.press("Space")
            continue
        _tab_to(page, item.get_by_label("Ja"))
        page.keyboard.press("ArrowRight")
        assert item.get_by_label("Nee").is_checked()
    assert checked.is_checked()
    _stop(browsing, "form filled", problems)

    complete = page.get_by_role("button", name="Opslaan en afronden")
    _tab_to(page, complete, limit=30)
    page.keyboard.press("Enter")
    page.wait_for_url("**/risk/*-*/")
    page.locator("#risk-result").wait_for()
    result = page.locator("#risk-result").inner_text()
    assert "Hoog" in result
    assert "geprobeerd u te wurgen" in result  # what decided it: the strangulation question
    assert page.locator("#risk-tasks tbody tr").count() >= 1
    _stop(browsing, "result", problems)

    page.get_by_role("link", name="samenvatting om te printen").click()
    page.wait_for_url("**/print/")
    assert page.locator("#risk-items tbody tr").count() == 12
    assert "Huisarts" in page.locator("#risk-items").inner_text()
    _stop(browsing, "print", problems)
    page.go_back()

    page.get_by_role("link", name="niveaus in de tijd").click()
    page.wait_for_url("**/risk/victims/**")
    assert page.locator("svg circle").count() == 1
    # Coordinates are plain numbers: a Dutch "184,0" would be read by SVG as two values.
    coordinates = page.locator("svg text, svg circle, svg line").evaluate_all(
        "els => els.flatMap(el => ['x', 'y', 'cx', 'cy', 'y1', 'y2']"
        "  .map(name => el.getAttribute(name)).filter(v => v !== null))"
    )
    assert coordinates and all(re.fullmatch(r"-?[0-9.]+", c) for c in coordinates), coordinates
    assert "Hoog" in page.locator("#risk-history").inner_text()
    _stop(browsing, "history", problems)

    assessment = Assessment.objects.get()
    assert assessment.status == "completed" and assessment.final_level == "high"
    report = "\n".join(f"{name}:\n  " + "\n  ".join(found) for name, found in problems.items())
    assert not problems, "axe-core found serious or critical violations:\n" + report
    browsing.guard.assert_clean()
