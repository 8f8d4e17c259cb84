"""A case director at Veilig Thuis runs a case in the browser: alert → open a case → add a
police officer to the team → an action with a deadline that has passed → a contact ban ending
tomorrow → the day's overview shows both → the dossier for the prosecutor as PDF. Every stop
passes axe and the CSP guard.

Set PATROON_SCREENSHOTS=dir to keep a screenshot of every stop for review."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from tests import factories
from tests.browser.conftest import Account, axe_violations, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def director_account(transactional_db):
    from patroon.accounts.services import create_confirmed_totp
    from patroon.patterns.models import Alert
    from patroon.signals.services import record_signal
    from tests.patterns.conftest import signal

    police = factories.organisation("politie-utrecht", "politie", "utrecht")
    vt = factories.organisation("vt-utrecht", "veilig_thuis", "utrecht")
    record_signal(
        factories.actor(["intake"], police), signal(30, ["threat_with_weapon"], "POL-1"), "web"
    )
    alert = Alert.objects.get(routed_organisation=vt)
    agent = factories.user(["professional"], police, username="agent")
    user = factories.user(["case_director"], vt, username="regisseur")
    return Account(user, create_confirmed_totp(user), vt), alert, agent


def _stop(browsing, name: str, problems: dict) -> None:
    found = axe_violations(browsing.page)
    if found:
        problems[name] = found
    folder = os.environ.get("PATROON_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        browsing.page.screenshot(path=f"{folder}/case-{name}.png", full_page=True)


def test_a_case_from_alert_to_dossier(browsing, director_account, tmp_path):
    from django.utils import timezone

    from patroon.cases.models import Case

    account, alert, agent = director_account
    page = browsing.page
    problems: dict = {}
    sign_in(browsing, account)

    browsing.goto(f"/alerts/{alert.pk}/")
    page.locator("#alert-open-case").click()
    page.wait_for_url("**/cases/new/?alert=*")
    assert page.get_by_role("heading", name="Casus openen", level=1).is_visible()
    _stop(browsing, "open", problems)
    page.get_by_role("button", name="Casus openen").click()
    page.wait_for_url("**/cases/*-*/")
    case = Case.objects.get(victim_ref=alert.victim_ref)
    assert case.director_id == account.user.pk
    _stop(browsing, "detail", problems)

    page.locator("#team-user").select_option(str(agent.pk))
    page.locator("#team-task").fill("vast aanspreekpunt")
    page.get_by_role("button", name="Toevoegen aan team").click()
    page.wait_for_url("**/cases/*-*/#team")
    assert page.locator("#case-team").get_by_text("agent").first.is_visible()

    yesterday = timezone.localdate() - timedelta(days=1)
    tomorrow = timezone.localdate() + timedelta(days=1)
    page.locator("#action-text").fill("Veiligheidsafspraak maken met de bedreigde")
    page.locator("#action-due").fill(yesterday.isoformat())
    page.get_by_role("button", name="Actie toevoegen").click()
    page.wait_for_url("**/cases/*-*/#plan")
    assert page.locator("#case-actions").get_by_text("te laat").is_visible()

    page.locator("#measure-kind").select_option("contact_ban")
    page.locator("#measure-start").fill((tomorrow - timedelta(days=30)).isoformat())
    page.locator("#measure-end").fill(tomorrow.isoformat())
    page.get_by_role("button", name="Maatregel registreren").click()
    page.wait_for_url("**/cases/*-*/#measures")
    assert page.locator("#case-measures").get_by_text("Contactverbod").is_visible()
    _stop(browsing, "detail-filled", problems)

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Casussen").click()
    page.wait_for_url("**/cases/")
    row = page.locator("#cases-directed tbody tr").first
    assert row.locator(".attention__item--overdue_action").is_visible()
    assert row.locator(".attention__item--expiring_measure").is_visible()
    _stop(browsing, "today", problems)

    row.get_by_role("link").first.click()
    page.wait_for_url("**/cases/*-*/")
    page.locator("#dossier-reason").fill("Beoordeling vervolging")
    with page.expect_download() as download:
        page.get_by_role("button", name="Dossier exporteren (PDF)").click()
    saved = tmp_path / "dossier.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    browsing.goto("/inbox/")
    _stop(browsing, "inbox", problems)
    browsing.guard.assert_clean()
    assert not problems, problems
