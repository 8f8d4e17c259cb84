"""Access-controlled reads of alerts and timelines. Web and API call these, never querysets.

Who sees what on a victim's timeline:
- an organisation sees the content of the signals it recorded itself;
- the organisation an alert on this victim is routed to (the region's Veilig Thuis, under
  its statutory task) sees the content of every signal on her timeline, narratives excepted;
- a member of the team of an open case about her sees the same, while on the team;
- any other organisation that holds a signal on her sees only that others hold signals:
  the kind of organisation, how many, and the latest date. Enough to pick up the phone.
An organisation that holds nothing on her and has no alert on her does not learn she exists.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from patroon.accounts.access import AccessDenied, NotVisible, require
from patroon.accounts.actor import Actor
from patroon.accounts.models import Organisation
from patroon.accounts.permissions import Capability
from patroon.audit.services import record, record_many
from patroon.cases.membership import on_team_for_victim
from patroon.patterns.models import Alert, AlertEvent, TimelineEntry
from patroon.patterns.rulebook import Rule, rulebook
from patroon.patterns.services import NOTE_PURPOSE, OPEN_STATUSES
from patroon.security.keys import cipher

QUEUE_LIMIT = 200


@dataclass(frozen=True)
class QueueFilters:
    status: str = "open"
    severity: str = ""
    rule: str = ""
    region: str = ""
    mine: bool = False
    escalated: bool = False


def _routed_to_actor(actor: Actor) -> QuerySet[Alert]:
    require(actor, Capability.ALERT_READ)
    return Alert.objects.filter(routed_organisation_id=actor.organisation_id)


def alert_queue(actor: Actor, filters: QueueFilters = QueueFilters()) -> list[Alert]:
    alerts = _routed_to_actor(actor)
    if filters.escalated:
        if not actor.can(Capability.ALERT_ESCALATIONS):
            raise AccessDenied(Capability.ALERT_ESCALATIONS.value)
        alerts = alerts.filter(escalated_at__isnull=False)
    if filters.status == "open":
        alerts = alerts.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        alerts = alerts.filter(status=filters.status)
    if filters.severity:
        alerts = alerts.filter(severity=filters.severity)
    if filters.rule:
        alerts = alerts.filter(rule_id=filters.rule)
    if filters.region:
        alerts = alerts.filter(region=filters.region)
    if filters.mine:
        alerts = alerts.filter(Q(acknowledged_by=actor.username) | Q(handled_by=actor.username))
    found = list(alerts.order_by("status", "acknowledge_by")[:QUEUE_LIMIT])
    found.sort(key=_urgency)
    record_many(actor, "list", "alert", [str(a.pk) for a in found], "alert queue")
    return found


SEVERITY_ORDER = {"red": 0, "orange": 1, "yellow": 2}


def _urgency(alert: Alert):
    return (
        alert.status == Alert.Status.HANDLED,
        alert.status != Alert.Status.NEW,
        SEVERITY_ORDER.get(alert.severity, 9),
        alert.acknowledge_by,
    )


def open_alert_counts(actor: Actor) -> dict[str, int]:
    """Open alerts per severity for the dashboard (and escalations for supervisors)."""
    if not actor.can(Capability.ALERT_READ) or actor.organisation_id is None:
        return {}
    counts = {s: 0 for s in SEVERITY_ORDER}
    rows = _routed_to_actor(actor).filter(status__in=OPEN_STATUSES).values_list("severity")
    for (severity,) in rows:
        counts[severity] = counts.get(severity, 0) + 1
    if actor.can(Capability.ALERT_ESCALATIONS):
        counts["escalated"] = (
            _routed_to_actor(actor)
            .filter(status=Alert.Status.NEW, escalated_at__isnull=False)
            .count()
        )
    return counts


@dataclass(frozen=True)
class EvidenceView:
    signal_id: uuid.UUID
    occurred: date
    organisation: Organisation
    behaviours: list[str]
    own: bool


@dataclass(frozen=True)
class EventView:
    event: AlertEvent
    note: str


@dataclass(frozen=True)
class AlertView:
    alert: Alert
    rule: Rule | None
    evidence: list[EvidenceView]
    events: list[EventView]
    sources: list[str]


def alert_detail(actor: Actor, alert_id) -> AlertView:
    alert = _routed_to_actor(actor).filter(pk=alert_id).first()
    if alert is None:
        raise NotVisible("alert")
    book = rulebook()
    rule = book.rule(alert.rule_id)
    evidence_rows = list(alert.evidence.select_related("organisation"))
    behaviours = _behaviours_of([e.signal_id for e in evidence_rows])
    evidence = [
        EvidenceView(
            e.signal_id,
            e.occurred,
            e.organisation,
            behaviours.get(e.signal_id, []),
            e.organisation_id == actor.organisation_id,
        )
        for e in evidence_rows
    ]
    decrypt = cipher().decrypt
    events = [
        EventView(ev, decrypt(ev.note, NOTE_PURPOSE) if ev.note else "")
        for ev in alert.events.all()
    ]
    sources = [book.sources[key] for key in (rule.sources if rule else ())]
    record(actor, "read", "alert", str(alert.pk), "alert detail with evidence")
    return AlertView(alert, rule, evidence, events, sources)


def _behaviours_of(signal_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    found: dict[uuid.UUID, list[str]] = {}
    rows = TimelineEntry.objects.filter(signal_id__in=signal_ids).values_list(
        "signal_id", "behaviours"
    )
    for signal_id, codes in rows:
        found.setdefault(signal_id, codes.split())
    return found


@dataclass(frozen=True)
class TimelineItem:
    signal_id: uuid.UUID
    occurred: date
    organisation_id: int
    behaviours: list[str]
    severity: int
    relationship: str
    has_child: bool
    own: bool


@dataclass(frozen=True)
class Holder:
    """One organisation's row in the 'who knows what' matrix."""

    organisation: Organisation
    signals: int
    first: date | None
    latest: date
    content_visible: bool
    open_alerts: int


