"""Who knew what, when: a registered victim's prior signals summarised per organisation, and
the lessons-learned table over all registered victims. Pure Python over plain rows.

Only organisations, counts, dates, rule ids and levels: never the signals' content and never
another person (perpetrators, reporters and children stay out of it).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from patroon.risk.levels import NOT_ASSESSED, highest


@dataclass(frozen=True)
class OrganisationSignals:
    organisation_id: int
    signals: int
    first: date
    last: date


@dataclass(frozen=True)
class RedFlag:
    rule_id: str
    times: int
    first: date


@dataclass(frozen=True)
class Summary:
    cutoff: date | None
    organisations: list[OrganisationSignals]
    red_flags: list[RedFlag]
    highest_level: str
    assessments: int
    case_open: str
    measures: tuple[str, ...] | str

    @property
    def known_before(self) -> bool:
        return bool(self.organisations)


def summarise(
    signal_rows, alert_rows, levels, case_open: str, measures, cutoff: date | None
) -> Summary:
    """``signal_rows``: (organisation_id, signal_id, occurred); ``alert_rows``: (rule_id,
    raised_on); ``levels``: final levels of completed assessments; all before ``cutoff``."""
    per_org: dict[int, dict] = {}
    for org_id, signal_id, occurred in signal_rows:
        held = per_org.setdefault(org_id, {"ids": set(), "first": occurred, "last": occurred})
        held["ids"].add(signal_id)
        held["first"] = min(held["first"], occurred)
        held["last"] = max(held["last"], occurred)
    organisations = sorted(
        (OrganisationSignals(o, len(h["ids"]), h["first"], h["last"]) for o, h in per_org.items()),
        key=lambda o: (o.first, o.organisation_id),
    )
    flags: dict[str, list] = {}
    for rule_id, raised_on in alert_rows:
        flags.setdefault(rule_id, []).append(raised_on)
    red_flags = sorted(
        (RedFlag(r, len(ds), min(ds)) for r, ds in flags.items()), key=lambda f: f.first
    )
    levels = list(levels)
    return Summary(
        cutoff,
        organisations,
        red_flags,
        highest(levels) if levels else NOT_ASSESSED,
        len(levels),
        case_open,
        measures,
    )


def _bucket(n: int) -> str:
    return "3+" if n >= 3 else str(n)


def lessons(summaries: list[Summary]) -> dict:
    """The lessons-learned table: of all registered victims linked to the vault, how many
    were known beforehand, to how many organisations, at which level, with or without a case."""
    total = len(summaries)
    known = [s for s in summaries if s.known_before]
    by_orgs = Counter(_bucket(len(s.organisations)) for s in summaries)
    by_level = Counter(s.highest_level for s in summaries)
    by_case = Counter(s.case_open for s in summaries)
    flagged = sum(1 for s in summaries if s.red_flags)

    def share(n: int) -> float | None:
        return round(n / total, 4) if total else None

    return {
        "victims_linked": total,
        "known_beforehand": len(known),
        "known_beforehand_share": share(len(known)),
        "with_red_flag": flagged,
        "with_red_flag_share": share(flagged),
        "organisations": {k: by_orgs.get(k, 0) for k in ("0", "1", "2", "3+")},
        "highest_level": dict(sorted(by_level.items())),
        "case_open": dict(sorted(by_case.items())),
    }
