"""Writes for casusregie. Every write checks the actor's place on the case, runs in one
transaction, records a case event and an audit entry, and notifies whom it concerns."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from patroon.accounts.access import AccessDenied, NotVisible, require
from patroon.accounts.actor import Actor
from patroon.accounts.models import Organisation, User
from patroon.accounts.permissions import Capability
from patroon.audit.services import record
from patroon.cases import notify, policy
from patroon.cases.membership import OPEN_STATUSES
from patroon.cases.models import (
    AftercareTask,
    Breach,
    Case,
    CaseEvent,
    Child,
    Conference,
    Decision,
    Measure,
    SafetyAction,
    SafetyGoal,
    TeamMember,
)
from patroon.security.keys import cipher

# Each encrypted column has a purpose of its own (associated data), so a ciphertext cannot be
# moved to another column and still decrypt; security.registry lists them for key rotation.
ENCRYPTED_COLUMNS = (
    "Case.close_reason",
    "CaseEvent.note",
    "SafetyGoal.text",
    "SafetyAction.text",
    "Measure.note",
    "Conference.agenda",
    "Decision.text",
    "Child.safety",
    "Child.school_custody",
    "AftercareTask.text",
)


def purpose(column: str) -> bytes:
    return f"patroon.cases.{column}".encode()


MAX_TEXT = 4000

# Allowed status changes; closing is possible from every open state.
TRANSITIONS = {
    Case.Status.OPEN: {Case.Status.ACTIVE, Case.Status.AFTERCARE, Case.Status.CLOSED},
    Case.Status.ACTIVE: {Case.Status.AFTERCARE, Case.Status.CLOSED},
    Case.Status.AFTERCARE: {Case.Status.CLOSED},
    Case.Status.CLOSED: set(),
}


class CaseError(ValueError):
    """The request cannot be carried out as asked; the message says why (shown to the user)."""


def seal(text: str, column: str) -> bytes:
    return cipher().encrypt(text, purpose(column))


def unseal(value, column: str) -> str:
    return cipher().decrypt(value, purpose(column)) if value else ""


def _clean(text: str, what: str, *, required: bool = True) -> str:
    text = (text or "").strip()
    if required and not text:
        raise CaseError(f"{what} is required.")
    if len(text) > MAX_TEXT:
        raise CaseError(f"{what} is longer than {MAX_TEXT} characters.")
    return text


def _event(case: Case, kind: str, actor: Actor, note: str = "", **detail) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        at=timezone.now(),
        by=actor.username,
        detail={k: str(v) for k, v in detail.items()},
        note=seal(note, "CaseEvent.note") if note else None,
    )


def _locked(actor: Actor, case_id, *, director: bool = False) -> Case:
    """The case, locked for update, if the actor is on its team (or its director)."""
    require(actor, Capability.CASE_READ)
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None or not _is_member(actor, case):
        raise NotVisible("case")
    if director and case.director_id != actor.user_id:
        raise AccessDenied("case director")
    if case.status == Case.Status.CLOSED:
        raise CaseError("This case is closed.")
    return case


def _is_member(actor: Actor, case: Case) -> bool:
    if actor.user_id is None:
        return False
    return (
        case.director_id == actor.user_id
        or TeamMember.objects.filter(
            case=case, user_id=actor.user_id, removed_at__isnull=True
        ).exists()
    )


def _user(user_id, what: str) -> User:
    user = User.objects.select_related("organisation").filter(pk=user_id, is_active=True).first()
    if user is None or user.organisation_id is None:
        raise CaseError(f"{what}: no active user of an organisation with that id.")
    return user


def _add_member(case: Case, user: User, actor: Actor, task: str = "") -> TeamMember:
    current = TeamMember.objects.filter(case=case, user=user, removed_at__isnull=True).first()
    if current is not None:
        return current
    member = TeamMember.objects.create(
        case=case,
        user=user,
        organisation_id=user.organisation_id,
        task=task,
        added_at=timezone.now(),
        added_by=actor.username,
    )
    _event(case, "member_added", actor, user=user.username, organisation=user.organisation.code)
    notify.send(user, notify.ASSIGNED, case, key=f"member:{member.pk}")
    return member


# --- Opening, direction, team -----------------------------------------------------------


def open_case(
    actor: Actor,
    *,
    victim_ref: uuid.UUID | None = None,
    perpetrator_ref: uuid.UUID | None = None,
    alert_id=None,
    assessment_id=None,
    director_id: int | None = None,
    region: str = "",
) -> Case:
    """Open a case for a victim: from an alert routed to the actor's organisation, from one of
    its risk assessments, or by hand. One open case per victim."""
    require(actor, Capability.CASE_OPEN)
    origin, origin_ref = Case.Origin.MANUAL, ""
    if alert_id is not None:
        from patroon.patterns.models import Alert

        alert = Alert.objects.filter(
            pk=alert_id, routed_organisation_id=actor.organisation_id
        ).first()
        if alert is None:
            raise NotVisible("alert")
        victim_ref, perpetrator_ref, region = alert.victim_ref, alert.perpetrator_ref, alert.region
        origin, origin_ref = Case.Origin.ALERT, str(alert.pk)
    elif assessment_id is not None:
        from patroon.risk.models import Assessment

        assessment = Assessment.objects.filter(
            pk=assessment_id, organisation_id=actor.organisation_id
        ).first()
        if assessment is None:
            raise NotVisible("assessment")
        victim_ref, perpetrator_ref = assessment.victim_ref, assessment.perpetrator_ref
        region = assessment.region
        origin, origin_ref = Case.Origin.ASSESSMENT, str(assessment.pk)
    if victim_ref is None:
        raise CaseError("A case needs a victim (person reference).")
    organisation = Organisation.objects.get(pk=actor.organisation_id)
    director = _user(director_id, "Case director") if director_id else None
    if director is not None and not _has_direct_role(director):
        raise CaseError("The case director must have the case director role.")
    with transaction.atomic():
        existing = Case.objects.filter(victim_ref=victim_ref, status__in=OPEN_STATUSES).first()
        if existing is not None:
            raise CaseError(f"Case {existing.number} is already open for this person.")
        case_id = uuid.uuid4()
        now = timezone.now()
        try:
            case = Case.objects.create(
                id=case_id,
                number=f"CR-{now:%Y}-{case_id.hex[:6].upper()}",
                victim_ref=victim_ref,
                perpetrator_ref=perpetrator_ref,
                region=region or organisation.region,
                organisation=organisation,
                origin=origin,
                origin_ref=origin_ref,
                opened_at=now,
                opened_by=actor.username,
                director=director,
            )
        except IntegrityError as exc:  # the 24-bit number collided: ask to try again
            raise CaseError("Could not number the case; please try again.") from exc
        _event(case, "opened", actor, origin=origin, origin_ref=origin_ref)
        opener = User.objects.filter(pk=actor.user_id).first()
        if opener is not None:
            _add_member(case, opener, actor)
        if director is not None:
            _add_member(case, director, actor)
            _event(case, "director", actor, to=director.username)
            notify.send(director, notify.DIRECTOR, case, key=f"director:{case.pk}:{director.pk}")
        record(actor, "create", "case", str(case.pk), f"case opened ({origin})")
    return case


def _has_direct_role(user: User) -> bool:
    from patroon.accounts.permissions import capabilities_for

    return Capability.CASE_DIRECT in capabilities_for(user.role_codes())


def assign_director(actor: Actor, case_id, user_id: int, note: str = "") -> Case:
    """Hand the case to a new director. The current director hands over; while a case has no
    director, any team member may appoint one (someone with the case-director role, possibly
    themselves). Recorded with a note."""
    with transaction.atomic():
        case = _locked(actor, case_id)
        if case.director_id is not None and case.director_id != actor.user_id:
            raise AccessDenied("case director")
        new = _user(user_id, "Case director")
        if not _has_direct_role(new):
            raise CaseError("The new case director must have the case director role.")
        if new.pk == case.director_id:
            raise CaseError("This person is already the case director.")
        previous = case.director.username if case.director_id else ""
        case.director = new
        case.director_seen_at = None
        case.save(update_fields=["director", "director_seen_at"])
        _add_member(case, new, actor)
        _event(
            case,
            "director",
            actor,
            _clean(note, "Note", required=False),
            to=new.username,
            previous=previous,
        )
        notify.send(new, notify.DIRECTOR, case, key=f"director:{case.pk}:{new.pk}")
        record(actor, "update", "case", str(case.pk), "case director handed over")
    return case


def set_contact_person(actor: Actor, case_id, user_id: int) -> Case:
    """The victim's fixed contact person (vast aanspreekpunt); joins the team."""
    with transaction.atomic():
        case = _locked(actor, case_id, director=True)
        person = _user(user_id, "Contact person")
        case.contact_person = person
        case.save(update_fields=["contact_person"])
        _add_member(case, person, actor)
        _event(case, "contact_person", actor, to=person.username)
        notify.send(person, notify.CONTACT, case, key=f"contact:{case.pk}:{person.pk}")
        record(actor, "update", "case", str(case.pk), "contact person set")
    return case


