"""A case, an assessment and the case team's access follow the victim when the vault merges
her with another person record, and go back exactly when the merge is undone."""

import pytest

from patroon.audit.models import AuditEntry
from patroon.cases.membership import on_team_for_victim
from patroon.cases.models import Case, Notification
from patroon.identity import moves
from patroon.risk import services as risk
from patroon.signals.models import RefFollow, SignalPerson
from patroon.signals.services import record_signal
from tests import factories
from tests.patterns.conftest import signal

OTHER_WOMAN = {
    "role": "victim",
    "given_names": "Fatima",
    "surname": "El Amrani",
    "date_of_birth": "1985-03-04",
    "sex": "F",
}


def other_victim(world, reference="GP-2") -> object:
    stored = record_signal(
        factories.actor(["intake"], world["orgs"]["gp"]),
        signal(10, ["stalking"], reference, persons=[OTHER_WOMAN]),
        "web",
    )
    return SignalPerson.objects.get(signal_id=stored.signal_id, role="victim").person_ref


def another_case(like: Case, number: str, victim_ref) -> Case:
    return Case.objects.create(
        number=number,
        victim_ref=victim_ref,
        organisation=like.organisation,
        origin=like.origin,
        opened_at=like.opened_at,
        opened_by="test",
    )


def merge(absorbed, survivor):
    return moves.merge_persons(
        absorbed, survivor, kind="review", actor="koppelbeheerder", reason="zelfde vrouw"
    )


def test_the_case_and_its_team_follow_a_merged_victim_and_go_back_on_undo(world, case):
    director = world["actors"]["director"]
    victim = world["victim"]
    survivor = other_victim(world)
    assessment = risk.start(world["actors"]["triage"], "dash", victim)
    assert not on_team_for_victim(director, survivor)

    change = merge(victim, survivor)

    case.refresh_from_db()
    assessment.refresh_from_db()
    assert case.victim_ref == survivor, "the case follows the person that took her records"
    assert assessment.victim_ref == survivor
    assert on_team_for_victim(director, survivor), "the team still sees her timeline"
    assert case.events.filter(kind="person_merged", detail__role="victim").exists()
    assert Notification.objects.filter(
        user=world["users"]["director"], case=case, kind="person_merged"
    ).exists(), "the director is told"
    followed = AuditEntry.objects.filter(object_type="cases.Case.victim_ref", action="update")
    assert list(followed.values_list("object_id", flat=True)) == [str(case.pk)]

    moves.undo(change.pk, actor="koppelbeheerder", reason="toch twee vrouwen")

    case.refresh_from_db()
    assessment.refresh_from_db()
    assert (case.victim_ref, assessment.victim_ref) == (victim, victim)
    assert not on_team_for_victim(director, survivor)
    assert case.events.filter(kind="person_merge_undone").exists()
    assert not RefFollow.objects.filter(reverted_at__isnull=True).exists()


def test_a_split_leaves_the_case_where_it_is(world, case):
    from patroon.identity.models import IdentityRecord

    records = list(IdentityRecord.objects.filter(person=world["victim"]))
    assert len(records) > 1
    moves.split_records([records[0].pk], actor="koppelbeheerder", reason="andere vrouw")
    case.refresh_from_db()
    assert case.victim_ref == world["victim"]
    assert not RefFollow.objects.exists()


def test_only_the_references_of_the_undone_merge_go_back(world, case):
    survivor = other_victim(world)
    change = merge(world["victim"], survivor)
    case.refresh_from_db()
    assert case.victim_ref == survivor
    # A case opened by hand on the merged person afterwards is not the merge's to undo.
    later = another_case(case, "LATER-1", survivor)
    moves.undo(change.pk, actor="koppelbeheerder", reason="toch twee vrouwen")
    later.refresh_from_db()
    case.refresh_from_db()
    assert (case.victim_ref, later.victim_ref) == (world["victim"], survivor)


def test_a_merge_that_gives_the_victim_two_open_cases_tells_both(world, case):
    survivor = other_victim(world)
    second = another_case(case, "OTHER-1", survivor)
    merge(world["victim"], survivor)
    assert case.events.get(kind="victim_in_other_case").detail == {"case": "OTHER-1"}
    assert second.events.get(kind="victim_in_other_case").detail == {"case": case.number}
    assert Notification.objects.filter(case=case, kind="victim_in_other_case").count() == 1


pytestmark = pytest.mark.django_db
