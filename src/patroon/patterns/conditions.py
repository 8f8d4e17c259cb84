"""The red-flag condition language, compiled from the rules file into small evaluator objects.

Pure Python. Every condition answers ``evidence(entries, as_of, context)`` with the entries
that made it true (possibly none, for context facts), or ``None`` when it is false, and
names its ``horizon``: how many days back its evidence can lie (``None``: unbounded). A
timeline whose latest entry is older than a rule's horizon cannot fire it, which lets the
sweep skip the many dormant dyads without evaluating them. Entries
are sorted by date; windows are found by bisection so a sweep over a million signals only
touches the entries inside each window.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from patroon.patterns.timeline import Context, Entry

Evidence = tuple[Entry, ...]


class RuleError(ValueError):
    """The rules file is malformed; the message names the rule and the field."""


@dataclass(frozen=True)
class Filter:
    behaviours: frozenset[str] = frozenset()
    min_severity: int = 0
    organisation_kinds: frozenset[str] = frozenset()
    relationships: frozenset[str] = frozenset()
    children: bool | None = None

    def matches(self, e: Entry) -> bool:
        return (
            (not self.behaviours or not self.behaviours.isdisjoint(e.behaviours))
            and e.severity >= self.min_severity
            and (not self.organisation_kinds or e.organisation_kind in self.organisation_kinds)
            and (not self.relationships or e.relationship in self.relationships)
            and (self.children is None or e.has_child == self.children)
        )


def _window(entries: Sequence[Entry], start: int, end: int) -> Sequence[Entry]:
    """Entries with start <= occurred <= end (entries sorted by occurred)."""
    lo = bisect.bisect_left(entries, start, key=_occurred)
    hi = bisect.bisect_right(entries, end, key=_occurred)
    return entries[lo:hi]


def _occurred(e: Entry) -> int:
    return e.occurred


def _until(entries: Sequence[Entry], as_of: int) -> Sequence[Entry]:
    return entries[: bisect.bisect_right(entries, as_of, key=_occurred)]


DISTINCT: dict[str, Callable[[Entry], object]] = {
    "organisation": lambda e: e.organisation_id,
    "organisation_kind": lambda e: e.organisation_kind,
    "perpetrator": lambda e: e.perpetrator_ref,
    # One incident is often reported by several organisations; days count incidents.
    "day": lambda e: e.occurred,
}


@dataclass(frozen=True)
class Count:
    filter: Filter
    at_least: int
    within_days: int | None
    distinct: str | None

    @property
    def horizon(self) -> int | None:
        return self.within_days

    def evidence(self, entries, as_of, context) -> Evidence | None:
        pool = (
            _until(entries, as_of)
            if self.within_days is None
            else _window(entries, as_of - self.within_days, as_of)
        )
        hits = tuple(e for e in pool if self.filter.matches(e))
        if self.distinct is None:
            return hits if len(hits) >= self.at_least else None
        key = DISTINCT[self.distinct]
        values = {key(e) for e in hits} - {None}
        return hits if len(values) >= self.at_least else None


@dataclass(frozen=True)
class Sequence_:
    first: Filter
    then: Filter
    within_days: int
    recent_days: int | None

    @property
    def horizon(self) -> int | None:
        return self.recent_days

    def evidence(self, entries, as_of, context) -> Evidence | None:
        pool = _until(entries, as_of)
        earliest_then = as_of - self.recent_days if self.recent_days is not None else None
        firsts = [e for e in pool if self.first.matches(e)]
        if not firsts:
            return None
        for later in reversed(pool):
            if earliest_then is not None and later.occurred < earliest_then:
                break
            if not self.then.matches(later):
                continue
            for earlier in reversed(firsts):
                if earlier is later or earlier.sort_key() > later.sort_key():
                    continue
                if later.occurred - earlier.occurred > self.within_days:
                    break
                return (earlier, later)
        return None


@dataclass(frozen=True)
class Rising:
    filter: Filter
    window_days: int
    at_least: int
    distinct: str | None = None

    @property
    def horizon(self) -> int | None:
        return self.window_days

    def _size(self, hits: list[Entry]) -> int:
        if self.distinct is None:
            return len(hits)
        key = DISTINCT[self.distinct]
        return len({key(e) for e in hits} - {None})

    def evidence(self, entries, as_of, context) -> Evidence | None:
        recent = [
            e
            for e in _window(entries, as_of - self.window_days + 1, as_of)
            if self.filter.matches(e)
        ]
        size = self._size(recent)
        if size < self.at_least:
            return None
        before = _window(entries, as_of - 2 * self.window_days + 1, as_of - self.window_days)
        previous = self._size([e for e in before if self.filter.matches(e)])
        return tuple(recent) if size > previous else None


@dataclass(frozen=True)
class SeverityRising:
    within_days: int
    by: int

    @property
    def horizon(self) -> int | None:
        return self.within_days

    def evidence(self, entries, as_of, context) -> Evidence | None:
        pool = _until(entries, as_of)
        split = bisect.bisect_left(pool, as_of - self.within_days + 1, key=_occurred)
        earlier, recent = pool[:split], pool[split:]
        if not earlier or not recent:
            return None
        peak = max(recent, key=lambda e: e.severity)
        before = max(e.severity for e in earlier)
        if peak.severity - before < self.by:
            return None
        return (max(earlier, key=lambda e: e.severity), peak)


@dataclass(frozen=True)
class Absence:
    after: Filter
    missing: Filter
    days: int
    recent_days: int

    @property
    def horizon(self) -> int | None:
        return self.recent_days

    def evidence(self, entries, as_of, context) -> Evidence | None:
        pool = _until(entries, as_of)
        window = _window(pool, as_of - self.recent_days, as_of - self.days)
        for trigger in window:
            if not self.after.matches(trigger) or self.missing.matches(trigger):
                continue
            followed = any(
                e is not trigger and e.sort_key() >= trigger.sort_key() and self.missing.matches(e)
                for e in pool
            )
            if not followed:
                return (trigger,)
        return None


@dataclass(frozen=True)
class OpenCase:
    expected: bool
    horizon = None

    def evidence(self, entries, as_of, context: Context) -> Evidence | None:
        return () if context.open_case == self.expected else None


@dataclass(frozen=True)
class All:
    parts: tuple

    @property
    def horizon(self) -> int | None:
        bounded = [p.horizon for p in self.parts if p.horizon is not None]
        return min(bounded) if bounded else None

    def evidence(self, entries, as_of, context) -> Evidence | None:
        found: list[Entry] = []
        for part in self.parts:
            hits = part.evidence(entries, as_of, context)
            if hits is None:
                return None
            found.extend(hits)
        return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class Any_:
    parts: tuple

    @property
    def horizon(self) -> int | None:
        horizons = [p.horizon for p in self.parts]
        return None if None in horizons else max(horizons)

    def evidence(self, entries, as_of, context) -> Evidence | None:
        for part in self.parts:
            hits = part.evidence(entries, as_of, context)
            if hits is not None:
                return hits
        return None


@dataclass(frozen=True)
class Not:
    part: object
    horizon = None

    def evidence(self, entries, as_of, context) -> Evidence | None:
        return None if self.part.evidence(entries, as_of, context) is not None else ()
