"""``patroon keys``: rotate the encryption keys, see which key encrypts what, retire old keys.

Register with ``app.add_typer(keys_app, name="keys")``. Key material is never printed.
"""

from __future__ import annotations

import json
import os
from collections import Counter

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

keys_app = typer.Typer(
    help="Encryption keys: rotate without downtime, status, retire.", no_args_is_help=True
)
console = Console(stderr=True)


@keys_app.callback()
def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patroon.settings")
    import django

    django.setup()


def _actor():
    from patroon.cli import cli_actor  # imported late: patroon.cli imports this module

    return cli_actor()


def _scan(label: str, work):
    """Run ``work(on_progress)`` with one progress bar per registered column."""
    from patroon.security.registry import ENCRYPTED_COLUMNS
    from patroon.security.rotation import column_size

    with Progress(
        TextColumn(f"[bold]{label}[/bold] {{task.description}}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        tasks = {c: progress.add_task(str(c), total=column_size(c)) for c in ENCRYPTED_COLUMNS}
        return work(lambda column, n: progress.advance(tasks[column], n))


@keys_app.command("rotate")
def rotate(
    resume: bool = typer.Option(
        False, help="No new key: finish re-encrypting under the active key (after a stop)."
    ),
    key_only: bool = typer.Option(
        False, help="Add the new active key and stop, to back up or distribute the ring first."
    ),
    batch_size: int = typer.Option(500, min=1, help="Rows per short transaction."),
) -> None:
    """Make a new key active and re-encrypt every encrypted column under it, while running.

    Safe to stop and to repeat: values already under the active key are skipped.
    """
    from patroon.security.rotation import add_key, reencrypt

    if resume and key_only:
        console.print("[red]--resume and --key-only exclude each other.[/red]")
        raise typer.Exit(2)
    actor = _actor()
    if not resume:
        key_id = add_key(actor)
        console.print(f"New active key: {key_id}")
        if key_only:
            typer.echo(json.dumps({"active_key_id": key_id}))
            return
    result = _scan("Re-encrypting", lambda tick: reencrypt(actor, batch_size, tick))
    typer.echo(json.dumps(result.__dict__))


@keys_app.command("status")
def status() -> None:
    """Per key id: active, in the ring or missing, and how many values it encrypts (JSON)."""
    from patroon.security.keys import load_keyring
    from patroon.security.registry import ENCRYPTED_COLUMNS
    from patroon.security.rotation import key_usage

    ring = load_keyring()
    usage = _scan("Counting", key_usage)
    columns = [str(c) for c in ENCRYPTED_COLUMNS]
    table = Table("key id", "state", *columns, "total", title="Encryption keys")
    report = {}
    for key_id in sorted(set(ring.keys) | set(usage)):
        counts = usage.get(key_id, Counter())
        state = "active" if key_id == ring.active_id else "in ring" if key_id in ring.keys else None
        report[key_id] = {"state": state or "missing", "values": sum(counts.values())}
        table.add_row(
            key_id,
            state or "[red]MISSING from the ring[/red]",
            *(str(counts[c]) for c in columns),
            str(report[key_id]["values"]),
        )
    console.print(table)
    typer.echo(json.dumps(report))


@keys_app.command("retire")
def retire(key_id: str) -> None:
    """Remove a key from the ring; refused (exit 2) while any value is encrypted with it."""
    from patroon.security.crypto import KeyRingError
    from patroon.security.rotation import KeyInUse
    from patroon.security.rotation import retire as retire_key

    try:
        retire_key(_actor(), key_id)
    except KeyInUse as exc:
        console.print(f"[red]{exc}; run `patroon keys rotate --resume` first.[/red]")
        raise typer.Exit(2) from exc
    except KeyRingError as exc:
        console.print(f"[red]{exc}.[/red]")
        raise typer.Exit(2) from exc
    typer.echo(f"Key {key_id} retired.")
