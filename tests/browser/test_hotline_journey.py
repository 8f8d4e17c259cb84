"""The public hotline in the browser: a bystander files an anonymous report, gets a code and a
passphrase, returns with them and reads the operator's reply; the quick-exit button leaves the
site and replaces the history entry; a danger phrase shows the 112 banner and puts the report
first in the operator's queue. Every stop passes axe and the CSP guard, on a desktop and a
small phone screen.

Set PATROON_SCREENSHOTS=dir to keep a screenshot of every stop for review."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import factories
from tests.browser.conftest import Account, axe_violations, sign_in

pytestmark = pytest.mark.browser
EXIT_URL = "https://www.buienradar.nl/"


@pytest.fixture(autouse=True)
def _exit_url(settings):
    settings.PATROON_HOTLINE_EXIT_URL = EXIT_URL


@pytest.fixture
def hotline(transactional_db):
    from patroon.accounts.actor import actor_for_user
    from patroon.accounts.services import create_confirmed_totp

    org = factories.organisation("hulplijn-landelijk", "hulplijn", "landelijk")
    user = factories.user(["hotline_operator"], org)
    return Account(user, create_confirmed_totp(user), org), actor_for_user(user)


def _stop(browsing, name: str, problems: dict) -> None:
    found = axe_violations(browsing.page)
    if found:
        problems[name] = found
    folder = os.environ.get("PATROON_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        browsing.page.screenshot(path=f"{folder}/hotline-{name}.png", full_page=True)


def _file_report(page, browsing, text: str) -> tuple[str, str]:
    browsing.goto("/hulp/")
    page.click(".hotline-choice .button--primary")
    page.wait_for_url(browsing.url("/hulp/melden/"))
    page.check("#kind-bystander")
    page.fill("#id_text", text)
    page.check("#urgency-soon")
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("#reference-code")
    return page.inner_text("#reference-code").strip(), page.inner_text("#passphrase").strip()


def test_a_bystander_reports_returns_with_code_and_passphrase_and_reads_the_reply(
    browsing, hotline
):
    from patroon.hotline import services
    from patroon.hotline.models import Conversation

    _account, operator = hotline
    page, problems = browsing.page, {}
    browsing.goto("/hulp/")
    _stop(browsing, "home", problems)
    assert page.context.cookies() == []

    code, passphrase = _file_report(page, browsing, "Ik hoor elke avond geschreeuw bij de buren.")
    _stop(browsing, "receipt", problems)
    assert code.startswith("HL-") and len(passphrase) >= 16
    assert page.locator("#call-112").count() == 0

    conversation = Conversation.objects.get(reference_code=code)
    services.claim(operator, conversation.pk)
    services.operator_reply(operator, conversation.pk, "Dank u wel. Weet u of er kinderen zijn?")

    browsing.goto("/hulp/terug/")
    page.fill("#id_reference_code", code.lower())
    page.fill("#id_passphrase", passphrase)
    page.click("main button[type=submit]")
    page.wait_for_selector(".hotline-message--operator")
    _stop(browsing, "thread", problems)
    assert "Weet u of er kinderen zijn?" in page.inner_text("#messages")

    page.fill("#id_message", "Ja, twee kleine kinderen.")
    page.click("#thread-form button[type=submit]")
    page.wait_for_selector("text=Ja, twee kleine kinderen.")
    assert Conversation.objects.get(pk=conversation.pk).last_seq == 3
    assert page.context.cookies() == []
    browsing.guard.assert_clean()
    assert not problems, problems


def test_the_quick_exit_button_leaves_and_replaces_the_history_entry(browsing):
    page = browsing.page
    page.route(EXIT_URL + "**", lambda route: route.fulfill(body="weer", content_type="text/html"))
    browsing.goto("/hulp/")
    browsing.goto("/hulp/info/signs/")
    page.click("#quick-exit")
    page.wait_for_url(EXIT_URL)
    page.go_back()
    # The page with the signs is gone from the history: back lands on the page before it.
    assert page.url == browsing.url("/hulp/")

    browsing.goto("/hulp/info/bystanders/")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(EXIT_URL)
    browsing.guard.outside = [u for u in browsing.guard.outside if not u.startswith(EXIT_URL)]
    browsing.guard.assert_clean()


def test_a_danger_phrase_shows_112_and_lands_first_in_the_queue(browsing, browser, hotline):
    account, _operator = hotline
    page, problems = browsing.page, {}
    _file_report(page, browsing, "Mijn buurman is jaloers en controleert alles.")
    code, _ = _file_report(page, browsing, "Hij heeft haar gisteren gewurgd en dreigt met een mes.")
    banner = page.locator("#call-112")
    assert banner.is_visible()
    assert page.locator("a[href='tel:112']").is_visible()
    _stop(browsing, "danger", problems)

    sign_in(browsing, account)
    browsing.goto("/hotline/")
    _stop(browsing, "console", problems)
    first = page.locator("#queue tbody tr").first
    assert first.get_attribute("data-code") == code
    first.locator("a").click()
    page.click("#actions button[type=submit]")  # claim
    page.fill("#id_reply", "Bel 112 als hij terugkomt. Bent u nu veilig?")
    page.click("#thread-form button[type=submit]")
    page.wait_for_selector("text=Bent u nu veilig?")
    _stop(browsing, "conversation", problems)
    browsing.guard.assert_clean()
    assert not problems, problems


def test_the_public_pages_work_on_a_small_phone_screen(browser, live_server, transactional_db):
    context = browser.new_context(locale="nl-NL", viewport={"width": 360, "height": 740})
    page = context.new_page()
    base = live_server.url.rstrip("/")
    problems = {}
    for path in ("/hulp/", "/hulp/melden/", "/hulp/info/call-112/?lang=en"):
        page.goto(base + path)
        assert page.locator("#quick-exit").is_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} scrolls sideways ({width}px)"
        found = axe_violations(page)
        if found:
            problems[path] = found
        folder = os.environ.get("PATROON_SCREENSHOTS")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            name = path.strip("/").replace("/", "-").replace("?lang=en", "-en")
            page.screenshot(path=f"{folder}/hotline-phone-{name}.png", full_page=True)
    context.close()
    assert not problems, problems


def test_a_forwarded_report_is_taken_on_at_veilig_thuis_and_the_operator_sees_it(
    browsing, browser, hotline
):
    from patroon.accounts.services import create_confirmed_totp
    from patroon.hotline import services

    account, operator = hotline
    vt = factories.organisation("vt-utrecht", "veilig_thuis", "utrecht")
    worker = factories.user(["professional"], vt)
    page, problems = browsing.page, {}
    conversation = services.submit_report(
        text="Mijn zus wordt door haar vriend gewurgd.",
        reporter_kind="bystander",
        urgency="soon",
        client_address="192.0.2.10",
    ).conversation
    services.claim(operator, conversation.pk)
    services.code_conversation(operator, conversation.pk, ["non_fatal_strangulation"], "partner")
    services.record_consent(operator, conversation.pk, True)
    services.convert_to_signal(operator, conversation.pk, persons=[{"role": "victim"}])

    sign_in(browsing, account)
    browsing.goto(f"/hotline/{conversation.pk}/")
    page.select_option("#id_region", "utrecht")
    page.click("section[aria-labelledby=h-forward] button[type=submit]")
    page.wait_for_selector("text=doorverwijzingen")
    assert "nog niet in behandeling genomen" in page.inner_text("main")
    _stop(browsing, "forwarded", problems)

    page.context.clear_cookies()
    sign_in(browsing, Account(worker, create_confirmed_totp(worker), vt))
    nav = page.locator("a[href='/referrals/']")
    assert "1" in nav.inner_text()  # one waiting
    nav.click()
    page.wait_for_url(browsing.url("/referrals/"))
    _stop(browsing, "referrals", problems)
    page.click(f"#referrals button:has-text('{conversation.reference_code}')")
    page.wait_for_selector("text=de afzender ziet")
    assert worker.username in page.inner_text("#referrals")
    page.locator(f"#referrals a:has-text('{conversation.reference_code}')").click()
    page.wait_for_selector("text=Niet-fatale verwurging")
    browsing.guard.assert_clean()
    assert not problems, problems