def add_member(actor: Actor, case_id, user_id: int, task: str = "") -> TeamMember:
    with transaction.atomic():
        case = _locked(actor, case_id, director=True)
        user = _user(user_id, "Team member")
        member = _add_member(case, user, actor, _clean(task, "Task", required=False))
        record(actor, "update", "case", str(case.pk), "team member added")
    return member


def remove_member(actor: Actor, case_id, member_id: int) -> TeamMember:
    """Ends the member's access at once. The director and contact person stay until replaced."""
    with transaction.atomic():
        case = _locked(actor, case_id, director=True)
        member = TeamMember.objects.filter(pk=member_id, case=case, removed_at__isnull=True).first()
        if member is None:
            raise NotVisible("team member")
        if member.user_id in (case.director_id, case.contact_person_id):
            raise CaseError(
                "Appoint someone else first: this member directs the case or is "
                "the victim's contact person."
            )
        member.removed_at = timezone.now()
        member.removed_by = actor.username
        member.save(update_fields=["removed_at", "removed_by"])
        _event(case, "member_removed", actor, user=member.user.username)
        record(actor, "update", "case", str(case.pk), "team member removed")
    return member


def set_combined_handling(actor: Actor, case_id, combined: bool) -> Case:
    with transaction.atomic():
        case = _locked(actor, case_id, director=True)
        case.combined_handling = combined
        case.save(update_fields=["combined_handling"])
        _event(case, "combined_handling", actor, value=combined)
        record(actor, "update", "case", str(case.pk), "combined criminal and civil handling")
    return case


