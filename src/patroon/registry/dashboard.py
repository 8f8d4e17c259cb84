"""Everything the analysts' dashboard and the annual report show, assembled once from the
selectors: counts by year (provisional period marked), by type, relationship, age group,
method and region, the share of femicide among killed women, rates per 100,000 women, and the
lessons-learned table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from patroon.accounts.actor import Actor
from patroon.registry import plot, selectors, stats
from patroon.registry.framework import framework

DEMO_POPULATION = Path(__file__).with_name("data") / "population_demo.csv"
BREAKDOWNS = (
    ("femicide_type", "types"),
    ("relationship", "relationships"),
    ("age_group", None),
    ("method", "methods"),
    ("region", None),
)


@dataclass(frozen=True)
class Dashboard:
    victims: int
    provisional: str | None
    by_year: plot.BarChart
    year_rows: list[dict]
    breakdowns: list[tuple[str, list[tuple[str, int]]]]
    share: list[dict]
    rates: list[dict]
    population_source: str
    lessons: dict


def population_file() -> Path:
    return Path(getattr(settings, "PATROON_REGISTRY_POPULATION_FILE", "") or DEMO_POPULATION)


def build(
    actor: Actor,
    country: str = "",
    source: str = "",
    language: str = "nl",
    population: Path | None = None,
    area: str = "",
) -> Dashboard:
    rows = selectors.rows(actor, country, source)
    rules = framework()
    provisional = stats.provisional_period(rows)
    years = [c for c in stats.tabulate(rows, ["year"]) if c["year"] != "unknown"]
    chart = plot.bars([(c["year"], c["victims"]) for c in years], "year", provisional)
    breakdowns = []
    for dim, listed in BREAKDOWNS:
        cells = sorted(stats.tabulate(rows, [dim]), key=lambda c: -c["victims"])
        breakdowns.append(
            (
                dim,
                [
                    (
                        rules.label(listed, str(c[dim]), language) if listed else str(c[dim]),
                        c["victims"],
                    )
                    for c in cells
                ],
            )
        )
    pop = stats.load_population(population or population_file())
    area = area or country.upper() or "NL"
    rates = [r for r in stats.rates(rows, pop, area) if r["year"] != "unknown"]
    return Dashboard(
        len(rows),
        provisional,
        chart,
        [{**c, "provisional": str(c["year"]) == provisional} for c in years],
        breakdowns,
        stats.femicide_share(rows),
        rates,
        pop.source,
        selectors.lessons_learned(actor),
    )
