"""Context linkage: a weak mention joins a person through the signal it appears in.

A helpline call names "Daan" and nothing else. On identifiers alone nobody can link him —
there are many Daans. But the call also names his partner, and if she is confidently linked
to a person V whose other signals name exactly one alleged perpetrator whose name fits
"Daan" (no conflicting BSN, sex or date of birth), a case worker would say: that is him.
This module says the same, and why.

Pure Python, no Django. It runs *after* the model has clustered the records (the base
clusters) and decides from them only, in one pass, so the batch rebuild and intake (which
recomputes the base clusters around a new signal) reach the same persons. The rules that
policy people may change are in ``identity/data/context_linkage.yaml``.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from patroon.identity.linkage.clusters import CONFLICTS
from patroon.identity.linkage.comparisons import Comparison, comparison_level
from patroon.identity.linkage.model import TrainedModel

POLICY_FILE = Path(__file__).resolve().parent.parent / "data" / "context_linkage.yaml"
_NAMES = ("given_name", "surname")


@dataclass(frozen=True)
class Mention:
    """Where a record was written: its signal (organisation, source reference) and role."""

    signal: tuple[str, str]
    role: str


@dataclass(frozen=True)
class Policy:
    compatible_levels: Mapping[str, frozenset[str]]
    relations: Mapping[str, frozenset[str]]
    merge_compatible_candidates: bool


@functools.cache
def policy(path: Path = POLICY_FILE) -> Policy:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return Policy(
        compatible_levels={k: frozenset(v) for k, v in data["compatible_levels"].items()},
        relations={k: frozenset(v) for k, v in data["relations"].items()},
        merge_compatible_candidates=bool(data["merge_compatible_candidates"]),
    )


@dataclass(frozen=True)
class ContextLink:
    """One decision: ``record``'s base cluster joins the cluster of ``target``.

    The evidence, in pseudonymous terms: ``record`` was named as ``role`` in ``signal``
    together with ``anchor`` (whose person is linked on identifiers); that person is named
    with ``target`` as ``role`` in ``target_signal``; the names agree at ``levels``; and
    ``candidates`` is how many compatible persons were found (1, or more that fit together).
    """

    record: Hashable
    target: Hashable
    anchor: Hashable
    role: str
    signal: tuple[str, str]
    target_signal: tuple[str, str]
    levels: Mapping[str, str]
    candidates: int

    def explain(self) -> str:
        names = ", ".join(f"{k}: {v}" for k, v in self.levels.items())
        unique = (
            "the only compatible candidate"
            if self.candidates == 1
            else f"{self.candidates} compatible candidates that fit together"
        )
        return (
            f"named as {self.role} in {'/'.join(self.signal)} together with record "
            f"{self.anchor}; that person is named with record {self.target} as {self.role} in "
            f"{'/'.join(self.target_signal)}; {names}; {unique}"
        )


@dataclass(frozen=True)
class Ambiguous:
    """A weak record that fits several different persons: left alone, for the reviewer."""

    record: Hashable
    candidates: tuple[Hashable, ...]


class _Clusters:
    """The base clusters and the comparisons the rule needs, memoised per pair."""

    def __init__(self, model, rows, mentions, groups, rejected=frozenset()) -> None:
        self.model, self.rows, self.mentions, self.groups = model, rows, mentions, groups
        self.rejected = rejected
        self.members: dict = {}
        for rid in rows:
            self.members.setdefault(groups[rid], []).append(rid)
        self.by_signal: dict = {}
        for rid, mention in mentions.items():
            self.by_signal.setdefault(mention.signal, []).append(rid)
        by_name = {c.name: c for c in model.comparisons}
        self.names = [by_name[n] for n in _NAMES if n in by_name]
        self.conflicts = [by_name[n] for n in CONFLICTS if n in by_name]
        self._apart: dict = {}

    def level(self, comparison: Comparison, a, b) -> int:
        model, rows = self.model, self.rows
        return comparison_level(comparison, model.mode, rows[a], rows[b], model.bloom_bits)

    def apart(self, x, y) -> bool:
        """Do two clusters hold a pair that conflicts on BSN, sex or date of birth, or that
        the link reviewer kept apart (rejected, or split)?"""
        key = (x, y) if str(x) <= str(y) else (y, x)
        if key not in self._apart:
            self._apart[key] = any(
                (a, b) in self.rejected
                or any(self.level(c, a, b) == len(c.levels) + 1 for c in self.conflicts)
                for a in self.members[x]
                for b in self.members[y]
            )
        return self._apart[key]

    def name_levels(self, record, cluster, allowed) -> dict[str, str] | None:
        """The name levels of ``record`` against the best-fitting record of ``cluster``, or
        None when no record of it has a compatible name."""
        best = None
        for other in sorted(self.members[cluster], key=str):
            levels, score = {}, 0
            for comparison in self.names:
                index = self.level(comparison, record, other)
                if index == 0:
                    levels[comparison.name] = "missing"
                    continue
                known = index <= len(comparison.levels)
                label = comparison.levels[index - 1].label if known else ""
                if label not in allowed.get(comparison.name, ()):
                    break
                levels[comparison.name] = label
                score += len(comparison.levels) - index + 1
            else:
                named = levels.get("given_name", "missing") != "missing"
                if named and (best is None or score > best[0]):
                    best = (score, levels)
        return None if best is None else best[1]

    def fit(self, x, y, allowed) -> bool:
        """Could clusters ``x`` and ``y`` be one person: a compatible name, no conflict."""
        if self.apart(x, y):
            return False
        return any(self.name_levels(a, y, allowed) for a in self.members[x])


def context_links(
    model: TrainedModel,
    rows: Mapping[Hashable, dict],
    mentions: Mapping[Hashable, Mention],
    groups: Mapping[Hashable, Hashable],
    rules: Policy | None = None,
    rejected: frozenset | set = frozenset(),
) -> tuple[list[ContextLink], list[Ambiguous]]:
    """The context links among these records, given their base clusters ``groups``
    (record id -> cluster id; every record of ``rows`` present). Records without a mention
    (no signal known) take part only as members of clusters. ``rejected``: record pairs the
    link reviewer kept apart (both orders)."""
    rules = rules or policy()
    allowed = rules.compatible_levels
    view = _Clusters(model, rows, mentions, groups, rejected)
    # cluster -> (its role, partner role) -> [(partner record, signal)]
    partners: dict = {}
    for signal, rids in view.by_signal.items():
        for a in rids:
            role_a = mentions[a].role
            for b in rids:
                if groups[a] != groups[b] and mentions[b].role in rules.relations.get(role_a, ()):
                    key = (role_a, mentions[b].role)
                    partners.setdefault(groups[a], {}).setdefault(key, []).append((b, signal))
    links, ambiguous = [], []
    for record in sorted(mentions, key=str):
        mention = mentions[record]
        own = groups[record]
        found: dict = {}
        for anchor in view.by_signal[mention.signal]:
            cluster = groups[anchor]
            if cluster == own:
                continue
            pairs = partners.get(cluster, {}).get((mentions[anchor].role, mention.role), ())
            for other, signal in pairs:
                target = groups[other]
                if signal == mention.signal or target in (own, cluster) or target in found:
                    continue
                if view.apart(own, target):
                    continue
                levels = view.name_levels(record, target, allowed)
                if levels is not None:
                    found[target] = (other, anchor, signal, levels)
        if not found:
            continue
        targets = sorted(found, key=str)
        if len(targets) > 1 and not (
            rules.merge_compatible_candidates
            and all(
                view.fit(x, y, allowed) for i, x in enumerate(targets) for y in targets[i + 1 :]
            )
        ):
            ambiguous.append(Ambiguous(record, tuple(found[t][0] for t in targets)))
            continue
        for target in targets:
            other, anchor, signal, levels = found[target]
            links.append(
                ContextLink(
                    record,
                    other,
                    anchor,
                    mention.role,
                    mention.signal,
                    signal,
                    levels,
                    len(targets),
                )
            )
    # The rule is asked from both sides: a strong record may see the weak one as its only fit
    # while the weak one fits another person too. Then it stays ambiguous.
    unsure = {groups[a.record] for a in ambiguous}
    links = [x for x in links if groups[x.record] not in unsure and groups[x.target] not in unsure]
    return links, ambiguous


def apply(
    model: TrainedModel,
    rows: Mapping[Hashable, dict],
    groups: Mapping[Hashable, Hashable],
    links: list[ContextLink],
    rejected: frozenset | set = frozenset(),
) -> tuple[dict[Hashable, Hashable], list[ContextLink]]:
    """Join the base clusters along the links, never two that conflict (as ``keep_apart``)
    or hold a rejected pair. Returns record id -> cluster root for every record, and the
    links that were applied."""
    view = _Clusters(model, rows, {}, groups, rejected)
    parent = {g: g for g in view.members}
    members = {g: [g] for g in view.members}

    def find(node):
        while parent[node] != node:
            parent[node] = node = parent[parent[node]]
        return node

    applied = []
    for link in links:
        x, y = find(groups[link.record]), find(groups[link.target])
        if x == y:
            continue
        if any(view.apart(a, b) for a in members[x] for b in members[y]):
            continue
        low, high = sorted((x, y), key=str)
        parent[high] = low
        members[low] += members.pop(high)
        applied.append(link)
    return {rid: find(groups[rid]) for rid in rows}, applied