def change_status(
    actor: Actor, case_id, status: str, *, outcome: str = "", reason: str = ""
) -> Case:
    """open → active → aftercare → closed. Aftercare and closure need an outcome; closure a
    reason. Entering aftercare or closing creates the aftercare tasks (once), children first."""
    with transaction.atomic():
        case = _locked(actor, case_id, director=True)
        if status not in TRANSITIONS[case.status]:
            raise CaseError(f"A case cannot go from {case.status} to {status}.")
        outcomes = policy.aftercare().outcomes
        if status in (Case.Status.AFTERCARE, Case.Status.CLOSED):
            outcome = outcome or case.outcome
            if outcome not in outcomes:
                raise CaseError(f"Choose an outcome: {', '.join(outcomes)}.")
            case.outcome = outcome
            if not case.aftercare.exists():
                _create_aftercare(case, outcome)
        now = timezone.now()
        if status == Case.Status.CLOSED:
            case.close_reason = seal(_clean(reason, "Reason for closing"), "Case.close_reason")
            case.closed_at, case.closed_by = now, actor.username
        case.status = status
        case.save()
        _event(
            case,
            "status",
            actor,
            reason if status == Case.Status.CLOSED else "",
            to=status,
            outcome=outcome,
        )
        record(actor, "update", "case", str(case.pk), f"status {status}")
    return case


