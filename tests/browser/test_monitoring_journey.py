"""A monitoring operator works the console in the browser: an approach alarm raised while the
console is open appears without a reload (server-sent events), the operator acknowledges it
with a note, and the pair's page draws the map without any tile server. Every stop passes axe
and the CSP guard, on a desktop and a small phone screen.

Set PATROON_SCREENSHOTS=dir to keep a screenshot of every stop for review."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from tests import factories
from tests.browser.conftest import Account, axe_violations, sign_in

pytestmark = pytest.mark.browser
VICTIM_AT = (52.0907, 5.1214)
PHONE = {"width": 375, "height": 800}


@pytest.fixture(autouse=True)
def _keepalive_every_poll(monkeypatch):
    """The live server is WSGI: a stream notices a closed page only when it writes. Writing
    on every poll ends it within a second, before the test database is emptied."""
    monkeypatch.setattr("patroon.web.proximity_views.KEEPALIVE_SECONDS", 0)


@pytest.fixture
def operator(transactional_db):
    from patroon.accounts.services import create_confirmed_totp

    org = factories.organisation("reclassering-midden", "reclassering", "utrecht")
    user = factories.user(["monitoring_operator"], org, username="meldkamer")
    return Account(user, create_confirmed_totp(user), org)


@pytest.fixture
def pair(transactional_db):
    from patroon.accounts.actor import SYSTEM
    from patroon.proximity import services

    paired = services.pair_devices(
        SYSTEM, perpetrator_device="AM-B", victim_devices=["VD-B"], measure=None, simulated=True
    )
    services.add_zone(
        SYSTEM,
        paired.pair,
        name="woning",
        kind="home",
        geometry={"center": [52.0894, 5.1100], "radius_m": 200},
        schedule=[],
    )
    return paired.pair


def _approach():
    """The wearer stays inside the alert radius for two reports: an approach alarm."""
    from django.utils import timezone

    from patroon.proximity.ingest import Incoming, Ingestor
    from patroon.proximity.models import Alarm

    moment = [timezone.now() - timedelta(seconds=60)]
    ingestor = Ingestor(clock=lambda: moment[0])

    def send(device, number, lat, lon):
        body = {"msg": number, "t": moment[0].timestamp(), "lat": lat, "lon": lon, "acc": 5}
        ingestor.accept([Incoming(device, body, "http", moment[0])])

    send("VD-B", 1, *VICTIM_AT)
    for number in range(1, 4):
        moment[0] += timedelta(seconds=15)
        send("AM-B", number, 52.0950, 5.1300)
    return Alarm.objects.get(kind="approach")


def _stop(browsing, name: str, problems: dict) -> None:
    page = browsing.page
    for size, suffix in ((None, ""), (PHONE, "-375")):
        if size:
            page.set_viewport_size(size)
        found = axe_violations(page)
        if found:
            problems[name + suffix] = found
        folder = os.environ.get("PATROON_SCREENSHOTS")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{folder}/monitoring-{name}{suffix}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_an_alarm_appears_live_is_acknowledged_and_the_pair_map_is_drawn(browsing, operator, pair):
    from patroon.proximity.models import Alarm, OperatorAction

    page, problems = browsing.page, {}
    sign_in(browsing, operator)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Meldkamer").click()
    page.wait_for_url("**/meldkamer/")
    page.wait_for_selector(".live-status--live")
    assert page.locator("#alarm-empty").is_visible()
    page.evaluate("window.notReloaded = true")

    alarm = _approach()
    row = page.locator(f"#alarm-{alarm.pk}")
    row.wait_for(timeout=5_000)
    assert page.evaluate("window.notReloaded") is True
    assert row.get_by_role("heading", name="Nadering").is_visible()
    assert not page.locator("#alarm-empty").is_visible()
    _stop(browsing, "console", problems)

    row.locator("textarea").fill("Slachtoffer gebeld: zij is binnen en veilig.")
    row.get_by_role("button", name="Bevestigen").click()
    page.wait_for_selector(".notice--success")
    alarm.refresh_from_db()
    assert alarm.status == Alarm.Status.ACKNOWLEDGED
    assert OperatorAction.objects.filter(alarm=alarm, kind="acknowledge").exists()
    assert "In behandeling genomen" in page.locator(f"#alarm-{alarm.pk}").inner_text()

    page.locator(f"#alarm-{alarm.pk}").get_by_role("link", name=pair.reference).click()
    page.wait_for_url(f"**/meldkamer/paren/{pair.pk}/")
    assert page.locator("svg.pair-map__svg").is_visible()
    assert page.locator("svg .map-zone").count() == 1
    assert page.locator("svg .map-device").count() == 2
    assert "Slachtoffer gebeld" in page.locator("#pair-actions").inner_text()
    _stop(browsing, "pair", problems)

    browsing.guard.assert_clean()
    assert not problems, problems
    _streams_ended(page)


def _streams_ended(page) -> None:
    """Close the page and give the live server's stream threads the second they need to
    notice, so none touches the database while the test's is torn down."""
    import threading
    import time

    page.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(
        "process_request_thread" in t.name for t in threading.enumerate()
    ):
        time.sleep(0.2)
