"""Access-controlled reads of cases. A case is visible to its director and the members of its
team while they are on it; nobody else learns it exists. Every read is audited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from patroon.accounts.access import NotVisible, require
from patroon.accounts.actor import Actor
from patroon.accounts.permissions import Capability
from patroon.audit.services import record, record_many
from patroon.cases import attention, policy
from patroon.cases.membership import OPEN_STATUSES
from patroon.cases.models import (
    AftercareTask,
    Breach,
    Case,
    CaseEvent,
    Child,
    Conference,
    Measure,
    Notification,
    SafetyAction,
    TeamMember,
)
from patroon.cases.services import unseal

CONFERENCE_ACTION = "case_conference"


def _visible(actor: Actor):
    require(actor, Capability.CASE_READ)
    if actor.user_id is None:
        return Case.objects.none()
    member_of = TeamMember.objects.filter(user_id=actor.user_id, removed_at__isnull=True)
    return Case.objects.filter(Q(director_id=actor.user_id) | Q(pk__in=member_of.values("case")))


def visible_case(actor: Actor, case_id) -> Case:
    case = _visible(actor).filter(pk=case_id).select_related("organisation").first()
    if case is None:
        raise NotVisible("case")
    return case


# --- Risk level and the conference it requires --------------------------------------------


def current_levels(victims) -> dict[uuid.UUID, list]:
    """The latest completed assessment of each organisation per victim (``victims``: a list of
    references or a subquery yielding them)."""
    from patroon.risk.models import Assessment

    rows = (
        Assessment.objects.filter(
            victim_ref__in=victims, status=Assessment.Status.COMPLETED, superseded=False
        )
        .order_by("completed_at")
        .values_list(
            "victim_ref",
            "organisation_id",
            "organisation__kind",
            "final_level",
            "completed_at",
            "region",
        )
    )
    latest: dict[uuid.UUID, dict[int, tuple]] = {}
    for victim, org_id, kind, level, completed, region in rows:
        latest.setdefault(victim, {})[org_id] = (kind, level, completed, region)
    return {v: list(per_org.values()) for v, per_org in latest.items()}


def conference_requirements(
    cases, levels: dict | None = None
) -> dict[uuid.UUID, attention.ConferenceRequirement]:
    """Per case, the conference its highest current level requires (protocol data: the level's
    ``case_conference`` action and its deadline), counted from that assessment."""
    from patroon.risk.levels import rank
    from patroon.risk.protocol import protocol

    if levels is None:
        levels = current_levels([c.victim_ref for c in cases if c.victim_ref])
    book = protocol()
    found = {}
    for case in cases:
        current = levels.get(case.victim_ref)
        if not current:
            continue
        kind, level, completed, region = max(current, key=lambda r: (rank(r[1]), r[2]))
        spec = book.for_level(level, region or case.region)
        action = next(
            (a for a in (spec.actions if spec else ()) if a.id == CONFERENCE_ACTION), None
        )
        if action is not None:
            found[case.pk] = attention.ConferenceRequirement(level, completed, action.due)
    return found


def risk_picture(case: Case, at: datetime) -> dict:
    """Levels per organisation and open alerts at a moment: frozen into a conference record."""
    from patroon.patterns.models import Alert
    from patroon.patterns.services import OPEN_STATUSES as OPEN_ALERTS
    from patroon.risk.levels import highest

    current = current_levels([case.victim_ref]).get(case.victim_ref, [])
    levels = [
        {"organisation_kind": kind, "level": level, "assessed": completed.isoformat()}
        for kind, level, completed, _ in current
        if completed <= at
    ]
    open_alerts = Alert.objects.filter(victim_ref=case.victim_ref, status__in=OPEN_ALERTS)
    return {
        "at": at.isoformat(),
        "levels": levels,
        "highest": highest(item["level"] for item in levels),
        "open_alerts": sorted(open_alerts.values_list("rule_id", flat=True)),
    }


# --- Today ------------------------------------------------------------------------------


@dataclass
class CaseRow:
    case: Case
    level: str
    items: list[attention.Item] = field(default_factory=list)


@dataclass(frozen=True)
class Today:
    directed: list[CaseRow]
    member_of: list[CaseRow]
    my_actions: list[SafetyAction]

    @property
    def attention_count(self) -> int:
        return sum(len(row.items) for row in self.directed)


def today(actor: Actor, now: datetime | None = None) -> Today:
    """The director's day: each open case with what needs attention, worst first; and the
    cases the actor is on as a member, with the actions the actor owns."""
    now = now or timezone.now()
    today_ = timezone.localdate(now)
    from patroon.risk.levels import NOT_ASSESSED, highest

    visible = _visible(actor).filter(status__in=OPEN_STATUSES)
    cases = list(visible.order_by("opened_at"))
    directed = [c for c in cases if c.director_id == actor.user_id]
    items: dict[uuid.UUID, list[attention.Item]] = {c.pk: [] for c in directed}
    # Filter on the director through a join, not on a list of 200 case ids: the ORM prepares
    # every id of such a list again for each query.
    mine = {"case__director_id": actor.user_id, "case__status__in": OPEN_STATUSES}
    overdue = SafetyAction.objects.filter(
        status=SafetyAction.Status.OPEN, due_at__lt=now, **mine
    ).values_list("case_id", "pk", "due_at")
    for case_id, pk, due in overdue:
        items[case_id].extend(attention.overdue_actions([(pk, due)], now))
    warn = policy.measures().warn_days
    ending = Measure.objects.filter(
        status=Measure.Status.ACTIVE,
        ends_on__gte=today_,
        ends_on__lte=today_ + timedelta(days=warn),
        **mine,
    ).values_list("case_id", "pk", "ends_on")
    for case_id, pk, ends in ending:
        items[case_id].extend(attention.expiring_measures([(pk, ends)], today_, warn))
    conferences: dict[uuid.UUID, list] = {}
    for case_id, scheduled, held in Conference.objects.filter(**mine).values_list(
        "case_id", "scheduled_at", "held_at"
    ):
        conferences.setdefault(case_id, []).append((scheduled, held))
    levels = current_levels(visible.values("victim_ref"))
    required = conference_requirements(directed, levels)
    for case in directed:
        late = attention.late_conference(required.get(case.pk), conferences.get(case.pk, []), now)
        if late is not None:
            items[case.pk].append(late)
        if case.unseen_signals:
            items[case.pk].append(
                attention.Item(attention.NEW_SIGNALS, None, None, case.unseen_signals)
            )
    for case_id, pk, occurred in Breach.objects.filter(
        acknowledged_at__isnull=True, **mine
    ).values_list("case_id", "pk", "occurred"):
        items[case_id].append(attention.Item(attention.BREACH, occurred, pk))
    for case_id, pk, check_in in AftercareTask.objects.filter(
        done_at__isnull=True, check_in_on__lte=today_, **mine
    ).values_list("case_id", "pk", "check_in_on"):
        items[case_id].append(attention.Item(attention.AFTERCARE_DUE, check_in, pk))

    def level_of(case):
        return highest(r[1] for r in levels.get(case.victim_ref, [])) or NOT_ASSESSED

    rows = [CaseRow(c, level_of(c), attention.sort_items(items[c.pk])) for c in directed]
    rows.sort(
        key=lambda r: (
            not r.items,
            attention.ORDER.index(r.items[0].kind) if r.items else 0,
            r.case.opened_at,
        )
    )
    others = [CaseRow(c, level_of(c)) for c in cases if c.director_id != actor.user_id]
    mine = list(
        SafetyAction.objects.filter(
            owner_id=actor.user_id, status=SafetyAction.Status.OPEN, case__in=visible
        ).select_related("case")
    )
    record_many(actor, "list", "case", [str(c.pk) for c in cases], "cases today")
    return Today(rows, others, mine)


# --- One case ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A row with its decrypted free text."""

    row: object
    text: str