def _create_aftercare(case: Case, outcome: str) -> None:
    today = timezone.localdate()
    children = list(case.children.all())
    for template in policy.aftercare().tasks:
        if outcome not in template.when:
            continue
        targets = children if template.per_child else [None]
        for child in targets:
            AftercareTask.objects.create(
                case=case,
                for_whom=template.for_whom,
                child=child,
                text=seal(template.text.nl, "AftercareTask.text"),
                check_in_on=today + timedelta(days=template.check_in_days),
                owner_organisation=case.organisation,
            )


def complete_aftercare(actor: Actor, task_id: int) -> AftercareTask:
    require(actor, Capability.CASE_CONTRIBUTE)
    with transaction.atomic():
        task = AftercareTask.objects.select_for_update().filter(pk=task_id).first()
        if task is None or not _is_member(actor, task.case):
            raise NotVisible("aftercare task")
        if task.done_at is None:
            task.done_at, task.done_by = timezone.now(), actor.username
            task.save(update_fields=["done_at", "done_by"])
            _event(task.case, "aftercare_done", actor, task=task.pk)
            record(actor, "update", "case", str(task.case_id), "aftercare check-in done")
    return task


# --- Safety plan ------------------------------------------------------------------------


def add_goal(actor: Actor, case_id, text: str) -> SafetyGoal:
    require(actor, Capability.CASE_CONTRIBUTE)
    with transaction.atomic():
        case = _locked(actor, case_id)
        goal = SafetyGoal.objects.create(
            case=case,
            text=seal(_clean(text, "Goal"), "SafetyGoal.text"),
            created_at=timezone.now(),
            created_by=actor.username,
        )
        _event(case, "goal_added", actor, goal=goal.pk)
        record(actor, "update", "case", str(case.pk), "safety goal added")
    return goal


def add_action(
    actor: Actor,
    case_id,
    *,
    text: str,
    owner_organisation_id: int,
    due_at: datetime,
    owner_id: int | None = None,
    goal_id: int | None = None,
    origin: str = SafetyAction.Origin.MANUAL,
    origin_ref: str = "",
) -> SafetyAction:
    require(actor, Capability.CASE_CONTRIBUTE)
    with transaction.atomic():
        case = _locked(actor, case_id)
        return _create_action(
            actor, case, text, owner_organisation_id, due_at, owner_id, goal_id, origin, origin_ref
        )


def _create_action(
    actor,
    case,
    text,
    owner_organisation_id,
    due_at,
    owner_id=None,
    goal_id=None,
    origin=SafetyAction.Origin.MANUAL,
    origin_ref="",
) -> SafetyAction:
    organisation = Organisation.objects.filter(pk=owner_organisation_id, active=True).first()
    if organisation is None:
        raise CaseError("Owner: no active organisation with that id.")
    owner = _user(owner_id, "Owner") if owner_id else None
    if owner is not None and owner.organisation_id != organisation.pk:
        raise CaseError("Owner: this person does not work for the owning organisation.")
    if goal_id is not None and not SafetyGoal.objects.filter(pk=goal_id, case=case).exists():
        raise CaseError("Goal: not a goal of this case.")
    if due_at is None:
        raise CaseError("A deadline is required.")
    action = SafetyAction.objects.create(
        case=case,
        goal_id=goal_id,
        text=seal(_clean(text, "Action"), "SafetyAction.text"),
        owner_organisation=organisation,
        owner=owner,
        due_at=due_at,
        origin=origin,
        origin_ref=origin_ref,
        created_at=timezone.now(),
        created_by=actor.username,
    )
    _event(case, "action_added", actor, action=action.pk, origin=origin)
    if owner is not None:
        notify.send(owner, notify.ACTION_ASSIGNED, case, key=f"action:{action.pk}")
    record(actor, "update", "case", str(case.pk), f"safety action added ({origin})")
    return action


