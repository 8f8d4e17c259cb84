"""Key rotation: re-encrypt while running, resume after a stop, retire only unused keys."""

import base64
import json
from datetime import timedelta
from uuid import uuid4

import pytest
from django.utils import timezone
from typer.testing import CliRunner

from patroon.accounts.actor import SYSTEM
from patroon.audit.models import AuditEntry
from patroon.patterns.models import Alert, AlertEvent
from patroon.patterns.services import NOTE_PURPOSE
from patroon.security.cli import keys_app
from patroon.security.crypto import Cipher, KeyRingError, envelope_key_id
from patroon.security.keys import cipher, load_keyring
from patroon.security.registry import ENCRYPTED_COLUMNS
from patroon.security.rotation import key_usage, reencrypt
from patroon.signals.services import record_signal
from tests import factories

pytestmark = pytest.mark.django_db


def _note() -> None:
    now = timezone.now()
    alert = Alert.objects.create(
        rule_id="test",
        rules_version="1",
        severity="high",
        victim_ref=uuid4(),
        raised_at=now,
        acknowledge_by=now + timedelta(hours=4),
        evidence_until=now,
    )
    AlertEvent.objects.create(
        alert=alert,
        at=now,
        actor="t",
        action="handled",
        note=cipher().encrypt("Besproken met de wijkagent.", NOTE_PURPOSE),
    )


def _reasons(org) -> None:
    """A rejected review item and a split: the vault's two encrypted reason columns."""
    from patroon.identity import services
    from patroon.identity.models import IdentityRecord, ReviewItem

    victim, other = IdentityRecord.objects.order_by("source_reference", "position")[:2]
    item = ReviewItem.objects.create(
        record=victim,
        candidate=other,
        match_probability=0.6,
        match_weight=0.4,
        field_weights={},
        model_version="test",
        created_at=timezone.now(),
    )
    reviewer = factories.actor(["link_reviewer"], org)
    services.decide_review(reviewer, item.pk, False, "Verschillende personen, ander geslacht.")
    services.split(reviewer, [victim.pk], "Registratie hoort bij een ander persoon.")


def _override(org) -> None:
    """A risk assessment whose level was overridden: its reason is encrypted."""
    from patroon.risk.models import Assessment
    from patroon.risk.services import REASON_PURPOSE

    Assessment.objects.create(
        instrument_id="dash",
        instrument_version="test",
        victim_ref=uuid4(),
        organisation=org,
        started_at=timezone.now(),
        started_by="t",
        override_reason=cipher().encrypt("Hij heeft net een wapen gekocht.", REASON_PURPOSE),
    )


def _case_file(org) -> None:
    """A closed case with every encrypted case column filled."""
    from patroon.accounts.actor import actor_for_user
    from patroon.cases import services

    director = actor_for_user(factories.user(["case_director"], org, username="regisseur"))
    case = services.open_case(director, victim_ref=uuid4(), director_id=director.user_id)
    goal = services.add_goal(director, case.pk, "Zij voelt zich veilig thuis.")
    services.add_action(
        director,
        case.pk,
        text="Slot vervangen",
        owner_organisation_id=org.pk,
        due_at=timezone.now(),
        goal_id=goal.pk,
    )
    services.register_measure(
        director,
        case.pk,
        kind="contact_ban",
        starts_on=timezone.localdate(),
        ends_on=None,
        responsible_organisation_id=org.pk,
        note="Ook via social media.",
    )
    conference = services.schedule_conference(director, case.pk, timezone.now(), "Risico bespreken")
    services.record_conference(
        director,
        conference.pk,
        held_at=timezone.now(),
        present=["regisseur"],
        decisions=[{"text": "Gebiedsverbod vragen"}],
    )
    services.add_child(
        director,
        case.pk,
        label="Kind A",
        safety="Bang voor overdracht.",
        school_custody="Basisschool; gezag bij moeder.",
    )
    services.change_status(director, case.pk, "closed", outcome="safe", reason="Verhuisd, veilig.")


def _register(org) -> None:
    """A Femicide Monitor record with its restricted (encrypted) variables."""
    from datetime import date

    from patroon.registry.services import register

    registrar = factories.actor(["registrar"], org)
    register(
        registrar,
        {"date": date(2025, 3, 1), "region": "utrecht", "method": "sharp_object"},
        [{"sex": "female", "age": 40, "relationship": "former_partner", "nationality": "NL"}],
    )


def _hotline() -> None:
    """A hotline conversation: report, about whom, a reply and a hand-over note."""
    from patroon.hotline import services

    helpline = factories.organisation("hulplijn-rotatie", "hulplijn", "landelijk")
    operator = factories.actor(["hotline_operator"], helpline)
    submitted = services.submit_report(
        text="Mijn buurvrouw wordt bedreigd.",
        reporter_kind="bystander",
        urgency="soon",
        about="De buurvrouw op nummer 3.",
    )
    services.claim(operator, submitted.conversation.pk)
    services.hand_over(operator, submitted.conversation.pk, "Terugbellen na de dienst.")


