"""The director's "today" page, with a frozen clock: an overdue action, a late case conference
(extreme risk: a conference within 24 hours) and a measure ending tomorrow all show."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from patroon.cases import attention, reminders, selectors, services
from patroon.cases.models import Notification
from patroon.risk.models import Assessment
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def _assessment(world, level: str, completed: datetime) -> Assessment:
    return Assessment.objects.create(
        instrument_id="lethality_screen",
        instrument_version="test",
        victim_ref=world["victim"],
        organisation=world["orgs"]["vt"],
        region="utrecht",
        status=Assessment.Status.COMPLETED,
        started_at=completed,
        started_by="triage",
        completed_at=completed,
        completed_by="triage",
        computed_level=level,
        final_level=level,
    )


@pytest.fixture
def busy_case(world):
    with time_machine.travel(NOW - timedelta(days=5), tick=False):
        case = services.open_case(
            world["actors"]["triage"],
            alert_id=world["alert"].pk,
            director_id=world["users"]["director"].pk,
        )
        director = world["actors"]["director"]
        services.add_action(
            director,
            case.pk,
            text="Veiligheidsafspraak maken",
            owner_organisation_id=world["orgs"]["vt"].pk,
            due_at=NOW - timedelta(days=2),
        )
        services.add_action(
            director,
            case.pk,
            text="Later",
            owner_organisation_id=world["orgs"]["vt"].pk,
            due_at=NOW + timedelta(days=3),
        )
        services.register_measure(
            director,
            case.pk,
            kind="contact_ban",
            starts_on=date(2026, 3, 1),
            ends_on=date(2026, 3, 11),
            responsible_organisation_id=world["orgs"]["police"].pk,
        )
        services.register_measure(
            director,
            case.pk,
            kind="location_ban",
            starts_on=date(2026, 3, 1),
            ends_on=date(2026, 6, 1),
            responsible_organisation_id=world["orgs"]["police"].pk,
        )
    _assessment(world, "extreme", NOW - timedelta(hours=30))
    return case


def test_overdue_action_late_conference_and_measure_ending_tomorrow_show_today(world, busy_case):
    client = factories.verified_client(world["users"]["director"])
    with time_machine.travel(NOW, tick=False):
        view = selectors.today(world["actors"]["director"])
        page = client.get("/cases/").content.decode()
    [row] = view.directed
    kinds = [item.kind for item in row.items]
    assert attention.LATE_CONFERENCE in kinds
    assert kinds.count(attention.OVERDUE_ACTION) == 1
    assert [i.due for i in row.items if i.kind == attention.EXPIRING_MEASURE] == [date(2026, 3, 11)]
    assert row.level == "extreme"
    assert busy_case.number in page
    assert "Case conference late" in page or "Casusoverleg te laat" in page
    assert "attention__item--overdue_action" in page
    assert "attention__item--expiring_measure" in page
    assert "attention__item--late_conference" in page


def test_a_conference_held_in_time_is_not_late(world, busy_case):
    director = world["actors"]["director"]
    with time_machine.travel(NOW - timedelta(hours=20), tick=False):
        conf = services.schedule_conference(
            director, busy_case.pk, NOW - timedelta(hours=12), "Veiligheid bespreken"
        )
        services.record_conference(
            director,
            conf.pk,
            held_at=NOW - timedelta(hours=12),
            present=["regisseur"],
            decisions=[],
        )
    with time_machine.travel(NOW, tick=False):
        kinds = [i.kind for i in selectors.today(director).directed[0].items]
    assert attention.LATE_CONFERENCE not in kinds


def test_the_reminder_sweep_notifies_once(world, busy_case):
    with time_machine.travel(NOW, tick=False):
        first = reminders.remind()
        again = reminders.remind()
    assert first >= 3 and again == 0
    kinds = set(
        Notification.objects.filter(user=world["users"]["director"]).values_list("kind", flat=True)
    )
    assert {"action_overdue", "measure_expiring", "conference_late"} <= kinds


def test_late_conference_rules():
    since = NOW - timedelta(hours=30)
    need = attention.ConferenceRequirement("extreme", since, timedelta(hours=24))
    assert attention.late_conference(need, [], NOW).due == since + timedelta(hours=24)
    assert attention.late_conference(need, [], since + timedelta(hours=1)) is None
    held = [(since + timedelta(hours=5), since + timedelta(hours=5))]
    assert attention.late_conference(need, held, NOW) is None
    too_late = [(since + timedelta(hours=40), None)]
    assert attention.late_conference(need, too_late, since + timedelta(hours=1)) is not None
    before_level = [(since - timedelta(days=3), since - timedelta(days=3))]
    assert attention.late_conference(need, before_level, NOW) is not None
    assert attention.late_conference(None, [], NOW) is None


def test_expiring_measures_window():
    today = date(2026, 3, 10)
    rows = [(1, date(2026, 3, 11)), (2, date(2026, 3, 20)), (3, date(2026, 3, 9)), (4, None)]
    assert [i.ref for i in attention.expiring_measures(rows, today, 7)] == [1]