def actions_from_alert(actor: Actor, case_id, alert_id) -> SafetyAction:
    """The alert's recommended step becomes an action of the actor's organisation."""
    from patroon.patterns.models import Alert
    from patroon.patterns.rulebook import rulebook

    with transaction.atomic():
        case = _locked(actor, case_id)
        alert = Alert.objects.filter(pk=alert_id, victim_ref=case.victim_ref).first()
        if alert is None:
            raise NotVisible("alert")
        book = rulebook()
        rule = book.rule(alert.rule_id)
        step = rule.recommended_step("nl") if rule else alert.rule_id
        # The step is due within the alert's own response window (the rules file's policy).
        hours = book.acknowledge_within_hours.get(alert.severity, 72)
        due = timezone.now() + timedelta(hours=hours)
        return _create_action(
            actor,
            case,
            step,
            actor.organisation_id,
            due,
            origin=SafetyAction.Origin.ALERT,
            origin_ref=str(alert.pk),
        )


def actions_from_assessment(actor: Actor, case_id, assessment_id) -> list[SafetyAction]:
    """Each open action of the assessment's level protocol becomes a plan action with the
    protocol's deadline, owned by the assessing organisation. Created once per task."""
    from patroon.risk.models import Assessment, ProtocolTask
    from patroon.risk.protocol import protocol

    with transaction.atomic():
        case = _locked(actor, case_id)
        assessment = Assessment.objects.filter(
            pk=assessment_id, victim_ref=case.victim_ref, status=Assessment.Status.COMPLETED
        ).first()
        if assessment is None:
            raise NotVisible("assessment")
        level = protocol().for_level(assessment.final_level, assessment.region)
        texts = {a.id: a.text.nl for a in (level.actions if level else ())}
        already = set(
            case.actions.filter(origin=SafetyAction.Origin.PROTOCOL).values_list(
                "origin_ref", flat=True
            )
        )
        created = []
        tasks = ProtocolTask.objects.filter(
            assessment=assessment, kind=ProtocolTask.Kind.ACTION, done_at__isnull=True
        )
        for task in tasks:
            ref = f"{assessment.pk}:{task.code}"
            if ref in already:
                continue
            created.append(
                _create_action(
                    actor,
                    case,
                    texts.get(task.code, task.code),
                    assessment.organisation_id,
                    task.due_at,
                    origin=SafetyAction.Origin.PROTOCOL,
                    origin_ref=ref,
                )
            )
    return created


def set_action_status(actor: Actor, action_id: int, status: str) -> SafetyAction:
    """The owner (person or, without one, a member of the owning organisation) or the case
    director marks an action done or cancelled."""
    if status not in (SafetyAction.Status.DONE, SafetyAction.Status.CANCELLED):
        raise CaseError("An action can be marked done or cancelled.")
    require(actor, Capability.CASE_CONTRIBUTE)
    with transaction.atomic():
        action = SafetyAction.objects.select_for_update().filter(pk=action_id).first()
        if action is None or not _is_member(actor, action.case):
            raise NotVisible("action")
        owns = action.owner_id == actor.user_id or (
            action.owner_id is None and action.owner_organisation_id == actor.organisation_id
        )
        if not owns and action.case.director_id != actor.user_id:
            raise AccessDenied("action owner or case director")
        if action.status != SafetyAction.Status.OPEN:
            raise CaseError("This action is no longer open.")
        action.status = status
        action.done_at, action.done_by = timezone.now(), actor.username
        action.save(update_fields=["status", "done_at", "done_by"])
        _event(action.case, "action_" + status, actor, action=action.pk)
        record(actor, "update", "case", str(action.case_id), f"safety action {status}")
    return action


# --- Measures ---------------------------------------------------------------------------


