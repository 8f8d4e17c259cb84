"""The ``patroon`` command: operator tasks on top of Django's management commands."""

from __future__ import annotations

import dataclasses
import getpass
import json
import os
import sys
from datetime import date, datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from patroon.cases.cli import cases_app, retention_app
from patroon.proximity.cli import proximity_app
from patroon.registry.cli import registry_app
from patroon.risk.cli import risk_app
from patroon.security.cli import keys_app

app = typer.Typer(
    help="Patroon: early recognition and prevention of femicide.", no_args_is_help=True
)
import_app = typer.Typer(help="Bulk import.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)
demo_app = typer.Typer(help="The synthetic demo world.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for agency systems.", no_args_is_help=True)
user_app = typer.Typer(help="Users.", no_args_is_help=True)
docs_app = typer.Typer(help="Generated documentation.", no_args_is_help=True)
bench_app = typer.Typer(help="Benchmarks; each prints one JSON object.", no_args_is_help=True)
patterns_app = typer.Typer(help="Timelines, red-flag rules and alerts.", no_args_is_help=True)
link_app = typer.Typer(help="Linking persons in the identity vault.", no_args_is_help=True)
for sub, name in (
    (keys_app, "keys"),
    (patterns_app, "patterns"),
    (risk_app, "risk"),
    (cases_app, "cases"),
    (retention_app, "retention"),
    (registry_app, "registry"),
    (proximity_app, "proximity"),
    (link_app, "link"),
    (import_app, "import"),
    (audit_app, "audit"),
    (demo_app, "demo"),
    (token_app, "token"),
    (user_app, "user"),
    (docs_app, "docs"),
    (bench_app, "bench"),
):
    app.add_typer(sub, name=name)

console = Console(stderr=True)


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patroon.settings")
    import django

    django.setup()


def cli_actor():
    from patroon.accounts.actor import Actor

    return Actor(
        username=f"cli:{getpass.getuser()}",
        organisation_id=None,
        organisation_code=None,
        channel="cli",
    )


def _organisation(code: str):
    from patroon.accounts.models import Organisation

    org = Organisation.objects.filter(code=code).first()
    if org is None:
        console.print(f"[red]No organisation with code {code!r}.[/red]")
        raise typer.Exit(2)
    return org


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    add_help_option=False,
)
def manage(ctx: typer.Context) -> None:
    """Run any Django management command: ``patroon manage check --deploy``."""
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["patroon manage", *ctx.args])


@app.command()
def migrate() -> None:
    """Apply database migrations (to the vault database too, when it has its own)."""
    _django()
    from django.conf import settings
    from django.core.management import call_command

    for alias in settings.DATABASES:
        call_command("migrate", database=alias, interactive=False, verbosity=1)


@import_app.command("signals")
def import_signals(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV or JSON Lines file."),
    org: str = typer.Option(..., "--org", help="Code of the organisation the signals come from."),
    fmt: str = typer.Option(None, "--format", help="csv or jsonl (default: from the file name)."),
    batch_size: int = typer.Option(5000, min=1, help="Rows per atomic batch."),
    report: Path = typer.Option(None, help="Write the rejection report to this CSV file."),
) -> None:
    """Import signals. Each batch is all-or-nothing; importing a file again adds nothing."""
    _django()
    from patroon.signals.importing import import_file

    organisation = _organisation(org)
    total = sum(1 for line in file.open(encoding="utf-8-sig") if line.strip())
    if (fmt or file.suffix.lstrip(".")) == "csv":
        total -= 1
    with _progress("Importing") as progress:
        task = progress.add_task("import", total=total)
        result = import_file(
            cli_actor(),
            organisation,
            file,
            fmt,
            batch_size,
            on_progress=lambda n: progress.advance(task, n),
        )
    summary = {
        "rows": result.rows,
        "created": result.created,
        "existing": result.existing,
        "held_back": result.held_back,
        "rejected_rows": result.rejected_rows,
    }
    if result.rejections:
        table = Table("row", "field", "message", title="Rejected rows")
        for rejection in result.rejections[:50]:
            table.add_row(str(rejection.row), rejection.field, rejection.message)
        console.print(table)
        if len(result.rejections) > 50:
            console.print(f"… and {len(result.rejections) - 50} more; use --report FILE.")
        console.print(
            "[yellow]Batches with a rejected row were not written. Fix the rows and import "
            "the same file again: rows already stored are skipped.[/yellow]"
        )
    if report:
        result.write_csv(report)
    typer.echo(json.dumps(summary))
    raise typer.Exit(0 if result.ok else 1)


