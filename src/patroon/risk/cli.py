"""``patroon risk``: the instruments offline (list, show, score) for training and for checking
instrument files, the overdue sweep, and the SYNTHETIC outcomes file for the bench.

Register with ``app.add_typer(risk_app, name="risk")``.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import typer
from rich.console import Console

risk_app = typer.Typer(
    help="Risk-assessment instruments, scoring and re-assessment.", no_args_is_help=True
)
console = Console(stderr=True)


@risk_app.callback()
def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patroon.settings")
    import django

    django.setup()


def _instrument(instrument_id: str):
    from patroon.risk.instruments import instrument

    found = instrument(instrument_id)
    if found is None:
        console.print(
            f"[red]No instrument {instrument_id!r}; see `patroon risk instruments`.[/red]"
        )
        raise typer.Exit(2)
    return found


@risk_app.command("instruments")
def risk_instruments() -> None:
    """List the instruments: id, version, number of items, scoring rule, title."""
    from patroon.risk.instruments import instruments

    for found in instruments().values():
        weights = "" if found.weights_verified else "  (weights unverified: equal weights)"
        typer.echo(
            f"{found.id:<20} {found.version:<8} {len(found.items):>3} items  "
            f"{found.scoring.rule:<19} {found.title('en')}{weights}"
        )


@risk_app.command("show")
def risk_show(
    instrument_id: str,
    as_json: bool = typer.Option(False, "--json", help="Print the instrument as JSON."),
    language: str = typer.Option("en", help="nl or en"),
) -> None:
    """One instrument with its items in order."""
    found = _instrument(instrument_id)
    items = [
        {
            "id": i.id,
            "section": i.section,
            "text": i.text(language),
            "answers": list(i.choices),
            "prefill_behaviours": sorted(i.prefill.behaviours) if i.prefill else [],
            "weight": i.weight,
            "applies_when": dict(zip(("item", "answer"), i.applies_when, strict=True))
            if i.applies_when
            else None,
        }
        for i in found.items
    ]
    if not as_json:
        typer.echo(f"{found.title(language)} ({found.id} {found.version})")
        for n, item in enumerate(items, start=1):
            typer.echo(f"{n:>3}. [{item['id']}] {item['text']}")
        return
    typer.echo(
        json.dumps(
            {
                "id": found.id,
                "version": found.version,
                "title": found.title(language),
                "summary": found.summary(language),
                "provenance": found.provenance(language),
                "weights_verified": found.weights_verified,
                "sources": found.sources,
                "outcomes": {o.id: o.level for o in found.outcomes.values()},
                "items": items,
            },
            ensure_ascii=False,
            indent=2,
        )
    )


@risk_app.command("score")
def risk_score(
    instrument_id: str,
    answers: Path = typer.Option(..., "--answers", exists=True, dir_okay=False),
) -> None:
    """Score answers offline (a JSON object keyed by item id); print the result as JSON."""
    from patroon.risk.instruments import InstrumentError
    from patroon.risk.scoring import Unanswered, score

    found = _instrument(instrument_id)
    try:
        given = json.loads(answers.read_text(encoding="utf-8"))
        result = score(found, {str(k): str(v) for k, v in given.items()})
    except (json.JSONDecodeError, AttributeError) as exc:
        console.print(f"[red]{answers}: not a JSON object of item id to answer.[/red]")
        raise typer.Exit(2) from exc
    except (InstrumentError, Unanswered) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    typer.echo(json.dumps(result.as_dict()))


@risk_app.command("flag-overdue")
def risk_flag_overdue() -> None:
    """Flag current assessments whose re-assessment date has passed (run by a scheduler)."""
    from patroon.risk.services import flag_overdue

    typer.echo(json.dumps({"flagged": flag_overdue()}))


@risk_app.command("demo-outcomes")
def risk_demo_outcomes(
    out: Path = typer.Argument(..., dir_okay=False),
    households: int = typer.Option(5000, min=10),
    years: int = typer.Option(4, min=1),
    seed: int = typer.Option(2025),
    end: str = typer.Option("2026-11-01", help="Last day of the demo world (ISO date)."),
) -> None:
    """Write a SYNTHETIC outcomes CSV from the demo world for `patroon bench risk`."""
    from patroon.demo.world import generate_world
    from patroon.risk.demo_outcomes import write

    world = generate_world(
        households=households, years=years, seed=seed, end=date.fromisoformat(end)
    )
    typer.echo(f"Wrote {write(world, out)} SYNTHETIC rows to {out}")