def register_measure(
    actor: Actor,
    case_id,
    *,
    kind: str,
    starts_on: date,
    ends_on: date | None,
    responsible_organisation_id: int,
    legal_basis: str = "",
    note: str = "",
) -> Measure:
    require(actor, Capability.CASE_CONTRIBUTE)
    kinds = policy.measures().kinds
    if kind not in kinds:
        raise CaseError(f"Unknown measure: {kind}. Known: {', '.join(kinds)}.")
    if ends_on is not None and ends_on < starts_on:
        raise CaseError("The end date lies before the start date.")
    legal_basis = _clean(legal_basis or kinds[kind].legal_basis, "Legal basis")
    with transaction.atomic():
        case = _locked(actor, case_id)
        if not Organisation.objects.filter(pk=responsible_organisation_id, active=True).exists():
            raise CaseError("Responsible organisation: no active organisation with that id.")
        measure = Measure.objects.create(
            case=case,
            kind=kind,
            legal_basis=legal_basis[:200],
            starts_on=starts_on,
            ends_on=ends_on,
            responsible_organisation_id=responsible_organisation_id,
            note=seal(_clean(note, "Note", required=False), "Measure.note") if note else None,
            created_at=timezone.now(),
            created_by=actor.username,
        )
        _event(case, "measure_registered", actor, measure=measure.pk, measure_kind=kind)
        record(actor, "update", "case", str(case.pk), f"measure registered ({kind})")
    return measure


def end_measure(actor: Actor, measure_id: int) -> Measure:
    require(actor, Capability.CASE_CONTRIBUTE)
    with transaction.atomic():
        measure = Measure.objects.select_for_update().filter(pk=measure_id).first()
        if measure is None or not _is_member(actor, measure.case):
            raise NotVisible("measure")
        if measure.status != Measure.Status.ACTIVE:
            raise CaseError("This measure has already ended.")
        measure.status = Measure.Status.ENDED
        measure.ended_at, measure.ended_by = timezone.now(), actor.username
        measure.save(update_fields=["status", "ended_at", "ended_by"])
        _event(measure.case, "measure_ended", actor, measure=measure.pk)
        record(actor, "update", "case", str(measure.case_id), "measure ended")
    return measure


def acknowledge_breach(actor: Actor, breach_id: int) -> Breach:
    require(actor, Capability.CASE_CONTRIBUTE)
    with transaction.atomic():
        breach = Breach.objects.select_for_update().filter(pk=breach_id).first()
        if breach is None or not _is_member(actor, breach.case):
            raise NotVisible("breach")
        if breach.acknowledged_at is None:
            breach.acknowledged_at, breach.acknowledged_by = timezone.now(), actor.username
            breach.save(update_fields=["acknowledged_at", "acknowledged_by"])
            _event(breach.case, "breach_acknowledged", actor, breach=breach.pk)
            record(actor, "update", "case", str(breach.case_id), "breach acknowledged")
    return breach


# --- Conferences ------------------------------------------------------------------------


def schedule_conference(actor: Actor, case_id, scheduled_at: datetime, agenda: str) -> Conference:
    with transaction.atomic():
        case = _locked(actor, case_id, director=True)
        conference = Conference.objects.create(
            case=case,
            scheduled_at=scheduled_at,
            agenda=seal(_clean(agenda, "Agenda"), "Conference.agenda"),
            created_at=timezone.now(),
            created_by=actor.username,
        )
        _event(case, "conference_scheduled", actor, conference=conference.pk)
        for member in case.members.filter(removed_at__isnull=True).select_related("user"):
            notify.send(member.user, notify.CONFERENCE, case, key=f"conference:{conference.pk}")
        record(actor, "update", "case", str(case.pk), "case conference scheduled")
    return conference


def record_conference(
    actor: Actor,
    conference_id: int,
    *,
    held_at: datetime,
    present: list[str],
    decisions: list[dict],
) -> Conference:
    """Record who attended, freeze the risk picture of that moment, and store the decisions;
    a decision with an owner and deadline becomes a plan action."""
    from patroon.cases.selectors import risk_picture

    require(actor, Capability.CASE_READ)
    with transaction.atomic():
        conference = Conference.objects.select_for_update().filter(pk=conference_id).first()
        if conference is None:
            raise NotVisible("conference")
        case = _locked(actor, conference.case_id, director=True)
        if conference.held_at is not None:
            raise CaseError("This conference has already been recorded.")
        members = list(
            case.members.filter(removed_at__isnull=True).select_related("user", "organisation")
        )
        present_set = set(present)
        unknown = present_set - {m.user.username for m in members}
        if unknown:
            raise CaseError(f"Not on the team: {', '.join(sorted(unknown))}.")
        conference.held_at = held_at
        conference.attendance = [
            {
                "username": m.user.username,
                "organisation": m.organisation.code,
                "present": m.user.username in present_set,
            }
            for m in members
        ]
        conference.risk_picture = risk_picture(case, held_at)
        conference.recorded_by = actor.username
        conference.save()
        for item in decisions:
            text = _clean(item.get("text", ""), "Decision")
            action = None
            if item.get("owner_organisation_id") and item.get("due_at"):
                action = _create_action(
                    actor,
                    case,
                    text,
                    item["owner_organisation_id"],
                    item["due_at"],
                    owner_id=item.get("owner_id"),
                    origin=SafetyAction.Origin.CONFERENCE,
                    origin_ref=str(conference.pk),
                )
            Decision.objects.create(
                conference=conference, text=seal(text, "Decision.text"), action=action
            )
        _event(case, "conference_held", actor, conference=conference.pk)
        record(actor, "update", "case", str(case.pk), "case conference recorded")
    return conference