@dataclass(frozen=True)
class DyadTimeline:
    victim_ref: uuid.UUID
    perpetrator_ref: uuid.UUID | None
    items: list[TimelineItem]
    holders: list[Holder]
    alerts: list[Alert]
    perpetrators: list[uuid.UUID]
    full_view: bool


def dyad_timeline(
    actor: Actor, victim_ref: uuid.UUID, perpetrator_ref: uuid.UUID | None = None
) -> DyadTimeline:
    """The victim's timeline, or one dyad's (``perpetrator_ref``), as this actor may see it."""
    require(actor, Capability.TIMELINE_READ)
    entries = TimelineEntry.objects.filter(victim_ref=victim_ref)
    all_rows = list(
        entries.order_by("occurred", "reported_at").values_list(
            "signal_id",
            "occurred",
            "organisation_id",
            "behaviours",
            "severity",
            "relationship",
            "has_child",
            "perpetrator_ref",
        )
    )
    victim_alerts = Alert.objects.filter(victim_ref=victim_ref)
    routed_here = victim_alerts.filter(routed_organisation_id=actor.organisation_id)
    full_view = (actor.can(Capability.ALERT_READ) and routed_here.exists()) or on_team_for_victim(
        actor, victim_ref
    )
    holds_own = any(row[2] == actor.organisation_id for row in all_rows)
    if not all_rows or not (holds_own or full_view):
        raise NotVisible("timeline")
    perpetrators = list(dict.fromkeys(r[7] for r in all_rows if r[7] is not None))
    rows = [r for r in all_rows if perpetrator_ref is None or r[7] == perpetrator_ref]
    if not rows:
        raise NotVisible("timeline")
    seen: dict[uuid.UUID, TimelineItem] = {}
    for sid, occurred, org_id, codes, severity, relationship, child, _ in rows:
        own = org_id == actor.organisation_id
        if (own or full_view) and sid not in seen:
            seen[sid] = TimelineItem(
                sid, occurred, org_id, codes.split(), severity, relationship, child, own
            )
    alerts = [
        a
        for a in routed_here
        if perpetrator_ref is None
        or a.perpetrator_ref
        in (
            perpetrator_ref,
            None,
        )
    ]
    holders = _holders(actor, rows, victim_alerts, full_view)
    # One entry per person whose timeline was read: the trail can be searched by person.
    record_many(
        actor,
        "read",
        "timeline",
        [str(ref) for ref in (victim_ref, perpetrator_ref) if ref is not None],
        "bundled timeline" if full_view else "own signals and holders",
    )
    return DyadTimeline(
        victim_ref, perpetrator_ref, list(seen.values()), holders, alerts, perpetrators, full_view
    )


def _holders(actor: Actor, rows, victim_alerts, full_view: bool) -> list[Holder]:
    per_org: dict[int, list] = {}
    for row in rows:
        per_org.setdefault(row[2], []).append(row)
    open_alerts: dict[int, int] = {}
    for org_id in victim_alerts.filter(status__in=OPEN_STATUSES).values_list(
        "routed_organisation_id", flat=True
    ):
        open_alerts[org_id] = open_alerts.get(org_id, 0) + 1
    orgs = Organisation.objects.in_bulk(set(per_org) | set(open_alerts) - {None})
    holders = []
    for org_id, org in orgs.items():
        org_rows = per_org.get(org_id, [])
        visible = full_view or org_id == actor.organisation_id
        signal_ids = {r[0] for r in org_rows}
        holders.append(
            Holder(
                org,
                len(signal_ids),
                org_rows[0][1] if (org_rows and visible) else None,
                org_rows[-1][1] if org_rows else None,
                visible,
                open_alerts.get(org_id, 0),
            )
        )
    holders.sort(key=lambda h: (h.latest is None, h.latest), reverse=False)
    return holders
