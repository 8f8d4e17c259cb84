"""Writes of the pattern engine: timeline entries, alerts raised by rules, and their lifecycle.

Intake calls ``signals_stored`` inside its transaction, so a signal and the alert it raises
are stored together (persist before acknowledge). ``sweep`` re-evaluates every victim for
rules whose truth changes with time, and escalates alerts nobody acknowledged in time.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from patroon.accounts.access import NotVisible, require
from patroon.accounts.actor import SYSTEM, Actor
from patroon.accounts.models import Organisation
from patroon.accounts.permissions import Capability
from patroon.audit.services import record, record_many
from patroon.db.bulk import insert_rows
from patroon.db.ids import time_ordered_uuid
from patroon.patterns import context
from patroon.patterns.engine import Firing, evaluate
from patroon.patterns.models import Alert, AlertEvent, AlertEvidence, TimelineEntry
from patroon.patterns.projection import EntryRow, project
from patroon.patterns.rulebook import RuleBook, rulebook
from patroon.patterns.timeline import Context, Entry
from patroon.security.keys import cipher
from patroon.vocabulary.loader import vocabulary

NOTE_PURPOSE = b"patterns.alert_note"
LOAD_CHUNK = 500
Key = tuple[uuid.UUID, uuid.UUID | None, str]


def ref_key(value) -> str | None:
    """One comparable form for a reference read through the ORM (a UUID) or raw from the
    sweep's cursor (32 hex digits on SQLite), so the sweep need not build UUID objects."""
    if value is None:
        return None
    return value.hex if isinstance(value, uuid.UUID) else value.replace("-", "")


class InvalidTransition(ValueError):
    """The alert is not in a state that allows this action (answered as 409)."""


def severity_table() -> dict[str, int]:
    return {code: term.severity or 0 for code, term in vocabulary().behaviours.items()}


ENTRY_FIELDS = (
    "victim_ref",
    "perpetrator_ref",
    "signal_id",
    "organisation_id",
    "organisation_kind",
    "occurred",
    "reported_at",
    "relationship",
    "behaviours",
    "severity",
    "has_child",
)


def insert_entries(rows: Sequence[EntryRow]) -> None:
    insert_rows(
        TimelineEntry,
        [name.removesuffix("_id") if name == "organisation_id" else name for name in ENTRY_FIELDS],
        [tuple(getattr(r, name) for name in ENTRY_FIELDS) for r in rows],
    )


def signals_stored(stored: Sequence) -> None:
    """Intake hook: extend the victims' timelines and evaluate the dyads the signals touch."""
    severities = severity_table()
    rows: list[EntryRow] = []
    for s in stored:
        rows.extend(
            project(
                s.signal_id,
                s.organisation_id,
                s.organisation_kind,
                s.occurred,
                s.reported_at,
                s.relationship,
                s.behaviours,
                s.persons,
                severities,
            )
        )
    if not rows:
        return
    insert_entries(rows)
    touched: dict[uuid.UUID, set[uuid.UUID]] = {}
    for r in rows:
        perpetrators = touched.setdefault(r.victim_ref, set())
        if r.perpetrator_ref is not None:
            perpetrators.add(r.perpetrator_ref)
    evaluate_victims(touched, timezone.now())


def entry_from_row(row) -> Entry:
    """A row in ``ENTRY_FIELDS`` order, from the ORM or straight from a cursor (the sweep),
    for the engine."""
    _, perpetrator, signal_id, org_id, kind, occurred, reported, relationship, codes, sev, child = (
        row
    )
    if isinstance(occurred, str):  # a driver without date converters
        occurred, reported = date.fromisoformat(occurred), datetime.fromisoformat(reported)
    if reported.tzinfo is None:  # SQLite through a raw cursor: UTC without an offset
        reported = reported.replace(tzinfo=UTC)
    return Entry(
        signal_id,
        _ordinal(occurred),
        org_id,
        kind,
        perpetrator,
        frozenset(codes.split()) if codes else frozenset(),
        sev,
        relationship,
        bool(child),
        reported.timestamp(),
    )


@functools.lru_cache(maxsize=8192)
def _ordinal(day: date) -> int:
    """Days repeat across a million rows; their ordinals are worth remembering."""
    return day.toordinal()


def load_entries(victims: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[Entry]]:
    victims = list(victims)
    found: dict[uuid.UUID, list[Entry]] = {v: [] for v in victims}
    for i in range(0, len(victims), LOAD_CHUNK):
        rows = (
            TimelineEntry.objects.filter(victim_ref__in=victims[i : i + LOAD_CHUNK])
            .order_by("victim_ref", "occurred", "reported_at", "id")
            .values_list(*ENTRY_FIELDS)
        )
        for row in rows:
            found[row[0]].append(entry_from_row(row))
    return found


