"""The annual report as PDF: tables and figures from the dashboard, rendered from an HTML
template by WeasyPrint (no network: inline SVG, local CSS only)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation

from patroon.accounts.actor import Actor
from patroon.audit.services import record
from patroon.registry import dashboard


def render_pdf(
    actor: Actor,
    year: int,
    country: str = "",
    source: str = "",
    population: Path | None = None,
    area: str = "",
    language: str = "nl",
) -> bytes:
    import weasyprint

    with translation.override(language):
        board = dashboard.build(actor, country, source, language, population, area)
        html = render_to_string(
            "web/registry_report.html",
            {
                "board": board,
                "year": year,
                "year_row": next((r for r in board.year_rows if r["year"] == year), None),
                "generated": date.today(),
                "country": country,
                "source": source,
            },
        )
    from django.contrib.staticfiles import finders

    css = weasyprint.CSS(filename=finders.find("patroon/registry_report.css"))
    pdf = weasyprint.HTML(string=html, base_url=None).write_pdf(stylesheets=[css])
    record(actor, "export", "registry_report", str(year), "annual report (aggregate)")
    return pdf


def write_pdf(actor, year, out: Path, country="", source="", population=None, area="") -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(render_pdf(actor, year, country, source, population, area))
    return out
