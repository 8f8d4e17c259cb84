"""``patroon cases`` (reminders) and ``patroon retention`` (the only deletion path).

Register with ``app.add_typer(cases_app, name="cases")`` and ``retention_app``.
"""

from __future__ import annotations

import json
import os
import time

import typer
from rich.console import Console
from rich.table import Table

cases_app = typer.Typer(help="Case direction (casusregie).", no_args_is_help=True)
retention_app = typer.Typer(help="Retention of case data after closure.", no_args_is_help=True)
console = Console(stderr=True)


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patroon.settings")
    import django

    django.setup()


@cases_app.command("remind")
def cases_remind(
    every: int = typer.Option(0, min=0, help="Repeat every N seconds until stopped."),
) -> None:
    """Notify owners and directors of overdue actions, ending measures, late conferences and
    due aftercare check-ins (once per person and subject)."""
    _django()
    from patroon.cases.reminders import remind

    while True:
        typer.echo(json.dumps({"notifications": remind()}))
        if not every:
            return
        time.sleep(every)


@cases_app.command("demo")
def cases_demo(count: int = typer.Option(3, min=1, max=20)) -> None:
    """Open a few demo cases from the demo world's red alerts (once; for `make run`)."""
    _django()
    from patroon.cases.demo import open_demo_cases

    opened = open_demo_cases(count)
    typer.echo(f"Opened {len(opened)} demo cases." if opened else "Demo cases already exist.")


@retention_app.command("run")
def retention_run(
    dry_run: bool = typer.Option(
        False, "--dry-run", help="List what would happen; change nothing."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON."),
) -> None:
    """Delete or anonymise closed cases' data whose retention period has passed, per the
    policy file (cases/data/retention.yaml); audited, with a metadata log of what went."""
    _django()
    from patroon.cases import policy, purge
    from patroon.cli import cli_actor

    planned = purge.run(cli_actor(), dry_run=dry_run)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "dry_run": dry_run,
                    "policy_version": policy.retention().version,
                    "items": [p.__dict__ for p in planned],
                }
            )
        )
        return
    table = Table(title="Retention " + ("(dry run: nothing changed)" if dry_run else "(done)"))
    for column in ("case", "category", "action", "rows"):
        table.add_column(column)
    for p in planned:
        table.add_row(p.case_number, p.category, p.action, str(p.rows))
    Console().print(table)
    verb = "would be" if dry_run else "were"
    typer.echo(f"{len(planned)} case categories {verb} processed.")
