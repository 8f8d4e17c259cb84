"""Browser tests: the real pages in headless Chromium (Debian's /usr/bin/chromium) through
Playwright, against pytest-django's live server.

One browser per session; a fresh context (cookies, storage) per test. Every page a test opens
is watched for Content-Security-Policy violations and for requests that leave the machine.
Without Chromium the tests are skipped, unless PATROON_REQUIRE_BROWSER=1 (CI) makes that a
failure.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls there
# unless told that this is deliberate.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("PATROON_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
# Listens in the page itself too, so a violation is caught even if Chromium words its console
# message differently. Injected by the browser, so the CSP does not apply to it.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error("CSP-VIOLATION " + e.violatedDirective + " " + (e.blockedURI || "inline")
    + " at " + (e.sourceFile || document.location.href) + ":" + e.lineNumber);
});
"""


def _unavailable(reason: str):
    if os.environ.get("PATROON_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (PATROON_REQUIRE_BROWSER=1 makes this a failure)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM}: install Debian's 'chromium' package")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the 'playwright' Python package is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _plain_http_cookies(settings):
    """The live server speaks plain HTTP: secure-only cookies would never come back."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


@dataclass
class Guard:
    """What a page did that it must not: CSP violations, requests to other hosts."""

    origin: str
    csp: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def on_console(self, message) -> None:
        text = message.text
        if "Content Security Policy" in text or "CSP-VIOLATION" in text:
            self.csp.append(text)

    def on_request(self, request) -> None:
        url = request.url
        if url.startswith(("data:", "about:", "blob:")):
            return
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.outside.append(url)

    def assert_clean(self) -> None:
        assert not self.csp, "Content-Security-Policy violations:\n" + "\n".join(self.csp)
        assert not self.outside, "requests left the server:\n" + "\n".join(self.outside)


@dataclass
class Browsing:
    page: object
    guard: Guard
    base: str

    def url(self, path: str) -> str:
        return self.base + path

    def goto(self, path: str):
        return self.page.goto(self.url(path))


@pytest.fixture
def browsing(browser, live_server, transactional_db) -> Browsing:
    """A new browser context in Dutch (the default language), watched by a Guard."""
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    base = live_server.url.rstrip("/")
    guard = Guard(origin=base)
    page.on("console", guard.on_console)
    page.on("request", guard.on_request)
    yield Browsing(page, guard, base)
    context.close()


@dataclass
class Account:
    user: object
    device: object
    organisation: object


@pytest.fixture
def account(transactional_db) -> Account:
    from patroon.accounts.services import create_confirmed_totp
    from tests import factories

    org = factories.organisation()
    user = factories.user(["intake"], org)
    return Account(user, create_confirmed_totp(user), org)


def sign_in(browsing: Browsing, account: Account) -> None:
    """Password, then TOTP code, through the real pages; ends on the dashboard."""
    from tests import factories

    page = browsing.page
    browsing.goto("/login/")
    page.fill("#id_username", account.user.username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("main .button--primary")
    page.wait_for_url(browsing.url("/login/code/"))
    page.fill("#id_token", factories.current_code(account.device))
    page.click("main .button--primary")
    page.wait_for_url(browsing.url("/"))


@pytest.fixture
def signed_in(browsing, account) -> Browsing:
    sign_in(browsing, account)
    return browsing


@pytest.fixture
def recorded_signal(account):
    """A signal recorded through the service (as the API and import do), for reading pages."""
    from django.utils import timezone

    from patroon.accounts.actor import actor_for_user
    from patroon.signals.services import record_signal
    from tests import factories

    data = factories.payload("BROWSER-0001")
    data["reported_at"] = (timezone.now() - timedelta(hours=2)).isoformat()
    outcome = record_signal(actor_for_user(account.user), data, "web")
    assert not outcome.errors, outcome.errors
    return outcome.signal_id


def axe_violations(page, minimum=("serious", "critical")) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") in minimum:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:5]]
            found.append(
                f"[{violation['impact']}] {violation['id']}: {violation['help']} -> {targets}"
            )
    return found
