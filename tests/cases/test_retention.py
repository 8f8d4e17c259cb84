"""``patroon retention run``: a dry run lists and changes nothing; the real run deletes and
anonymises what is due, logs metadata, audits, and leaves recent cases alone."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from typer.testing import CliRunner

from patroon.audit.models import AuditEntry
from patroon.cases import services
from patroon.cases.models import Case, Measure, Notification, RetentionLog, SafetyAction, TeamMember
from patroon.cli import app

pytestmark = pytest.mark.django_db

CLOSED = datetime(2020, 1, 15, 12, 0, tzinfo=UTC)


def _closed_case(world):
    director = world["actors"]["director"]
    with time_machine.travel(CLOSED, tick=False):
        case = services.open_case(
            world["actors"]["triage"],
            alert_id=world["alert"].pk,
            director_id=world["users"]["director"].pk,
        )
        services.add_action(
            director,
            case.pk,
            text="Plan",
            due_at=CLOSED,
            owner_organisation_id=world["orgs"]["vt"].pk,
        )
        services.register_measure(
            director,
            case.pk,
            kind="contact_ban",
            starts_on=CLOSED.date(),
            ends_on=None,
            responsible_organisation_id=world["orgs"]["police"].pk,
        )
        services.change_status(
            director, case.pk, "closed", outcome="safe", reason="Veilig, verhuisd"
        )
    return case


def _run(*args):
    result = CliRunner().invoke(app, ["retention", "run", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_dry_run_lists_and_the_real_run_acts(world):
    old = _closed_case(world)
    recent = services.open_case(world["actors"]["triage"], victim_ref=world["perpetrator"])
    with time_machine.travel(CLOSED + timedelta(days=1900), tick=False):
        plan = _run("--dry-run")
        assert plan["dry_run"] is True
        categories = {i["category"] for i in plan["items"] if i["case_number"] == old.number}
        assert categories == {"notifications", "working_file", "measures", "team"}
        assert all(i["case_number"] != recent.number for i in plan["items"])
        assert SafetyAction.objects.filter(case=old).exists()  # nothing changed
        assert not RetentionLog.objects.exists()

        done = _run()
        assert {i["category"] for i in done["items"]} == categories
    assert not SafetyAction.objects.filter(case=old).exists()
    assert not Measure.objects.filter(case=old).exists()
    assert not TeamMember.objects.filter(case=old).exists()
    assert not Notification.objects.filter(case=old).exists()
    assert RetentionLog.objects.filter(case_number=old.number).count() == 4
    assert AuditEntry.objects.filter(action="delete", object_id=str(old.pk)).count() == 4
    old.refresh_from_db()
    assert old.victim_ref == world["victim"]  # the case record itself is kept 20 years
    assert TeamMember.objects.filter(case=recent).exists()

    with time_machine.travel(CLOSED + timedelta(days=7301), tick=False):
        assert [i["category"] for i in _run("--dry-run")["items"]] == ["case_record"]
        _run()
        assert _run("--dry-run")["items"] == []
    old = Case.objects.get(pk=old.pk)
    assert old.victim_ref is None and old.close_reason is None and old.anonymised_at
    assert old.number and old.outcome == "safe"  # statistics keep what they need


def test_a_closed_case_creates_aftercare_children_first(world, case):
    director = world["actors"]["director"]
    services.add_child(
        director, case.pk, label="Kind A", age_group="4-11", access_arrangement_risk="yes"
    )
    services.change_status(director, case.pk, "aftercare", outcome="attempted_femicide")
    tasks = list(case.aftercare.all().order_by("id"))
    assert [t.for_whom for t in tasks] == ["child", "child", "victim"]
    assert tasks[0].child.label == "Kind A"
    with pytest.raises(services.CaseError):
        services.change_status(director, case.pk, "closed", outcome="attempted_femicide")
    services.change_status(director, case.pk, "closed", reason="Overgedragen")
    assert case.aftercare.count() == 3  # created once