@dataclass(frozen=True)
class CaseView:
    case: Case
    is_director: bool
    level: str
    members: list[TeamMember]
    former_members: list[TeamMember]
    goals: list[Text]
    actions: list[Text]
    measures: list[Text]
    breaches: list[Breach]
    conferences: list[dict]
    children: list[dict]
    aftercare: list[Text]
    events: list[Text]
    attention: list[attention.Item]
    close_reason: str


def case_detail(actor: Actor, case_id, now: datetime | None = None) -> CaseView:
    from patroon.risk.levels import NOT_ASSESSED, highest

    now = now or timezone.now()
    case = visible_case(actor, case_id)
    members = list(case.members.select_related("user", "organisation").order_by("added_at"))
    actions = list(case.actions.select_related("owner_organisation", "owner"))
    measures = list(case.measures.select_related("responsible_organisation"))
    conferences = []
    for conf in case.conferences.prefetch_related("decisions"):
        conferences.append(
            {
                "conference": conf,
                "agenda": unseal(conf.agenda, "Conference.agenda"),
                "decisions": [(d, unseal(d.text, "Decision.text")) for d in conf.decisions.all()],
            }
        )
    children = [
        {
            "child": c,
            "safety": unseal(c.safety, "Child.safety"),
            "school_custody": unseal(c.school_custody, "Child.school_custody"),
        }
        for c in Child.objects.filter(case=case).order_by("id")
    ]
    levels = current_levels([case.victim_ref]).get(case.victim_ref, []) if case.victim_ref else []
    items = attention.overdue_actions(
        [(a.pk, a.due_at) for a in actions if a.status == SafetyAction.Status.OPEN], now
    )
    items += attention.expiring_measures(
        [(m.pk, m.ends_on) for m in measures if m.status == Measure.Status.ACTIVE],
        timezone.localdate(now),
        policy.measures().warn_days,
    )
    late = attention.late_conference(
        conference_requirements([case]).get(case.pk),
        [(c["conference"].scheduled_at, c["conference"].held_at) for c in conferences],
        now,
    )
    if late is not None:
        items.append(late)
    record(actor, "read", "case", str(case.pk), "case file")
    return CaseView(
        case=case,
        is_director=case.director_id == actor.user_id,
        level=highest(r[1] for r in levels) or NOT_ASSESSED,
        members=[m for m in members if m.removed_at is None],
        former_members=[m for m in members if m.removed_at is not None],
        goals=[
            Text(g, unseal(g.text, "SafetyGoal.text")) for g in case.goals.order_by("created_at")
        ],
        actions=[Text(a, unseal(a.text, "SafetyAction.text")) for a in actions],
        measures=[Text(m, unseal(m.note, "Measure.note")) for m in measures],
        breaches=list(
            case.breaches.select_related("measure", "organisation").order_by("-occurred")
        ),
        conferences=conferences,
        children=children,
        aftercare=[
            Text(t, unseal(t.text, "AftercareTask.text"))
            for t in case.aftercare.select_related("child")
        ],
        events=[
            Text(e, unseal(e.note, "CaseEvent.note")) for e in CaseEvent.objects.filter(case=case)
        ],
        attention=attention.sort_items(items),
        close_reason=unseal(case.close_reason, "Case.close_reason"),
    )