def evaluate_victims(touched: dict[uuid.UUID, set[uuid.UUID]], now: datetime) -> None:
    """Evaluate the touched dyads (and victim-scope rules) of each victim and store alerts."""
    book = rulebook()
    as_of = timezone.localdate(now).toordinal()
    timelines = load_entries(touched)
    open_cases = context.open_case_victims(list(touched))
    firings = []
    for victim, entries in timelines.items():
        ctx = Context(open_case=victim in open_cases)
        for firing in evaluate(book, entries, as_of, ctx, touched[victim]):
            firings.append((victim, firing, entries))
    writer = AlertWriter(book, now)
    writer.load_state(list(touched))
    writer.write(firings)


@dataclass
class _Known:
    open_alert: uuid.UUID | None = None
    evidence: set[uuid.UUID] = field(default_factory=set)
    handled_until: float = float("-inf")


class AlertWriter:
    """Stores firings: a new alert, new evidence on the open alert, or nothing (deduplicated).

    Per dyad and rule there is at most one open alert. After an alert was handled, the rule
    raises a new one only on evidence newer than what the handled alert already showed.
    """

    def __init__(self, book: RuleBook, now: datetime) -> None:
        self.book = book
        self.now = now
        self.known: dict[Key, _Known] = {}
        self.organisations = {
            pk: (kind, region)
            for pk, kind, region in Organisation.objects.values_list("id", "kind", "region")
        }
        self.routes = _routes(self.organisations)

    def load_state(self, victims: list[uuid.UUID] | None) -> None:
        """Known alerts for these victims (all victims when ``None``, for the sweep)."""
        chunks = (
            [None]
            if victims is None
            else [victims[i : i + LOAD_CHUNK] for i in range(0, len(victims), LOAD_CHUNK)]
        )
        for chunk in chunks:
            alerts = Alert.objects.all()
            if chunk is not None:
                alerts = alerts.filter(victim_ref__in=chunk)
            open_ids = {}
            for pk, victim, perp, rule, status, until in alerts.values_list(
                "id", "victim_ref", "perpetrator_ref", "rule_id", "status", "evidence_until"
            ):
                known = self.known.setdefault((victim.hex, ref_key(perp), rule), _Known())
                if status == Alert.Status.HANDLED:
                    known.handled_until = max(known.handled_until, until.timestamp())
                else:
                    known.open_alert = pk
                    open_ids[pk] = known
            evidence = AlertEvidence.objects.filter(alert_id__in=list(open_ids))
            if chunk is None:
                evidence = AlertEvidence.objects.filter(alert__status__in=OPEN_STATUSES)
            for alert_id, signal_id in evidence.values_list("alert_id", "signal_id"):
                if alert_id in open_ids:
                    open_ids[alert_id].evidence.add(signal_id.hex)

    def write(self, firings: Iterable[tuple[uuid.UUID, Firing, Sequence[Entry]]]) -> list:
        new_alerts, new_evidence, events, grown = [], [], [], {}
        for victim, firing, entries in firings:
            key = (ref_key(victim), ref_key(firing.perpetrator_ref), firing.rule.id)
            known = self.known.setdefault(key, _Known())
            # A signal naming several perpetrators is on her timeline once per perpetrator.
            evidence = list({ref_key(e.signal_id): e for e in firing.evidence}.values())
            latest = max(e.reported for e in evidence)
            if known.open_alert is not None:
                added = [e for e in evidence if ref_key(e.signal_id) not in known.evidence]
                if added:
                    new_evidence.extend((known.open_alert, e) for e in added)
                    known.evidence.update(ref_key(e.signal_id) for e in added)
                    grown[known.open_alert] = max(grown.get(known.open_alert, latest), latest)
                    events.append((known.open_alert, "evidence_added", f"{len(added)} signal(s)"))
                continue
            if latest <= known.handled_until:
                continue
            alert_id = time_ordered_uuid()
            dyad = [e for e in entries if e.perpetrator_ref == firing.perpetrator_ref] or entries
            region, routed = self._route(dyad)
            hours = self.book.acknowledge_within_hours[firing.rule.severity]
            new_alerts.append(
                (
                    alert_id,
                    firing.rule.id,
                    self.book.version,
                    firing.rule.severity,
                    victim,
                    firing.perpetrator_ref,
                    Alert.Status.NEW,
                    region,
                    routed,
                    self.now,
                    self.now + timedelta(hours=hours),
                    _ts(latest),
                )
            )
            new_evidence.extend((alert_id, e) for e in evidence)
            events.append((alert_id, "raised", firing.rule.id))
            known.open_alert = alert_id
            known.evidence = {ref_key(e.signal_id) for e in evidence}
        self._flush(new_alerts, new_evidence, events, grown)
        return [row[0] for row in new_alerts]

    def _route(self, dyad: Sequence[Entry]) -> tuple[str, int | None]:
        latest = max(dyad, key=Entry.sort_key)
        region = self.organisations.get(latest.organisation_id, ("", ""))[1]
        return region, self.routes.get(region, self.routes.get(None))

    def _flush(self, new_alerts, new_evidence, events, grown) -> None:
        insert_rows(
            Alert,
            [
                "id",
                "rule_id",
                "rules_version",
                "severity",
                "victim_ref",
                "perpetrator_ref",
                "status",
                "region",
                "routed_organisation",
                "raised_at",
                "acknowledge_by",
                "evidence_until",
                "escalated_at",
                "acknowledged_at",
                "handled_at",
                "acknowledged_by",
                "handled_by",
                "outcome",
            ],
            [(*row, None, None, None, "", "", "") for row in new_alerts],
        )
        insert_rows(
            AlertEvidence,
            ["alert", "signal_id", "organisation", "occurred"],
            [
                (alert_id, e.signal_id, e.organisation_id, _date(e.occurred))
                for alert_id, e in new_evidence
            ],
        )
        for alert_id, latest in grown.items():
            Alert.objects.filter(pk=alert_id, evidence_until__lt=_ts(latest)).update(
                evidence_until=_ts(latest)
            )
        insert_rows(
            AlertEvent,
            ["alert", "at", "actor", "action", "detail", "note"],
            [(alert_id, self.now, SYSTEM.username, a, d, None) for alert_id, a, d in events],
        )
        if new_alerts:
            record_many(
                SYSTEM,
                "create",
                "alert",
                [str(row[0]) for row in new_alerts],
                "red-flag rule fired on the victim's timeline",
            )


