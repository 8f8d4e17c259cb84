"""Access-controlled reads of the register. Web, API, CLI and bench call these.

- A registrar (``registry.write``) reads full records, including the vault link and the
  restricted variables; every read is audited.
- An analyst (``aggregates.read``) reads aggregates and pseudonymised records: a keyed
  pseudonym instead of the reference, the year instead of the date, the region and age
  group, the classification; never the vault link, the municipality, the exact age or the
  restricted variables.
- Who knew what (``registry.who_knew``) is the registrar's alone, audited per victim.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from patroon.accounts.access import AccessDenied, NotVisible
from patroon.accounts.actor import Actor
from patroon.accounts.models import Organisation
from patroon.accounts.permissions import Capability
from patroon.audit.services import record, record_many
from patroon.patterns.models import Alert, TimelineEntry
from patroon.registry import stats, who_knew
from patroon.registry.cases_link import case_status, case_statuses
from patroon.registry.classification import classify, explain
from patroon.registry.models import CRITERIA, ImportBatch, Victim
from patroon.registry.services import read_restricted, require
from patroon.risk.models import Assessment
from patroon.security.keys import pseudonymiser

LIST_LIMIT = 200


def _reader(actor: Actor) -> None:
    if actor.can(Capability.REGISTRY_WRITE):
        return require(actor, Capability.REGISTRY_WRITE)
    require(actor, Capability.AGGREGATES_READ)


def _victims(country: str = "", source: str = "") -> QuerySet[Victim]:
    found = Victim.objects.all()
    if country:
        found = found.filter(event__country=country.upper())
    if source:
        found = found.filter(event__batch__format=source)
    return found


def rows(actor: Actor, country: str = "", source: str = "") -> list[dict]:
    """One dimension row per victim (no identifiers): the input of every tabulation."""
    _reader(actor)
    found = [stats.flatten(r) for r in _victims(country, source).values(*stats.ROW_FIELDS)]
    record(actor, "read", "registry_statistics", country or source or "all", "aggregate rows")
    return found


def statistics(actor: Actor, by: list[str], country: str = "", source: str = "") -> dict:
    found = rows(actor, country, source)
    return {
        "by": by,
        "victims": len(found),
        "provisional_period": stats.provisional_period(found),
        "cells": stats.tabulate(found, by),
    }


@dataclass(frozen=True)
class PseudonymisedRecord:
    pseudonym: str
    year: int | None
    country: str
    region: str
    age_group: str
    victim_type: str
    attempted: bool
    relationship: str
    femicide_type: str
    classification_rule: str
    verification: str


def _pseudonym(victim_id: uuid.UUID) -> str:
    return "R-" + pseudonymiser().digest("registry", str(victim_id))[:10].upper()


def _pseudonymised(v: Victim) -> PseudonymisedRecord:
    from patroon.registry.framework import framework

    return PseudonymisedRecord(
        _pseudonym(v.pk),
        v.event.year,
        v.event.country,
        v.event.region,
        framework().age_group(v.age),
        v.victim_type,
        v.attempted,
        v.relationship or "missing",
        v.femicide_type,
        v.classification_rule,
        v.verification,
    )


def record_list(actor: Actor, country: str = "", femicide_type: str = "") -> list:
    """Registrars get the records; analysts the pseudonymised records."""
    _reader(actor)
    found = _victims(country).select_related("event")
    if femicide_type:
        found = found.filter(femicide_type=femicide_type)
    found = list(found.order_by("-event__year", "-event__month", "reference")[:LIST_LIMIT])
    full = actor.can(Capability.REGISTRY_WRITE)
    record_many(
        actor,
        "list",
        "registry_victim",
        [str(v.pk) for v in found],
        "register list" if full else "register list (pseudonymised)",
    )
    return found if full else [_pseudonymised(v) for v in found]


@dataclass(frozen=True)
class RecordView:
    victim: Victim
    reason: str
    restricted: dict
    linked: bool


def record_detail(actor: Actor, victim_id, gettext=str, language: str = "en"):
    """Registrar: the full record with its classification reason and restricted variables.
    Analyst: the pseudonymised record, looked up by its pseudonym."""
    _reader(actor)
    if actor.can(Capability.REGISTRY_WRITE):
        victim = Victim.objects.select_related("event").filter(pk=victim_id).first()
        if victim is None:
            raise NotVisible("register record")
        found = classify(
            {f: getattr(victim, f) for f in ("sex", "gender_identity", "relationship", *CRITERIA)}
        )
        restricted = read_restricted(victim)
        record(
            actor,
            "read",
            "registry_victim",
            str(victim.pk),
            "register record" + (" with restricted variables" if restricted else ""),
        )
        return RecordView(
            victim,
            explain(found, language=language, gettext=gettext),
            restricted,
            victim.person_ref is not None,
        )
    for victim in Victim.objects.select_related("event").iterator():
        if _pseudonym(victim.pk) == str(victim_id):
            record(actor, "read", "registry_victim", str(victim.pk), "pseudonymised record")
            return _pseudonymised(victim)
    raise NotVisible("register record")


def _cutoff(victim: Victim) -> date | None:
    return victim.event.date


@dataclass(frozen=True)
class WhoKnew:
    victim: Victim
    summary: who_knew.Summary
    organisations: dict[int, Organisation]


def _summary(person_ref: uuid.UUID, cutoff: date | None) -> who_knew.Summary:
    entries = TimelineEntry.objects.filter(victim_ref=person_ref)
    alerts = Alert.objects.filter(victim_ref=person_ref)
    assessments = Assessment.objects.filter(
        victim_ref=person_ref, status=Assessment.Status.COMPLETED
    )
    if cutoff is not None:
        entries = entries.filter(occurred__lte=cutoff)
        alerts = alerts.filter(raised_at__date__lte=cutoff)
        assessments = assessments.filter(completed_at__date__lte=cutoff)
    signal_rows = entries.values_list("organisation_id", "signal_id", "occurred")
    alert_rows = [(r, at.date()) for r, at in alerts.values_list("rule_id", "raised_at")]
    case = case_status(person_ref, cutoff)
    return who_knew.summarise(
        signal_rows,
        alert_rows,
        assessments.values_list("final_level", flat=True),
        case.case_open,
        case.measures,
        cutoff,
    )


def who_knew_what(actor: Actor, victim_id) -> WhoKnew:
    """Prior signals on a registered victim, per organisation, up to the day of the killing."""
    require(actor, Capability.REGISTRY_WHO_KNEW)
    victim = Victim.objects.select_related("event").filter(pk=victim_id).first()
    if victim is None:
        raise NotVisible("register record")
    if victim.person_ref is None:
        raise NotVisible("no vault link for this record")
    summary = _summary(victim.person_ref, _cutoff(victim))
    orgs = Organisation.objects.in_bulk([o.organisation_id for o in summary.organisations])
    record(actor, "read", "registry_who_knew", str(victim.pk), "who knew what, when")
    return WhoKnew(victim, summary, orgs)


def lessons_learned(actor: Actor) -> dict:
    """The lessons-learned table over every register record linked to the vault."""
    _reader(actor)
    linked = list(
        Victim.objects.filter(person_ref__isnull=False)
        .select_related("event")
        .only("person_ref", "event__date")
    )
    summaries = _summaries([(v.person_ref, _cutoff(v)) for v in linked])
    record(actor, "read", "registry_lessons", "all", "lessons-learned table (aggregate)")
    return who_knew.lessons(summaries)


CHUNK = 500


def _summaries(pairs: list[tuple[uuid.UUID, date | None]]) -> list[who_knew.Summary]:
    """``_summary`` for many victims with a few queries per chunk instead of per victim."""
    out = []
    for start in range(0, len(pairs), CHUNK):
        chunk = pairs[start : start + CHUNK]
        refs = [ref for ref, _ in chunk]
        signals: dict = {}
        for ref, org, sid, occurred in TimelineEntry.objects.filter(
            victim_ref__in=refs
        ).values_list("victim_ref", "organisation_id", "signal_id", "occurred"):
            signals.setdefault(ref, []).append((org, sid, occurred))
        alerts: dict = {}
        for ref, rule, at in Alert.objects.filter(victim_ref__in=refs).values_list(
            "victim_ref", "rule_id", "raised_at"
        ):
            alerts.setdefault(ref, []).append((rule, at.date()))
        levels: dict = {}
        for ref, level, at in Assessment.objects.filter(
            victim_ref__in=refs, status=Assessment.Status.COMPLETED
        ).values_list("victim_ref", "final_level", "completed_at"):
            levels.setdefault(ref, []).append((level, at.date()))
        cases = case_statuses(chunk)
        for (ref, cutoff), case in zip(chunk, cases, strict=True):

            def before(d, cutoff=cutoff):
                return cutoff is None or d <= cutoff

            out.append(
                who_knew.summarise(
                    [r for r in signals.get(ref, ()) if before(r[2])],
                    [a for a in alerts.get(ref, ()) if before(a[1])],
                    [lv for lv, d in levels.get(ref, ()) if before(d)],
                    case.case_open,
                    case.measures,
                    cutoff,
                )
            )
    return out


def imports(actor: Actor) -> list[ImportBatch]:
    _reader(actor)
    return list(ImportBatch.objects.order_by("-imported_at"))


def deny_unless_registrar(actor: Actor) -> None:
    if not actor.can(Capability.REGISTRY_WRITE):
        raise AccessDenied(Capability.REGISTRY_WRITE.value)