def _device_log(org) -> None:
    """A device pair with a zone, a stored position and an operator's note on an alarm."""
    from datetime import UTC, datetime

    from patroon.accounts.actor import SYSTEM
    from patroon.proximity import services
    from patroon.proximity.ingest import Incoming, Ingestor
    from patroon.proximity.models import Alarm

    paired = services.pair_devices(
        SYSTEM, perpetrator_device="AM-R", victim_devices=["VD-R"], measure=None, simulated=True
    )
    services.add_zone(
        SYSTEM,
        paired.pair,
        name="home",
        kind="home",
        geometry={"center": [52.1, 5.1], "radius_m": 200},
        schedule=[],
    )
    now = datetime.now(UTC)
    panic = {"msg": 1, "t": now.timestamp(), "lat": 52.0, "lon": 5.0, "panic": True}
    Ingestor().accept([Incoming("VD-R", panic, "http", now)])
    operator = factories.actor(["monitoring_operator"], org)
    services.act_on_alarm(operator, Alarm.objects.get().pk, "note", "Slachtoffer gebeld.")


@pytest.fixture
def encrypted(keyring, org):
    actor = factories.actor(["intake"], org)
    for i in range(3):
        assert not record_signal(actor, factories.payload(f"ROT-{i}"), "api").errors
    _note()
    _reasons(org)
    _override(org)
    _case_file(org)
    _register(org)
    _hotline()
    _device_log(org)


def _values() -> dict[str, list[bytes]]:
    return {
        str(c): [
            bytes(v)
            for v in c.model.objects.exclude(**{f"{c.field}__isnull": True})
            .order_by("pk")
            .values_list(c.field, flat=True)
        ]
        for c in ENCRYPTED_COLUMNS
    }


def _keys(runner: CliRunner, *args: str):
    return runner.invoke(keys_app, list(args))


def test_rotation_re_encrypts_every_column_and_a_second_run_changes_nothing(encrypted):
    other_process = Cipher(load_keyring(), loader=load_keyring)
    old = other_process.active_key_id
    plain = {
        str(c): [other_process.decrypt(v, c.purpose) for v in values]
        for c, values in zip(ENCRYPTED_COLUMNS, _values().values(), strict=True)
    }
    assert all(plain.values())

    runner = CliRunner()
    result = _keys(runner, "rotate", "--batch-size", "2")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    new = summary["active_key_id"]
    stored = sum(len(values) for values in _values().values())
    assert new != old and summary["reencrypted"] == summary["scanned"] == stored

    after = _values()
    for column in ENCRYPTED_COLUMNS:
        for value, text in zip(after[str(column)], plain[str(column)], strict=True):
            assert envelope_key_id(value) == new
            # A process started before the rotation reloads the ring once and reads on.
            assert other_process.decrypt(value, column.purpose) == text
    assert other_process.active_key_id == new

    again = _keys(runner, "rotate", "--resume")
    assert json.loads(again.stdout.strip().splitlines()[-1])["reencrypted"] == 0
    assert _values() == after
    assert set(key_usage()) == {new}


def test_an_interrupted_rotation_is_finished_by_running_again(encrypted):
    runner = CliRunner()
    added = _keys(runner, "rotate", "--key-only")
    new = json.loads(added.stdout.strip().splitlines()[-1])["active_key_id"]
    assert sum(key_usage().get(new, {}).values()) == 0

    def stop(column, n):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        reencrypt(SYSTEM, batch_size=1, on_progress=stop)
    assert len(key_usage()) == 2, "one row done, the rest still under the old key"
    resumed = _keys(runner, "rotate", "--resume", "--batch-size", "4")
    stored = sum(len(values) for values in _values().values())
    assert json.loads(resumed.stdout.strip().splitlines()[-1])["reencrypted"] == stored - 1
    assert set(key_usage()) == {new}


def test_retire_refuses_while_in_use_and_succeeds_after(encrypted, keyring):
    runner = CliRunner()
    old = cipher().active_key_id
    refused = _keys(runner, "retire", old)
    assert refused.exit_code == 2 and "active key" in refused.output

    not_reloaded = Cipher(load_keyring())  # a process that keeps the old ring until restarted
    assert _keys(runner, "rotate", "--batch-size", "3").exit_code == 0
    noted = AlertEvent.objects.filter(note__isnull=False)
    noted.update(note=not_reloaded.encrypt("Na de rotatie.", NOTE_PURPOSE))
    in_use = _keys(runner, "retire", old)
    assert in_use.exit_code == 2 and "1 value" in in_use.output
    assert old in json.loads(keyring.read_text())["keys"]

    assert _keys(runner, "rotate", "--resume").exit_code == 0
    retired = _keys(runner, "retire", old)
    assert retired.exit_code == 0, retired.output
    ring = json.loads(keyring.read_text())
    assert old not in ring["keys"] and keyring.stat().st_mode & 0o777 == 0o600
    with pytest.raises(KeyRingError, match="not in the key ring"):
        cipher().decrypt(not_reloaded.encrypt("x", NOTE_PURPOSE), NOTE_PURPOSE)

    trail = list(
        AuditEntry.objects.filter(object_type="encryption_key")
        .order_by("seq")
        .values_list("action", "object_id", "actor")
    )
    assert [(action, key) for action, key, _ in trail] == [
        ("create", ring["active"]),
        ("update", ring["active"]),
        ("update", ring["active"]),
        ("delete", old),
    ]
    assert all(actor.startswith("cli:") for _, _, actor in trail)


def test_status_counts_values_per_key_and_prints_no_key_material(encrypted, keyring):
    result = _keys(CliRunner(), "status")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    stored = sum(len(values) for values in _values().values())
    assert report == {cipher().active_key_id: {"state": "active", "values": stored}}
    for key in json.loads(keyring.read_text())["keys"].values():
        assert key not in result.output and base64.b64decode(key).hex() not in result.output
