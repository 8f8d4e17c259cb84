"""The demo world goes into the database through the real intake, audited, with logins."""

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from patroon.accounts.models import User
from patroon.audit.models import AuditEntry
from patroon.cli import app
from patroon.demo.load import load_world, write_ground_truth
from patroon.demo.logins import DEMO_LOGINS, current_code, ensure_demo_logins
from patroon.demo.world import generate_world
from patroon.signals.models import Signal

pytestmark = pytest.mark.django_db

END = date(2026, 11, 1)


def test_world_loads_through_intake_and_is_audited(tmp_path):
    world = generate_world(households=15, years=2, seed=3, end=END)
    expected = sum(1 for _ in world.signals)
    summary = load_world(world, batch_size=7)
    assert summary.created == expected == Signal.objects.count() > 0
    assert set(Signal.objects.values_list("channel", flat=True)) == {"demo"}
    assert AuditEntry.objects.filter(action="create", object_type="signal").count() == expected

    again = load_world(world, batch_size=7)
    assert (again.created, again.existing) == (0, expected)

    truth = tmp_path / "truth.jsonl"
    write_ground_truth(world, truth, {"seed": 3})
    lines = [json.loads(line) for line in truth.read_text().splitlines()]
    assert lines[0] == {"parameters": {"seed": 3}}
    mentions = [line["mention"] for line in lines if "mention" in line]
    assert len(mentions) == sum(len(s.persons.all()) for s in Signal.objects.all())


def test_demo_logins_one_per_role_with_a_working_second_factor(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    load_world(generate_world(households=5, years=1, seed=4, end=END))
    first = ensure_demo_logins("rotterdam_rijnmond")
    assert sorted(login.role for login in first) == sorted(role for _, role, _, _ in DEMO_LOGINS)
    assert ensure_demo_logins("rotterdam_rijnmond") == first, "a second run changes nothing"
    assert User.objects.filter(username__startswith="demo-").count() == len(DEMO_LOGINS)
    assert len(current_code("demo-intake")) == 6
    assert (tmp_path / "demo" / "logins.json").stat().st_mode & 0o077 == 0


def test_generated_files_import_cleanly(tmp_path):
    out = tmp_path / "world"
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "demo",
            "generate",
            "--households",
            "10",
            "--years",
            "2",
            "--seed",
            "5",
            "--end",
            "2026-11-01",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    organisations = json.loads((out / "organisations.json").read_text())
    from patroon.accounts.services import upsert_organisation

    for org in organisations:
        upsert_organisation(org["code"], org["name"], org["kind"], org["region"])
    files = sorted(out.glob("signals-*.jsonl"))
    assert files and (out / "ground-truth.jsonl").exists()
    for path in files:
        code = path.stem.removeprefix("signals-")
        imported = runner.invoke(app, ["import", "signals", str(path), "--org", code])
        assert imported.exit_code == 0, imported.output
    assert Signal.objects.count() == sum(len(p.read_text().splitlines()) for p in files)


def test_demo_hotline_leaves_reports_waiting_and_one_referral_at_veilig_thuis(settings, tmp_path):
    from patroon.cases.models import Notification
    from patroon.demo.logins import DEMO_REGION
    from patroon.hotline.demo import load_demo
    from patroon.hotline.models import Conversation
    from patroon.signals.models import Referral

    settings.VAR_DIR = tmp_path
    load_world(generate_world(households=5, years=1, seed=4, end=END))
    ensure_demo_logins(DEMO_REGION)

    code = load_demo(DEMO_REGION)

    assert Conversation.objects.filter(state="open").count() == 2
    referral = Referral.objects.get()
    assert referral.reference == code
    professional = User.objects.get(username="demo-professional")
    assert referral.to_organisation == professional.organisation  # what the demo login sees
    assert Notification.objects.filter(user=professional, kind="referral").exists()
    assert load_demo(DEMO_REGION) is None, "a second run changes nothing"
