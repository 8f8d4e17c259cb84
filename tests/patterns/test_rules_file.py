"""Policy staff change behaviour by editing the rules file, never the code."""

import os
import subprocess
import sys

import pytest
import yaml

from patroon.patterns.models import Alert
from patroon.patterns.rulebook import DATA_FILE
from patroon.signals.services import record_signal
from tests import factories
from tests.patterns.conftest import signal


def shipped() -> dict:
    return yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))


def fragmentation(data: dict) -> dict:
    return next(r for r in data["rules"] if r["id"] == "fragmentation")


@pytest.mark.django_db
def test_lowering_a_threshold_in_the_file_changes_when_the_alert_fires(chain, tmp_path, settings):
    police = factories.actor(["intake"], chain["police"])
    vt = factories.actor(["intake"], chain["vt"])

    record_signal(police, signal(150, ["isolation"], "POL-1"), "web")
    record_signal(vt, signal(80, ["psychological_violence"], "VT-1"), "web")
    assert not Alert.objects.filter(rule_id="fragmentation").exists()

    data = shipped()
    fragmentation(data)["when"]["all"][0]["count"]["at_least"] = 2
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    settings.PATROON_RULES_FILE = str(path)

    record_signal(vt, signal(70, ["isolation"], "VT-2"), "web")
    alert = Alert.objects.get(rule_id="fragmentation")
    assert alert.evidence.count() == 3


def test_a_malformed_rules_file_stops_the_application_at_start(tmp_path):
    data = shipped()
    fragmentation(data)["when"]["all"][1]["count"]["distinct"] = "colour"
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    env = {**os.environ, "PATROON_RULES_FILE": str(path)}
    started = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env, "DJANGO_SETTINGS_MODULE": "patroon.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode != 0
    assert "rule 'fragmentation': field 'when.all[1].count.distinct'" in started.stderr


def test_patterns_check_names_the_rule_and_field(tmp_path):
    from typer.testing import CliRunner

    from patroon.cli import app

    data = shipped()
    next(r for r in data["rules"] if r["id"] == "weapon")["severity"] = "purple"
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(app, ["patterns", "check", str(path)])
    assert result.exit_code == 2
    assert "rule 'weapon': field 'severity'" in result.output
    ok = CliRunner().invoke(app, ["patterns", "check", str(DATA_FILE)])
    assert ok.exit_code == 0 and "all valid" in ok.output