@audit_app.command("verify")
def audit_verify(
    background: bool = typer.Option(
        False, help="Queue the check for the task worker (for a nightly cron) and return."
    ),
) -> None:
    """Check the hash chain; exit 1 and name the first broken entry if it was tampered with."""
    _django()
    from patroon.audit.services import verify_chain

    if background:
        from patroon.audit.tasks import verify_audit_chain

        result = verify_audit_chain.enqueue()
        typer.echo(f"Queued audit verification as task {result.id}.")
        return

    verdict = verify_chain()
    if verdict.intact:
        typer.echo(f"Audit trail intact: {verdict.checked} entries verified.")
        return
    typer.echo(
        f"Audit trail BROKEN at entry {verdict.broken_seq}: {verdict.reason} "
        f"({verdict.checked} entries before it verified).",
        err=True,
    )
    raise typer.Exit(1)


def _progress(label: str) -> Progress:
    return Progress(
        TextColumn(f"[bold]{label}[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def _generate(households: int, years: int, seed: int, end: date, out: Path | None, batch_size: int):
    _django()
    from django.conf import settings

    from patroon.demo.load import load_world, write_ground_truth, write_world_files
    from patroon.demo.world import generate_world

    world = generate_world(households=households, years=years, seed=seed, end=end)
    parameters = {"households": households, "years": years, "seed": seed, "end": end.isoformat()}
    with _progress("Generating") as progress:
        task = progress.add_task("demo", total=None)
        if out:
            files = write_world_files(world, out, lambda n: progress.advance(task, n))
            truth = out / "ground-truth.jsonl"
            result = {"files": len(files), "directory": str(out)}
        else:
            summary = load_world(world, batch_size, lambda n: progress.advance(task, n))
            truth = Path(settings.VAR_DIR) / "demo" / f"ground-truth-seed{seed}.jsonl"
            result = dict(summary.__dict__)
    write_ground_truth(world, truth, parameters)
    typer.echo(json.dumps({**result, "ground_truth": str(truth)}))


@demo_app.command("generate")
def demo_generate(
    households: int = typer.Option(200, min=1),
    years: int = typer.Option(3, min=1, max=30),
    seed: int = typer.Option(1),
    end: datetime = typer.Option(
        None, formats=["%Y-%m-%d"], help="Last day of the world (default: today)."
    ),
    out: Path = typer.Option(None, help="Write JSON Lines files here instead of the database."),
    batch_size: int = typer.Option(2000, min=1),
) -> None:
    """Generate a reproducible, fictional population with multi-year signal histories.

    The same households, years, seed and end give the same world. Into the database through
    the intake services (validated and audited like real data), or with --out as JSON Lines
    files per organisation for import benchmarks. The ground truth (who is who, which
    households escalate) is written to a separate file.
    """
    _generate(households, years, seed, end.date() if end else date.today(), out, batch_size)


@demo_app.command("load")
def demo_load(
    households: int = typer.Option(120, min=1),
    years: int = typer.Option(4, min=1, max=30),
    seed: int = typer.Option(2025),
) -> None:
    """What `make run` does: load a small demo world once, ensure demo logins, print them."""
    _django()
    from patroon.demo.logins import DEMO_REGION, ensure_demo_logins
    from patroon.signals.models import Signal

    if not Signal.objects.exists():
        _generate(households, years, seed, date.today(), None, batch_size=2000)
    else:
        console.print("Demo world already loaded; keeping it (delete var/ to start afresh).")
    logins = ensure_demo_logins(preferred_region=DEMO_REGION)
    table = Table(title="Demo logins", box=None, pad_edge=False)
    for column in ("username", "role", "organisation", "password", "authenticator key"):
        table.add_column(column, no_wrap=True)
    for login in logins:
        table.add_row(
            login.username, login.role, login.organisation, login.password, login.totp_secret
        )
    out = Console(width=200)
    out.print(table)
    out.print(
        "Sign in with a username and password, then the six-digit code from an authenticator "
        "app with the key above, or from: [bold].venv/bin/patroon demo code USERNAME[/bold]"
    )


@demo_app.command("hotline")
def demo_hotline() -> None:
    """Once: reports waiting at the helpline, and one forwarded to the demo Veilig Thuis."""
    _django()
    from patroon.demo.logins import DEMO_REGION
    from patroon.hotline.demo import load_demo

    typer.echo(json.dumps({"forwarded_report": load_demo(DEMO_REGION)}))


@demo_app.command("code")
def demo_code(username: str) -> None:
    """Print the current sign-in code of a demo user (instead of an authenticator app)."""
    _django()
    from patroon.demo.logins import current_code

    try:
        typer.echo(current_code(username))
    except LookupError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc


@token_app.command("issue")
def token_issue(
    org: str = typer.Option(..., "--org"),
    name: str = typer.Option(..., "--name"),
    role: str = typer.Option("intake", "--role", help="intake (records signals) or professional"),
    user: str = typer.Option(
        None, "--user", help="Personal token: acts as this user (their roles and cases)."
    ),
) -> None:
    """Issue an API token for an organisation's system. The secret is shown once."""
    _django()
    from patroon.accounts.models import User
    from patroon.accounts.services import AccountError, issue_api_token

    person = None
    if user:
        person = User.objects.filter(username=user).first()
        if person is None:
            console.print(f"[red]No user {user!r}.[/red]")
            raise typer.Exit(2)
    try:
        typer.echo(
            issue_api_token(_organisation(org), name, role=role, actor=cli_actor(), user=person)
        )
    except AccountError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc


@token_app.command("revoke")
def token_revoke(prefix: str) -> None:
    _django()
    from patroon.accounts.services import AccountError, revoke_api_token

    try:
        revoke_api_token(prefix, actor=cli_actor())
    except AccountError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    typer.echo(f"Token {prefix} revoked.")


@user_app.command("create")
def user_create(
    username: str,
    org: str = typer.Option(None, "--org", help="Organisation code (none for a national admin)."),
    role: list[str] = typer.Option(..., "--role", help="Repeat for several roles."),
) -> None:
    """Create a user; the password is asked for, the authenticator is set up at first sign-in."""
    _django()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from patroon.accounts.services import create_user

    password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        validate_password(password)
    except ValidationError as exc:
        console.print(f"[red]{' '.join(exc.messages)}[/red]")
        raise typer.Exit(2) from exc
    organisation = _organisation(org) if org else None
    create_user(username, password, organisation, role, actor=cli_actor())
    typer.echo(f"User {username} created.")


@docs_app.command("permissions")
def docs_permissions(out: Path = typer.Option(Path("docs/permissions.md"))) -> None:
    """Regenerate docs/permissions.md from the role table in code."""
    from patroon.accounts.permissions import permissions_markdown

    out.write_text(permissions_markdown(), encoding="utf-8")
    typer.echo(f"Wrote {out}")


@docs_app.command("openapi")
def docs_openapi(out: Path = typer.Option(Path("docs/api/openapi.yaml"))) -> None:
    """Regenerate the committed OpenAPI document from the code."""
    _django()
    from patroon.api.schema import openapi_yaml

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(openapi_yaml(), encoding="utf-8")
    typer.echo(f"Wrote {out}")


@patterns_app.command("sweep")
def patterns_sweep(
    background: bool = typer.Option(False, help="Queue the sweep for the task worker."),
    every: int = typer.Option(
        0, min=0, help="Repeat every N seconds until stopped (a scheduler for `make run`)."
    ),
) -> None:
    """Re-evaluate every victim's timeline (time-based rules) and escalate overdue alerts."""
    _django()
    import time

    from patroon.patterns.sweep import sweep

    if background:
        from patroon.patterns.tasks import sweep_all

        typer.echo(f"Queued the pattern sweep as task {sweep_all.enqueue().id}.")
        return
    while True:
        typer.echo(json.dumps(dataclasses.asdict(sweep())))
        if not every:
            return
        time.sleep(every)


@patterns_app.command("rebuild")
def patterns_rebuild() -> None:
    """Rebuild the timeline stream from the stored signals, then sweep (after a vocabulary
    change in behaviour severities, for example)."""
    _django()
    from patroon.patterns.services import rebuild_all
    from patroon.patterns.sweep import sweep

    written = rebuild_all()
    result = sweep()
    typer.echo(f"Rebuilt {written} timeline entries; {result.alerts_raised} new alerts.")


@patterns_app.command("check")
def patterns_check(path: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Validate a red-flag rules file before it is deployed; exit 2 with the rule and field."""
    _django()
    from patroon.accounts.catalogue import organisation_kinds
    from patroon.patterns.conditions import RuleError
    from patroon.patterns.rulebook import load

    try:
        book = load(path, set(organisation_kinds()))
    except RuleError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    typer.echo(f"{path}: version {book.version}, {len(book.rules)} rules, all valid.")


def _vault_progress(label: str):
    from patroon.identity.models import IdentityRecord

    progress = Progress(console=console)
    task = progress.add_task(label, total=IdentityRecord.objects.count())
    return progress, lambda n: progress.advance(task, n)


@link_app.command("train")
def link_train(
    if_untrained: bool = typer.Option(
        False, help="Do nothing when a current model is already active (for `make run`)."
    ),
) -> None:
    """Train the linkage model on the vault's own records (no labels) and activate it."""
    _django()
    from patroon.identity.scoring import current_models
    from patroon.identity.services import train_model

    if if_untrained and current_models().exists():
        typer.echo("A linkage model is active; not retraining (run without --if-untrained).")
        raise typer.Exit(0)

    progress, advance = _vault_progress("Reading the vault")
    with progress:
        model = train_model(cli_actor(), advance)
    typer.echo(
        f"Model {model.pk} ({model.version}) trained on {model.records} records "
        f"in {model.seconds:.1f} s; it is now active."
    )


@link_app.command("rebuild")
def link_rebuild() -> None:
    """Re-link every record in one batch with the active model; timelines follow."""
    _django()
    from patroon.identity.services import rebuild

    progress, advance = _vault_progress("Reading the vault")
    try:
        with progress:
            result = rebuild(cli_actor(), advance)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    typer.echo(json.dumps(dataclasses.asdict(result)))


def _bench_setup() -> None:
    from patroon.bench.common import use_scratch_database

    database = use_scratch_database()
    console.print(f"Benchmark database: {database}")
    _django()
    from django.conf import settings
    from django.core.management import call_command

    for alias in settings.DATABASES:
        call_command("migrate", database=alias, interactive=False, verbosity=0)


@bench_app.command("intake")
def bench_intake(
    signals: int = typer.Option(100_000, min=100),
    seed: int = typer.Option(11),
    batch_size: int = typer.Option(5000, min=1),
) -> None:
    """Bulk JSON Lines import throughput, end to end (signals_per_second)."""
    _bench_setup()
    from patroon.bench.intake import run

    typer.echo(json.dumps(run(signals, seed, batch_size)))


@bench_app.command("api")
def bench_api(
    stored: int = typer.Option(1_000_000, min=0, help="Signals stored before measuring."),
    requests: int = typer.Option(1000, min=10),
    seed: int = typer.Option(12),
) -> None:
    """Latency of POST /api/v1/signals/ (p50/p95/p99) with many signals stored."""
    _bench_setup()
    from patroon.bench.api import run

    typer.echo(json.dumps(run(stored, requests, seed)))


@bench_app.command("patterns")
def bench_patterns(
    signals: int = typer.Option(1_000_000, min=1000, help="Signals in the history."),
    dyads: int = typer.Option(300_000, min=100),
    new_signals: int = typer.Option(1000, min=10, help="New signals timed one by one."),
    seed: int = typer.Option(13),
) -> None:
    """Intake-to-alert latency per new signal (p50/p95/p99) and full sweep time."""
    _bench_setup()
    from patroon.bench.patterns import run

    typer.echo(json.dumps(run(signals, dyads, new_signals, seed)))


@bench_app.command("cases")
def bench_cases(
    signals: int = typer.Option(1_000_000, min=1000, help="Signals in the world."),
    dyads: int = typer.Option(300_000, min=300),
    cases: int = typer.Option(200, min=2, help="Open cases of one case director."),
    dossier_signals: int = typer.Option(300, min=10, help="Signals in the exported case."),
    requests: int = typer.Option(200, min=10, help="Timed requests of the today page."),
    seed: int = typer.Option(17),
) -> None:
    """The case director's today page (p50/p95/p99 server time) and the dossier PDF export."""
    _bench_setup()
    from patroon.bench.cases import run

    typer.echo(json.dumps(run(signals, dyads, cases, dossier_signals, requests, seed)))


@bench_app.command("rules")
def bench_rules(
    households: int = typer.Option(5000, min=10),
    years: int = typer.Option(4, min=1),
    seed: int = typer.Option(2025),
    end: str = typer.Option("2026-11-01", help="Last day of the demo world (ISO date)."),
) -> None:
    """What the red-flag rules would have done on the demo world's ground truth (synthetic)."""
    _django()
    from datetime import date

    from patroon.bench.rules_truth import run

    typer.echo(json.dumps(run(households, years, seed, date.fromisoformat(end))))


@bench_app.command("hotline")
def bench_hotline(
    sessions: int = typer.Option(500, min=1, help="Concurrent chat conversations."),
    messages: int = typer.Option(4, min=1, help="Messages per side per conversation."),
    spread: float = typer.Option(60.0, min=1, help="Seconds over which they are written."),
    drop_share: float = typer.Option(0.1, min=0, max=1, help="Reporters that reconnect."),
    rate: int = typer.Option(50, min=1, help="Reports per second through the public form."),
    seconds: int = typer.Option(20, min=1),
    workers: int = typer.Option(1, min=1, help="ASGI workers (more than one needs REDIS_URL)."),
) -> None:
    """Chat over WebSocket (delivery p95, lost/duplicated) and public-form reports per second."""
    _bench_setup()
    from patroon.bench.hotline import run

    typer.echo(json.dumps(run(sessions, messages, spread, drop_share, rate, seconds, workers)))


@bench_app.command("proximity")
def bench_proximity(
    pairs: int = typer.Option(
        20000, min=0, help="Pairs over MQTT (2 devices, every 10 s; 0: skip)."
    ),
    http_pairs: int = typer.Option(5000, min=0, help="Pairs sending over HTTPS (0: skip)."),
    seconds: float = typer.Option(90.0, min=30, help="Seconds of real time per transport."),
    seed: int = typer.Option(11),
    port: int = typer.Option(8771, help="Port for the device endpoint."),
    connections: int = typer.Option(512, min=1, help="Kept-alive HTTP connections."),
    workers: int = typer.Option(2, min=1, help="Engine worker processes (partitions split)."),
    endpoints: int = typer.Option(
        2, min=1, help="HTTPS device endpoint processes, on consecutive ports (partitions split)."
    ),
) -> None:
    """Victim devices at national scale: positions/s over MQTT and HTTPS, stored before the
    receipt, ping-to-alarm latency, breach recall and motorway false alarms."""
    _bench_setup()
    from patroon.bench.proximity import run

    report = run(pairs, http_pairs, seconds, seed, port, connections, workers, endpoints)
    typer.echo(json.dumps(report))


@bench_app.command("risk")
def bench_risk(
    outcomes: Path = typer.Option(
        ..., "--outcomes", exists=True, dir_okay=False, help="CSV of assessments and outcomes."
    ),
) -> None:
    """AUC, sensitivity, specificity, PPV, NPV per instrument and level cut-off, with 95 % CI."""
    from patroon.bench.risk import OutcomesFileError, run

    try:
        typer.echo(json.dumps(run(outcomes)))
    except OutcomesFileError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc


@bench_app.command("registry")
def bench_registry(
    signals: int = typer.Option(1_000_000, min=1000, help="Prior signals in the world."),
    victims: int = typer.Option(1100, min=10, help="Register records."),
    years: int = typer.Option(25, min=1),
    seed: int = typer.Option(9),
    report: bool = typer.Option(True, help="Also time the annual PDF report."),
) -> None:
    """Femicide Monitor: statistics, dashboard and who-knew-what table; the annual PDF."""
    _bench_setup()
    from patroon.bench.registry import run

    typer.echo(json.dumps(run(signals, victims, years, seed, report)))


@bench_app.command("linkage")
def bench_linkage(
    dataset: str = typer.Option("febrl4", help="febrl4, synthetic or demo"),
    persons: int = typer.Option(None, help="Persons per side (synthetic) or in the demo world."),
    overlap: float = typer.Option(None, help="Share of persons in both files (febrl4)."),
    mode: str = typer.Option("both", help="plaintext, encoded or both"),
) -> None:
    """Linkage quality and time: precision, recall, F1 and seconds per mode."""
    from patroon.bench.linkage import run

    typer.echo(json.dumps(run(dataset, persons, overlap, mode)))


@bench_app.command("linkage-incremental")
def bench_linkage_incremental(
    persons: int = typer.Option(1_000_000, min=1000, help="Persons in the vault."),
    lookups: int = typer.Option(1000, min=10, help="New records linked one by one."),
    train_sample: int = typer.Option(50_000, min=500),
    seed: int = typer.Option(42),
) -> None:
    """Latency of linking one new record against the vault (p50/p95/p99) and its accuracy."""
    _bench_setup()
    from patroon.bench.linkage_vault import run

    typer.echo(json.dumps(run(persons, lookups, train_sample, seed)))


def main() -> None:  # pragma: no cover - console entry point
    app(prog_name="patroon")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
