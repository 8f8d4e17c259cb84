"""The evidence export for court: a signed manifest a court can check without Patroon, every
tampered byte found, and a round trip through another database that loses nothing."""

import base64
import hashlib
import json
import shutil
import stat
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from typer.testing import CliRunner

from patroon.accounts.actor import SYSTEM
from patroon.audit.models import AuditEntry
from patroon.proximity import evidence, services, store
from patroon.proximity.cli import proximity_app
from patroon.proximity.evidence import EvidenceError, export_evidence, import_evidence
from patroon.proximity.evidence_tables import CREDENTIALS, TABLES
from patroon.proximity.ingest import Incoming, Ingestor
from patroon.proximity.manifest import verify_export
from patroon.proximity.models import (
    Alarm,
    Command,
    Delivery,
    Device,
    DevicePair,
    OperatorAction,
    Ping,
    Suppression,
    Zone,
)
from patroon.security.crypto import envelope_key_id
from patroon.security.keys import cipher
from tests import factories
from tests.proximity.conftest import message

pytestmark = pytest.mark.django_db

VICTIM_AT = (52.0907, 5.1214)
NEAR = (52.0950, 5.1300)
FAR = (52.1040, 5.1214)  # 1.5 km from the victim
NOTE = 'Belde haar: "veilig", zegt ze.\nPolitie Utrecht, eenheid 3, ingelicht.'
# Children before parents: deleting is only for the test, the application never deletes.
OPENSSL = shutil.which("openssl")
DELETE_ORDER = (OperatorAction, Delivery, Command, Suppression, Alarm, Ping, Zone, Device)


@pytest.fixture(autouse=True)
def key_file(settings, tmp_path):
    path = tmp_path / "secrets" / "evidence-signing.key"
    settings.PATROON_EVIDENCE_KEY_FILE = str(path)
    return path


@pytest.fixture
def log(pair, clock, org):
    """An approach with its suppression, deliveries and command, a resend, a heartbeat and
    what the operator did, with a note."""
    ingestor = Ingestor(clock=clock)

    def send(device, body):
        return ingestor.accept([Incoming(device, body, "mqtt", clock())])

    send("VD-1", message(1, clock(), *VICTIM_AT, spd=1.25, bat=81.5))
    send("AM-1", message(1, clock.advance(15), *NEAR))  # one fix inside: dwell
    send("AM-1", message(2, clock.advance(60), *FAR))
    send("AM-1", message(3, clock.advance(15), *NEAR))
    send("AM-1", message(4, clock.advance(15), *NEAR))
    [resent] = send("AM-1", message(4, clock(), *NEAR))
    assert resent.status == "duplicate"
    send("VD-1", {"msg": 2, "type": "heartbeat", "t": clock.advance(5).timestamp(), "bat": 80})
    alarm = Alarm.objects.get(kind="approach")
    operator = factories.actor(["monitoring_operator"], org)
    services.act_on_alarm(operator, alarm.pk, "call_victim", note=NOTE)
    services.mark_delivered(SYSTEM, [alarm.pk])
    assert Suppression.objects.exists() and Command.objects.exists()
    return alarm


def table_files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.glob("*.csv"))}


def delete_log() -> None:
    for model in DELETE_ORDER:
        model.objects.all().delete()
    DevicePair.objects.all().delete()


def positions() -> dict[int, tuple]:
    return {
        row.pk: store.open_position(row.position)
        for row in Ping.objects.exclude(position=None).order_by("pk")
    }


def test_an_export_verifies_and_names_its_key(log, tmp_path, key_file):
    operator = factories.actor(["monitoring_operator"])
    result = export_evidence(operator, tmp_path / "export")
    check = verify_export(tmp_path / "export")
    assert check.valid and check.problems == [] and check.unlisted == []
    assert check.manifest_sha256 == result.sha256
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "export" / "pings.csv").stat().st_mode) == 0o600
    key = result.body["signing_key"]
    raw = base64.b64decode(key["public_key"])
    assert len(raw) == 32 and key["fingerprint"] == check.fingerprint
    assert raw == evidence.signing_key().public_key().public_bytes_raw()
    rows = {f["table"]: f["rows"] for f in result.body["files"] if "table" in f}
    assert rows["pings"] == Ping.objects.count() == 6 and rows["operator_actions"] == 1
    assert "device_credentials" not in rows  # a credential, not evidence
    pings = (tmp_path / "export" / "pings.csv").read_text().splitlines()
    assert pings[0].startswith("id,device_id,pair_id,message_id,kind,time,received_at,lat,lon")
    assert "2026-11-02T09:00:00.000000Z" in pings[1] and ",1.25," in pings[1]
    entry = AuditEntry.objects.get(object_type="proximity.Evidence", action="export")
    assert entry.object_id == result.body["export_id"] and result.sha256 in entry.purpose
    assert verify_export(tmp_path / "export", key["fingerprint"]).valid
    assert not verify_export(tmp_path / "export", "SHA256:" + "0" * 64).valid


