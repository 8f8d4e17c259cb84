"""`patroon import signals`: exit codes, the rejection report file and a second run."""

import csv
import json

import pytest
from typer.testing import CliRunner

from patroon.cli import app
from patroon.signals.models import Signal
from tests import factories

pytestmark = pytest.mark.django_db


def test_import_command_reports_and_is_idempotent(org, tmp_path):
    rows = [factories.payload(f"CLI-{i}") for i in range(4)]
    rows[2]["occurred"]["start"] = "not a date"
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n{broken json\n")
    report = tmp_path / "rejected.csv"
    runner = CliRunner()

    result = runner.invoke(
        app, ["import", "signals", str(path), "--org", org.code, "--report", str(report)]
    )
    assert result.exit_code == 1
    with report.open() as handle:
        rejected = list(csv.DictReader(handle))
    assert [(r["row"], r["field"]) for r in rejected] == [("3", "occurred.start"), ("5", "")]
    assert not Signal.objects.exists()

    rows[2]["occurred"]["start"] = "2024-01-01"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    first = runner.invoke(app, ["import", "signals", str(path), "--org", org.code])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout.strip().splitlines()[-1])["created"] == 4
    again = runner.invoke(app, ["import", "signals", str(path), "--org", org.code])
    summary = json.loads(again.stdout.strip().splitlines()[-1])
    assert (summary["created"], summary["existing"]) == (0, 4)
    assert Signal.objects.count() == 4


def test_unknown_organisation_is_refused(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("{}\n")
    result = CliRunner().invoke(app, ["import", "signals", str(path), "--org", "nope"])
    assert result.exit_code == 2
