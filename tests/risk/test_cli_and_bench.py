"""`patroon risk` offline scoring and `patroon bench risk` on a SYNTHETIC demo-world file."""

import json

import pytest
from typer.testing import CliRunner

from patroon.cli import app
from patroon.risk.metrics import at_cutoff, auc

runner = CliRunner()


def test_risk_show_lists_the_items_in_order():
    result = runner.invoke(app, ["risk", "show", "dash", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert [i["id"] for i in shown["items"]][:3] == ["injury", "very_frightened", "afraid_of_what"]
    assert len(shown["items"]) == 38


def test_risk_score_prints_the_result_and_what_decided_it(tmp_path):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"threat_to_kill": "yes", "unemployed": "no"}))
    result = runner.invoke(app, ["risk", "score", "lethality_screen", "--answers", str(answers)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) | {"section_totals": None} == {
        "instrument": "lethality_screen",
        "version": "2026.1",
        "total": 0,
        "outcome": "high_danger",
        "level": "high",
        "decided_by": ["critical item 'threat_to_kill'"],
        "section_totals": None,
    }


def test_risk_score_names_a_wrong_answer(tmp_path):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"threat_to_kill": "perhaps"}))
    result = runner.invoke(app, ["risk", "score", "lethality_screen", "--answers", str(answers)])
    assert result.exit_code == 2


@pytest.mark.django_db
def test_bench_risk_on_the_demo_world_is_labelled_synthetic(tmp_path):
    outcomes = tmp_path / "outcomes.csv"
    made = runner.invoke(
        app, ["risk", "demo-outcomes", str(outcomes), "--households", "300", "--years", "3"]
    )
    assert made.exit_code == 0, made.output
    result = runner.invoke(app, ["bench", "risk", "--outcomes", str(outcomes)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["synthetic"] is True and report["caveat"].startswith("SYNTHETIC")
    assert set(report["instruments"]) == {"dash", "danger_assessment", "lethality_screen", "rihg"}
    overall = report["instruments"]["lethality_screen"]["overall"]
    cut = overall["revictimisation"]["cutoffs"]["at_least_high"]
    assert {"sensitivity", "specificity", "ppv", "npv"} <= set(cut)
    assert (
        overall["revictimisation"]["auc"]["ci95"][0] <= overall["revictimisation"]["auc"]["value"]
    )
    assert (
        report["instruments"]["dash"]["per_region"]
        and report["instruments"]["dash"]["per_age_band"]
    )


def test_auc_and_cutoff_rates():
    assert auc([1, 2, 3, 4], [False, False, True, True])["value"] == 1.0
    assert auc([1, 1, 1, 1], [False, True, False, True])["value"] == 0.5
    rates = at_cutoff([True, True, False, False], [True, False, True, False])
    assert rates["sensitivity"]["value"] == 0.5 and rates["ppv"]["value"] == 0.5
    assert 0 <= rates["npv"]["ci95"][0] <= 0.5 <= rates["npv"]["ci95"][1] <= 1