def test_one_changed_byte_is_found_in_exactly_that_file(log, tmp_path):
    export_evidence(SYSTEM, tmp_path / "export")
    path = tmp_path / "export" / "pings.csv"
    data = bytearray(path.read_bytes())
    data[-5] = ord("7") if data[-5] != ord("7") else ord("8")
    path.write_bytes(bytes(data))
    check = verify_export(tmp_path / "export")
    assert not check.valid
    assert [(p.file, p.kind) for p in check.problems] == [("pings.csv", "changed")]


def test_a_changed_or_missing_file_or_manifest_is_reported(log, tmp_path):
    export_evidence(SYSTEM, tmp_path / "export")
    directory = tmp_path / "export"
    manifest = directory / "manifest.json"
    manifest.write_bytes(manifest.read_bytes().replace(b'"system"', b'"someone"'))
    (directory / "alarms.csv").unlink()
    (directory / "notes.txt").write_text("the court's own notes")
    check = verify_export(directory)
    assert {(p.file, p.kind) for p in check.problems} == {
        ("manifest.json", "signature"),
        ("alarms.csv", "missing"),
    }
    assert check.unlisted == ["notes.txt"]


def test_the_round_trip_through_an_empty_database_loses_nothing(log, tmp_path):
    first = export_evidence(SYSTEM, tmp_path / "first", with_credentials=True)
    before = positions()
    envelopes = {
        bytes(p) for p in Ping.objects.exclude(position=None).values_list("position", flat=True)
    }
    geometry = Zone.objects.get().geometry
    secrets = dict(Device.objects.values_list("id", "secret_hash"))
    delete_log()

    counts = import_evidence(SYSTEM, tmp_path / "first")
    names = {t.name for t in TABLES}
    assert counts == {f["table"]: f["rows"] for f in first.body["files"] if f.get("table") in names}
    second = export_evidence(SYSTEM, tmp_path / "second", with_credentials=True)
    assert table_files(tmp_path / "first") == table_files(tmp_path / "second")
    assert len(table_files(tmp_path / "first")) == len(TABLES) + 1
    tables = [f for f in first.body["files"] if "table" in f]
    assert tables == [f for f in second.body["files"] if "table" in f]
    assert first.body["scope"] == second.body["scope"]
    assert verify_export(tmp_path / "second").valid

    assert positions() == before
    assert store.open_geometry(Zone.objects.get().geometry) == store.open_geometry(geometry)
    assert dict(Device.objects.values_list("id", "secret_hash")) == secrets
    action = OperatorAction.objects.get()
    assert cipher().decrypt(action.note, store.NOTE_PURPOSE) == NOTE
    with connection.cursor() as cursor:
        cursor.execute("SELECT position FROM proximity_ping WHERE position IS NOT NULL")
        stored = [bytes(value) for (value,) in cursor.fetchall()]
    assert len(stored) == 5 and not any(b"52.0" in value or b"5.1" in value for value in stored)
    assert not envelopes & set(stored)  # encrypted again, under this system's active key
    assert {envelope_key_id(value) for value in stored} == {cipher().active_key_id}
    assert AuditEntry.objects.filter(object_type="proximity.Evidence", action="create").exists()


def test_the_log_goes_on_after_an_import(log, tmp_path, clock):
    export_evidence(SYSTEM, tmp_path / "export")
    highest = Ping.objects.order_by("-pk").first().pk
    delete_log()
    import_evidence(SYSTEM, tmp_path / "export")
    assert Device.objects.get(id="AM-1").secret_hash == ""  # must be given a new secret
    ingestor = Ingestor(clock=clock)
    [receipt] = ingestor.accept(
        [Incoming("AM-1", message(9, clock.advance(30), *FAR), "mqtt", clock())]
    )
    assert receipt.status == "stored" and Ping.objects.order_by("-pk").first().pk > highest


def test_an_import_over_the_same_log_is_refused_and_changes_nothing(log, tmp_path):
    export_evidence(SYSTEM, tmp_path / "export")
    before = {model: model.objects.count() for model in (*DELETE_ORDER, DevicePair)}
    with pytest.raises(EvidenceError, match="already in this database"):
        import_evidence(SYSTEM, tmp_path / "export")
    assert {model: model.objects.count() for model in before} == before


def test_an_export_of_the_earlier_format_verifies_but_is_not_imported(log, tmp_path):
    from patroon.proximity import manifest

    export_evidence(SYSTEM, tmp_path / "export")
    delete_log()
    body = json.loads((tmp_path / "export" / manifest.MANIFEST).read_text())
    body["format"] = "patroon-proximity-evidence/1"
    manifest.sign(tmp_path / "export", body, evidence.signing_key())
    assert verify_export(tmp_path / "export").valid
    with pytest.raises(EvidenceError, match="imports only patroon-proximity-evidence/2"):
        import_evidence(SYSTEM, tmp_path / "export")
    assert not DevicePair.objects.exists()