OPEN_STATUSES = (Alert.Status.NEW, Alert.Status.ACKNOWLEDGED)


def _date(ordinal: int) -> date:
    return date.fromordinal(ordinal)


def _ts(value: float) -> datetime:
    return datetime.fromtimestamp(value, tz=UTC)


def _routes(organisations: dict[int, tuple[str, str]]) -> dict[str | None, int]:
    """Region → its Veilig Thuis; ``None`` → the national expertise centre as a fallback."""
    routes: dict[str | None, int] = {}
    for pk in sorted(organisations):
        kind, region = organisations[pk]
        if kind == "veilig_thuis":
            routes.setdefault(region, pk)
        elif kind == "expertisecentrum":
            routes.setdefault(None, pk)
    return routes


def _lock_visible(actor: Actor, alert_id) -> Alert:
    require(actor, Capability.ALERT_HANDLE)
    alert = (
        Alert.objects.select_for_update()
        .filter(pk=alert_id, routed_organisation_id=actor.organisation_id)
        .first()
    )
    if alert is None:
        raise NotVisible("alert")
    return alert


def _event(alert: Alert, actor: Actor, action: str, detail: str = "", note: str = "") -> None:
    AlertEvent.objects.create(
        alert=alert,
        at=timezone.now(),
        actor=actor.username,
        action=action,
        detail=detail,
        note=cipher().encrypt(note, NOTE_PURPOSE) if note else None,
    )


def acknowledge(actor: Actor, alert_id) -> Alert:
    """The routed organisation takes the alert on; stops the acknowledgement clock."""
    with transaction.atomic():
        alert = _lock_visible(actor, alert_id)
        if alert.status != Alert.Status.NEW:
            raise InvalidTransition(alert.status)
        alert.status = Alert.Status.ACKNOWLEDGED
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = actor.username
        alert.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
        _event(alert, actor, "acknowledged")
        record(actor, "update", "alert", str(alert.pk), "acknowledged")
    return alert


