"""The versioned policy file and its loader."""

import pytest
import yaml

from patroon.proximity import policy


def test_defaults_carry_the_rotterdam_radius_and_a_version():
    loaded = policy.load()
    assert loaded.alert_radius_m == 1000
    assert loaded.alarm_report_seconds == 15
    assert loaded.version


def _data():
    return yaml.safe_load(policy.DATA_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.pop("alert_radius_m"), "'alert_radius_m'"),
        (lambda d: d["signal_loss_minutes"].pop("ankle_monitor"), "signal_loss_minutes.ankle"),
        (lambda d: d["alarm_priority"].update(panic="high"), "'alarm_priority.panic'"),
        (lambda d: d.update(inner_radius_m=2000), "'inner_radius_m' must be below"),
    ],
)
def test_a_malformed_file_names_the_field(change, field):
    data = _data()
    change(data)
    with pytest.raises(policy.PolicyError, match=field):
        policy.parse(data)