# --- Children ---------------------------------------------------------------------------


def add_child(
    actor: Actor,
    case_id,
    *,
    label: str,
    age_group: str = "",
    person_ref: uuid.UUID | None = None,
    safety: str = "",
    school_custody: str = "",
    access_arrangement_risk: str = Child.Risk.UNKNOWN,
) -> Child:
    """A child in view. ``label`` is how the team refers to the child (e.g. "Kind A, 2016"),
    not a name: identities stay in the vault, reachable through ``person_ref``."""
    require(actor, Capability.CASE_CONTRIBUTE)
    if access_arrangement_risk not in Child.Risk.values:
        raise CaseError("Access arrangement risk: yes, no or unknown.")
    if age_group and age_group not in Child.AgeGroup.values:
        raise CaseError(f"Age group: one of {', '.join(Child.AgeGroup.values)}.")
    with transaction.atomic():
        case = _locked(actor, case_id)
        child = Child.objects.create(
            case=case,
            person_ref=person_ref,
            label=_clean(label, "Label")[:40],
            age_group=age_group,
            safety=seal(safety.strip(), "Child.safety") if safety.strip() else None,
            school_custody=seal(school_custody.strip(), "Child.school_custody")
            if school_custody.strip()
            else None,
            access_arrangement_risk=access_arrangement_risk,
            created_at=timezone.now(),
            created_by=actor.username,
        )
        _event(case, "child_added", actor, child=child.pk)
        record(actor, "update", "case", str(case.pk), "child added")
    return child


def mark_seen(actor: Actor, case: Case) -> None:
    """The director has looked at the case: new signals are no longer new."""
    if case.director_id == actor.user_id:
        Case.objects.filter(pk=case.pk).update(director_seen_at=timezone.now(), unseen_signals=0)


# --- Dossier ----------------------------------------------------------------------------

DOSSIER_FORMATS = {"pdf": "application/pdf", "json": "application/json"}


def export_dossier(actor: Actor, case_id, *, reason: str, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the dossier; only for the roles allowed to, on the
    case's team, with a reason. The export is a case event and an audit entry."""
    from patroon.cases import dossier

    require(actor, Capability.DOSSIER_EXPORT)
    if fmt not in DOSSIER_FORMATS:
        raise CaseError("Format: pdf or json.")
    reason = _clean(reason, "Reason for the export")
    case = Case.objects.filter(pk=case_id).select_related("organisation").first()
    if case is None or not _is_member(actor, case):
        raise NotVisible("case")
    organisation = Organisation.objects.filter(pk=actor.organisation_id).first()
    mark = dossier.Watermark(
        actor.username, organisation.name if organisation else "", timezone.now(), reason
    )
    built = dossier.build(case, mark)
    content = dossier.as_pdf(built) if fmt == "pdf" else dossier.as_json(built)
    with transaction.atomic():
        _event(case, "dossier_exported", actor, reason, format=fmt, entries=len(built.entries))
        record(actor, "export", "case", str(case.pk), f"dossier ({fmt}): {reason}"[:200])
    return content, DOSSIER_FORMATS[fmt], f"dossier-{case.number}.{fmt}"
