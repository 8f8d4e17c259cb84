"""Patroon's one risk scale. Every instrument's outcome maps onto it, so levels from different
instruments and organisations can be compared, plotted and tied to one protocol. Pure Python."""

from __future__ import annotations

NOT_ASSESSED = "not_assessed"
LEVELS = (NOT_ASSESSED, "low", "medium", "high", "extreme")
ASSESSED_LEVELS = LEVELS[1:]

LABELS = {
    NOT_ASSESSED: ("Niet beoordeeld", "Not assessed"),
    "low": ("Laag", "Low"),
    "medium": ("Gemiddeld", "Medium"),
    "high": ("Hoog", "High"),
    "extreme": ("Extreem", "Extreme"),
}


def rank(level: str) -> int:
    return LEVELS.index(level)


def highest(levels) -> str:
    return max(levels, key=rank, default=NOT_ASSESSED)


def label(level: str, language: str = "nl") -> str:
    nl, en = LABELS.get(level, (level, level))
    return en if language.startswith("en") else nl
