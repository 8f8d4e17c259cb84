"""``patroon registry``: import the real source files, tabulate, export open data, and write
the annual report. The CLI acts as the operator with the registrar's role (audited as
``cli:<user>``).

Register with ``app.add_typer(registry_app, name="registry")``.
"""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path

import typer
from rich.console import Console

registry_app = typer.Typer(
    help="Femicide Monitor: register import, statistics, open data, annual report.",
    no_args_is_help=True,
)
console = Console(stderr=True)


@registry_app.callback()
def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patroon.settings")
    import django

    django.setup()


def _actor():
    from patroon.accounts.actor import Actor

    return Actor(
        username=f"cli:{getpass.getuser()}",
        organisation_id=None,
        organisation_code=None,
        roles=frozenset({"registrar"}),
        channel="cli",
    )


@registry_app.command("import")
def registry_import(
    file: Path = typer.Argument(..., exists=True, dir_okay=False),
    fmt: str = typer.Option(..., "--format", help="es-dgvg or ar-minjus"),
) -> None:
    """Import a source file; prints the mapping report (what could not be mapped) as JSON."""
    from patroon.registry.importers import ImportFileError
    from patroon.registry.mappings import MappingError
    from patroon.registry.services import import_file

    try:
        batch = import_file(_actor(), fmt, file)
    except (ImportFileError, MappingError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    typer.echo(json.dumps(batch.report, ensure_ascii=False, indent=1))


@registry_app.command("stats")
def registry_stats(
    by: str = typer.Option("year", "--by", help="Comma-separated dimensions."),
    country: str = typer.Option("", help="Only this country (ES, AR, NL)."),
    source: str = typer.Option("", help="Only records imported in this format."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Counts of victims by any combination of dimensions."""
    from patroon.registry.selectors import statistics
    from patroon.registry.stats import UnknownDimension, parse_dimensions

    try:
        dims = parse_dimensions(by)
    except UnknownDimension as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    result = statistics(_actor(), dims, country, source)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    for cell in result["cells"]:
        typer.echo("  ".join(f"{cell[d]!s:<24}" for d in dims) + f"{cell['victims']:>7}")
    typer.echo(f"{'total':<{26 * len(dims)}}{result['victims']:>5}")


@registry_app.command("export")
def registry_export(
    public: bool = typer.Option(False, "--public", help="Aggregate open data (required)."),
    out: Path = typer.Option(Path("var/export/femicide-monitor"), help="Path prefix."),
    threshold: int = typer.Option(5, min=1, help="Smallest count published."),
    country: str = typer.Option("", help="Only this country."),
    source: str = typer.Option("", help="Only records imported in this format."),
) -> None:
    """Write aggregate CSV, JSON and a metadata file with disclosure control."""
    if not public:
        console.print("[red]Only the public aggregate export exists: pass --public.[/red]")
        raise typer.Exit(2)
    from patroon.registry import export
    from patroon.registry.selectors import imports, rows

    actor = _actor()
    found = rows(actor, country, source)
    sources = [
        f"{b.format} {b.file_name} sha256:{b.sha256}"
        for b in imports(actor)
        if not source or b.format == source
    ]
    written = export.write(found, out, threshold, sources=sources)
    from patroon.audit.services import record

    record(actor, "export", "registry_public_export", str(out)[:64], f"threshold {threshold}")
    typer.echo(json.dumps(written))


@registry_app.command("report")
def registry_report(
    year: int = typer.Option(..., help="The report year."),
    out: Path = typer.Option(Path("var/export/femicide-monitor-report.pdf")),
    country: str = typer.Option("", help="Only this country."),
    source: str = typer.Option("", help="Only records imported in this format."),
    population: Path = typer.Option(None, exists=True, help="Population CSV for rates."),
    area: str = typer.Option("", help="Area code in the population file."),
) -> None:
    """The annual report as PDF (tables and figures), with WeasyPrint."""
    from patroon.registry.report import write_pdf

    path = write_pdf(_actor(), year, out, country, source, population, area)
    typer.echo(json.dumps({"pdf": str(path), "bytes": path.stat().st_size}))


@registry_app.command("lessons")
def registry_lessons() -> None:
    """The lessons-learned table over all register records linked to the vault (JSON)."""
    from patroon.registry.selectors import lessons_learned

    typer.echo(json.dumps(lessons_learned(_actor())))
