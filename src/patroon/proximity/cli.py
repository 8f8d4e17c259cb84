"""``patroon proximity``: the engine worker, the evidence export for court and the simulation.

Register with ``app.add_typer(proximity_app, name="proximity")``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

proximity_app = typer.Typer(help="Victim device (slachtofferdevice).", no_args_is_help=True)
console = Console(stderr=True)


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patroon.settings")
    import django

    django.setup()


def parse_partitions(text: str) -> list[int]:
    from patroon.proximity.store import parse_partitions as parse

    try:
        return parse(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc


@proximity_app.command("worker")
def worker(
    partitions: str = typer.Option("all", help="Partitions this worker owns: all, 0-7, or i/n."),
    mqtt_host: str = typer.Option("127.0.0.1", envvar="PATROON_MQTT_HOST"),
    mqtt_port: int = typer.Option(1883, envvar="PATROON_MQTT_PORT"),
    name: str = typer.Option("patroon-engine", help="MQTT client id prefix (stable per worker)."),
    prefix: str = typer.Option("patroon/v1", envvar="PATROON_MQTT_PREFIX", help="Topic prefix."),
) -> None:
    """Consume device messages from MQTT for the given partitions until stopped (SIGTERM)."""
    _django()
    from patroon.proximity.ingest import Ingestor
    from patroon.proximity.mqtt import MqttWorker
    from patroon.proximity.pipeline import Pipeline

    owned = parse_partitions(partitions)
    pipeline = Pipeline(Ingestor(owned))
    mqtt = MqttWorker(pipeline, owned, mqtt_host, mqtt_port, name, prefix)
    pipeline.start()
    mqtt.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if not (pipeline.ready.wait(300) and mqtt.wait_connected()):
        console.print(
            f"[red]No MQTT broker at {mqtt_host}:{mqtt_port}, or the engines did not load."
        )
        raise typer.Exit(2)
    typer.echo(json.dumps({"worker": name, "partitions": owned, "ready": True}), err=True)
    stop.wait()
    mqtt.stop()
    pipeline.stop()


@proximity_app.command("simulate")
def simulate(
    pairs: int = typer.Option(50, min=1, help="Simulated device pairs."),
    rate: float = typer.Option(0.0, min=0, help="Pings per wall-clock second (0: unpaced)."),
    minutes: float = typer.Option(30.0, min=1, help="Simulated minutes."),
    interval: int = typer.Option(60, min=10, help="Seconds between a device's reports."),
    seed: int = typer.Option(7),
) -> None:
    """Drive simulated devices (replayed real GPS traces, MIT licence, see shared/data/
    trajectories) through the real ingest path into this database, with injected approaches,
    zone breaches, tampers and signal loss, and score the stored alarms against the truth."""
    _django()
    from datetime import UTC, datetime, timedelta

    from rich.progress import Progress

    from patroon.proximity.simulate import run_stored
    from patroon.proximity.simulation import build_world, default_traces_dir

    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=minutes)
    world = build_world(pairs, seed, start, minutes, default_traces_dir(), interval)
    expected = round(2 * pairs * minutes * 60 / interval)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("pings", total=expected)
        result = run_stored(world, rate, lambda fed: progress.update(task, completed=fed))
    result["sources"] = [f"{s.origin} ({s.licence})" for s in world.sources]
    typer.echo(json.dumps(result, default=str))


def _actor():
    from patroon.cli import cli_actor  # imported late: patroon.cli imports this module

    return cli_actor()


def _moment(text: str | None) -> datetime | None:
    """ISO 8601; without an offset it is Dutch local time (as the court reads the period)."""
    if not text:
        return None
    from django.utils import timezone

    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter(f"{text!r} is not an ISO 8601 date or time") from exc
    return moment if moment.tzinfo else timezone.make_aware(moment)


@contextlib.contextmanager
def _bars(label: str):
    """Yields ``progress(table, done, total)``: one bar per table."""
    with Progress(
        TextColumn(f"[bold]{label}[/bold] {{task.description}}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        tasks = {}

        def tick(table: str, done: int, total: int) -> None:
            if table not in tasks:
                tasks[table] = progress.add_task(table, total=total)
            progress.update(tasks[table], completed=done, total=total)

        yield tick


@proximity_app.command("export")
def export(
    out: Path = typer.Argument(..., help="A new or empty directory."),
    pair: list[str] = typer.Option(None, help="Pair reference or id (repeat); default all."),
    since: str = typer.Option(None, help="From this moment (ISO 8601; local time if bare)."),
    until: str = typer.Option(None, help="Up to, not including, this moment."),
    with_credentials: bool = typer.Option(
        False, help="Also the devices' secret hashes: for a migration, never for court."
    ),
) -> None:
    """Export the evidence log as CSV with a signed manifest (for court or a migration)."""
    _django()
    from patroon.proximity.evidence import EvidenceError, export_evidence, resolve_pairs

    try:
        pair_ids = resolve_pairs(pair) if pair else None
        with _bars("Exporting") as tick:
            result = export_evidence(
                _actor(),
                out,
                pair_ids,
                _moment(since),
                _moment(until),
                with_credentials=with_credentials,
                progress=tick,
            )
    except EvidenceError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    summary = {
        "directory": str(result.directory),
        "export_id": result.body["export_id"],
        "manifest_sha256": result.sha256,
        "fingerprint": result.body["signing_key"]["fingerprint"],
        "rows": {f["table"]: f["rows"] for f in result.body["files"] if "table" in f},
    }
    typer.echo(json.dumps(summary))


@proximity_app.command("verify")
def verify(
    directory: Path,
    fingerprint: str = typer.Option(None, help="The published key fingerprint (SHA256:…)."),
) -> None:
    """Check every file's hash and the manifest's signature (exit 1 on any problem)."""
    from patroon.proximity.manifest import verify_export

    result = verify_export(directory, fingerprint)
    typer.echo(json.dumps(result.as_dict()))
    if not result.valid:
        console.print(f"[red]{directory} does NOT verify: {len(result.problems)} problem(s).[/red]")
        raise typer.Exit(1)


@proximity_app.command("import")
def import_log(
    directory: Path,
    fingerprint: str = typer.Option(None, help="Accept only exports signed with this key."),
) -> None:
    """Import a verified export, with its original ids, into a system without that log."""
    _django()
    from patroon.proximity.evidence import EvidenceError, import_evidence

    try:
        with _bars("Importing") as tick:
            counts = import_evidence(
                _actor(), directory, expected_fingerprint=fingerprint, progress=tick
            )
    except EvidenceError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    typer.echo(json.dumps({"directory": str(directory), "rows": counts}))


@proximity_app.command("escalate")
def escalate(
    every: int = typer.Option(0, min=0, help="Repeat every N seconds until stopped."),
) -> None:
    """Escalate top-priority alarms nobody acknowledged in time (policy: 60 s by default)."""
    _django()
    import time

    from patroon.proximity.services import escalate_due

    while True:
        typer.echo(json.dumps({"escalated": escalate_due()}))
        if not every:
            return
        time.sleep(every)


@proximity_app.command("fleet")
def fleet(
    pairs: int = typer.Option(..., min=1),
    seed: int = typer.Option(7),
    start: str = typer.Option(..., help="World start, ISO 8601 with offset."),
    minutes: float = typer.Option(10.0, min=1),
    interval: int = typer.Option(60, min=10),
) -> None:
    """Store the simulated pairs of a world (as ``simulate`` builds it) without playing it,
    for a separate process to drive; prints device -> partition as JSON."""
    _django()
    from datetime import datetime

    from patroon.proximity.services import simulated_fleet
    from patroon.proximity.simulate import fleet_from_world
    from patroon.proximity.simulation import build_world, default_traces_dir

    moment = datetime.fromisoformat(start)
    world = build_world(pairs, seed, moment, minutes, default_traces_dir(), interval)
    issued = simulated_fleet(fleet_from_world(world))
    typer.echo(json.dumps({device: part for device, (_, part) in issued.items()}))


@proximity_app.command("demo")
def demo() -> None:
    """Once: a demo device pair on a demo contact ban, with a few alarms for the console."""
    _django()
    from patroon.proximity.demo import load_demo

    typer.echo(json.dumps({"demo_pair": load_demo()}))