def test_an_export_that_does_not_verify_is_not_imported(log, tmp_path):
    export_evidence(SYSTEM, tmp_path / "export")
    delete_log()
    notes = tmp_path / "export" / "operator_actions.csv"
    notes.write_text(notes.read_text().replace("veilig", "VEILIG"))
    with pytest.raises(EvidenceError, match="operator_actions.csv"):
        import_evidence(SYSTEM, tmp_path / "export")
    assert not DevicePair.objects.exists()


def test_every_stored_field_is_exported():
    """A field added to a model later must reach the export, or a migration would lose it."""
    exported = {}
    for table in (*TABLES, CREDENTIALS):
        exported.setdefault(table.model, set()).update(table.fields)
    for model, fields in exported.items():
        assert fields == {f.attname for f in model._meta.concrete_fields}, model.__name__


def test_a_period_keeps_actions_with_their_alarm(log, tmp_path):
    since = log.raised_at - timedelta(seconds=1)
    result = export_evidence(
        SYSTEM, tmp_path / "export", since=since, until=since + timedelta(seconds=2)
    )
    rows = {f["table"]: f["rows"] for f in result.body["files"] if "table" in f}
    assert rows["alarms"] == 1 and rows["operator_actions"] == 1 and rows["deliveries"] == 2
    assert (
        rows["pings"]
        == Ping.objects.filter(
            received_at__gte=since, received_at__lt=since + timedelta(seconds=2)
        ).count()
    )
    assert rows["pairs"] == 1 and rows["zones"] == 1
    assert result.body["scope"]["since"] == since.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_an_export_is_never_written_over_another(log, tmp_path):
    (tmp_path / "export").mkdir()
    (tmp_path / "export" / "pings.csv").write_text("earlier")
    with pytest.raises(EvidenceError, match="not an empty directory"):
        export_evidence(SYSTEM, tmp_path / "export")
    assert (tmp_path / "export" / "pings.csv").read_text() == "earlier"


def openssl(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        [OPENSSL, *args], cwd=cwd, capture_output=True, check=False, timeout=30
    )


def test_a_failed_export_leaves_no_files(log, tmp_path, monkeypatch):
    def down(*args, **kwargs):
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr(evidence, "record", down)
    with pytest.raises(RuntimeError):
        export_evidence(SYSTEM, tmp_path / "export")
    assert list((tmp_path / "export").iterdir()) == []


@pytest.mark.skipif(OPENSSL is None, reason="needs OpenSSL 3")
def test_a_court_verifies_with_openssl_alone(log, tmp_path):
    """The commands of the export's README, exactly."""
    result = export_evidence(SYSTEM, tmp_path / "export")
    directory = tmp_path / "export"
    signature = tmp_path / "manifest.sig.bin"
    signature.write_bytes(base64.b64decode((directory / "manifest.sig").read_text()))
    pem = ("-pubin", "-inkey", "signing-key.pem", "-rawin", "-in", "manifest.json")
    checked = openssl("pkeyutl", "-verify", *pem, "-sigfile", str(signature), cwd=directory)
    assert checked.returncode == 0 and b"Verified Successfully" in checked.stdout
    der = openssl("pkey", "-pubin", "-in", "signing-key.pem", "-outform", "DER", cwd=directory)
    fingerprint = "SHA256:" + hashlib.sha256(der.stdout[-32:]).hexdigest()
    assert result.body["signing_key"]["fingerprint"] == fingerprint
    (directory / "manifest.json").write_bytes((directory / "manifest.json").read_bytes() + b" ")
    tampered = openssl("pkeyutl", "-verify", *pem, "-sigfile", str(signature), cwd=directory)
    assert tampered.returncode != 0


def test_the_commands_print_json_and_fail_loudly(log, tmp_path):
    runner = CliRunner()
    out = tmp_path / "export"
    exported = runner.invoke(proximity_app, ["export", str(out), "--pair", log.pair.reference])
    assert exported.exit_code == 0, exported.output
    summary = json.loads(exported.stdout.strip().splitlines()[-1])
    assert summary["rows"]["pings"] == 6
    verified = runner.invoke(proximity_app, ["verify", str(out)])
    assert verified.exit_code == 0 and json.loads(verified.stdout)["valid"] is True
    (out / "zones.csv").write_text("")
    failed = runner.invoke(proximity_app, ["verify", str(out)])
    assert failed.exit_code == 1 and json.loads(failed.stdout)["problems"][0]["file"] == "zones.csv"
    refused = runner.invoke(proximity_app, ["import", str(out)])
    assert refused.exit_code == 2
    unknown = runner.invoke(proximity_app, ["export", str(tmp_path / "x"), "--pair", "DP-NONE"])
    assert unknown.exit_code == 2