def handle(actor: Actor, alert_id, outcome: str, note: str) -> Alert:
    """Close the alert with an outcome and the professional's reasons (required)."""
    if outcome not in rulebook().outcomes:
        raise ValueError("unknown_outcome")
    if not note.strip():
        raise ValueError("note_required")
    with transaction.atomic():
        alert = _lock_visible(actor, alert_id)
        if alert.status == Alert.Status.HANDLED:
            raise InvalidTransition(alert.status)
        now = timezone.now()
        if alert.status == Alert.Status.NEW:
            alert.acknowledged_at, alert.acknowledged_by = now, actor.username
        alert.status = Alert.Status.HANDLED
        alert.handled_at, alert.handled_by, alert.outcome = now, actor.username, outcome
        alert.save()
        _event(alert, actor, "handled", outcome, note.strip())
        record(actor, "update", "alert", str(alert.pk), f"handled: {outcome}")
    return alert


def escalate_overdue(now: datetime | None = None) -> int:
    """Escalate new alerts whose acknowledgement deadline passed to the supervisors."""
    now = now or timezone.now()
    with transaction.atomic():
        overdue = list(
            Alert.objects.select_for_update()
            .filter(status=Alert.Status.NEW, acknowledge_by__lt=now, escalated_at__isnull=True)
            .values_list("id", flat=True)
        )
        if not overdue:
            return 0
        Alert.objects.filter(pk__in=overdue).update(escalated_at=now)
        insert_rows(
            AlertEvent,
            ["alert", "at", "actor", "action", "detail", "note"],
            [
                (pk, now, SYSTEM.username, "escalated", "acknowledge deadline missed", None)
                for pk in overdue
            ],
        )
        record_many(SYSTEM, "update", "alert", [str(p) for p in overdue], "escalated: overdue")
    return len(overdue)


def _project_stored(signal_ids: Sequence[uuid.UUID] | None) -> list[EntryRow]:
    """Timeline rows for these signals (all signals when ``None``), read from intake's tables."""
    from patroon.signals.models import Signal, SignalBehaviour, SignalPerson

    severities = severity_table()
    signals = Signal.objects.all()
    persons = SignalPerson.objects.all()
    behaviours = SignalBehaviour.objects.all()
    if signal_ids is not None:
        signals = signals.filter(pk__in=signal_ids)
        persons = persons.filter(signal_id__in=signal_ids)
        behaviours = behaviours.filter(signal_id__in=signal_ids)
    people: dict[uuid.UUID, list] = {}
    for signal_id, ref, role in persons.order_by("signal_id", "position").values_list(
        "signal_id", "person_ref", "role"
    ):
        people.setdefault(signal_id, []).append((ref, role))
    codes: dict[uuid.UUID, list[str]] = {}
    for signal_id, code in behaviours.values_list("signal_id", "code"):
        codes.setdefault(signal_id, []).append(code)
    rows: list[EntryRow] = []
    for sid, org_id, kind, occurred, reported, relationship in signals.values_list(
        "id",
        "organisation_id",
        "organisation__kind",
        "occurred_start",
        "reported_at",
        "relationship",
    ):
        rows.extend(
            project(
                sid,
                org_id,
                kind,
                occurred,
                reported,
                relationship,
                codes.get(sid, ()),
                people.get(sid, ()),
                severities,
            )
        )
    return rows


def refresh_signals(signal_ids: Sequence[uuid.UUID]) -> int:
    """Rebuild these signals' timeline entries and re-evaluate the victims they touch.

    Called when the persons named in signals change (a merge or split in the vault), so
    timelines and alerts follow the new picture. Returns the number of entries written.
    """
    signal_ids = list(signal_ids)
    with transaction.atomic():
        before = set()
        for i in range(0, len(signal_ids), LOAD_CHUNK):
            chunk = signal_ids[i : i + LOAD_CHUNK]
            entries = TimelineEntry.objects.filter(signal_id__in=chunk)
            before.update(entries.values_list("victim_ref", flat=True))
            entries.delete()
        rows: list[EntryRow] = []
        for i in range(0, len(signal_ids), LOAD_CHUNK):
            rows.extend(_project_stored(signal_ids[i : i + LOAD_CHUNK]))
        insert_entries(rows)
        touched: dict[uuid.UUID, set[uuid.UUID]] = {victim: set() for victim in before}
        for r in rows:
            touched.setdefault(r.victim_ref, set())
            if r.perpetrator_ref is not None:
                touched[r.victim_ref].add(r.perpetrator_ref)
        if touched:
            evaluate_victims(touched, timezone.now())
    return len(rows)


def rebuild_all() -> int:
    """Rebuild the whole timeline stream from the signals (after a vocabulary change)."""
    with transaction.atomic():
        TimelineEntry.objects.all().delete()
        rows = _project_stored(None)
        insert_entries(rows)
    return len(rows)