def case_list(actor: Actor, status: str = "") -> list[Case]:
    cases = _visible(actor)
    if status:
        cases = cases.filter(status=status)
    found = list(cases.select_related("organisation", "director").order_by("-opened_at")[:200])
    record_many(actor, "list", "case", [str(c.pk) for c in found], "case list")
    return found


def inbox(actor: Actor, limit: int = 100) -> list[Notification]:
    if actor.user_id is None:
        return []
    return list(
        Notification.objects.filter(user_id=actor.user_id)
        .select_related("case")
        .order_by("read_at", "-created_at")[:limit]
    )


def unread_count(actor: Actor) -> int:
    if actor.user_id is None:
        return 0
    return Notification.objects.filter(user_id=actor.user_id, read_at__isnull=True).count()


def team_candidates(actor: Actor, case: Case):
    """Active users of active organisations who can be added to the team (no admins)."""
    from patroon.accounts.models import User

    on_team = case.members.filter(removed_at__isnull=True).values("user_id")
    return (
        User.objects.filter(is_active=True, organisation__active=True)
        .exclude(pk__in=on_team)
        .select_related("organisation")
        .order_by("organisation__name", "username")
    )


def director_candidates():
    """Active users whose roles allow directing a case, for the choice of a director."""
    from patroon.accounts.models import User
    from patroon.accounts.permissions import roles_with

    return list(
        User.objects.filter(
            is_active=True, role_grants__role__in=roles_with(Capability.CASE_DIRECT)
        )
        .distinct()
        .select_related("organisation")
        .order_by("organisation__name", "username")
    )
