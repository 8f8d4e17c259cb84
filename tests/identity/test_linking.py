"""Linking in the vault: incremental and batch agree, merges undo exactly, decisions audited."""

import json
from datetime import date

import pytest

from patroon.accounts.actor import SYSTEM
from patroon.audit.models import AuditEntry
from patroon.demo.load import load_world
from patroon.demo.world import generate_world
from patroon.identity import services
from patroon.identity.models import (
    BlockingKey,
    IdentityRecord,
    LinkageModel,
    Person,
    PersonChange,
    ReviewItem,
)
from patroon.patterns.models import Alert, AlertEvent, AlertEvidence, TimelineEntry
from patroon.signals.models import Signal, SignalBehaviour, SignalPerson
from patroon.signals.services import record_signal
from tests import factories

pytestmark = pytest.mark.django_db


def partition() -> set[frozenset]:
    groups: dict = {}
    for rid, pid in IdentityRecord.objects.values_list("id", "person_id"):
        groups.setdefault(pid, set()).add(rid)
    return {frozenset(g) for g in groups.values()}


def wipe_signals_and_vault() -> None:
    for model in (
        AlertEvent,
        AlertEvidence,
        Alert,
        TimelineEntry,
        SignalBehaviour,
        SignalPerson,
        Signal,
        ReviewItem,
        BlockingKey,
        PersonChange,
        IdentityRecord,
        Person,
    ):
        model.objects.all().delete()


@pytest.mark.parametrize("seed", [3, 8])
def test_rebuild_agrees_with_incremental_linking(seed):
    world = generate_world(households=60, years=3, seed=seed, end=date(2026, 11, 1))
    load_world(world)
    model = services.train_model(SYSTEM)
    assert model.active and model.records == IdentityRecord.objects.count()

    wipe_signals_and_vault()
    load_world(world)  # now linked incrementally with the trained model, in batches
    incremental = partition()
    assert len(incremental) < IdentityRecord.objects.count(), "some mentions were linked"
    context = PersonChange.objects.filter(kind="context")
    assert context.exists(), "some weak mentions were linked through their signal"
    assert all(c.reason for c in context), "each context link carries its evidence"

    result = services.rebuild(SYSTEM)
    assert result.moved == 0
    assert partition() == incremental
    assert pairwise_precision(world) >= 0.98


def pairwise_precision(world) -> float:
    """Of the record pairs the vault put in one person, the share that truly are one."""
    truth = {(code, ref, pos): true for code, ref, pos, true in world.iter_mentions()}
    by_person: dict = {}
    rows = IdentityRecord.objects.values_list(
        "organisation_code", "source_reference", "position", "person_id"
    )
    for code, ref, pos, person in rows:
        by_person.setdefault(person, []).append(truth[(code, ref, pos)])
    same = pairs = 0
    for members in by_person.values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                pairs += 1
                same += a == b
    return same / pairs


def _victim_record(signal_id):
    signal = Signal.objects.select_related("organisation").get(pk=signal_id)
    position = SignalPerson.objects.get(signal=signal, role="victim").position
    return IdentityRecord.objects.get(
        organisation_code=signal.organisation.code,
        source_reference=signal.source_reference,
        position=position,
    )


def snapshot():
    return (
        sorted(TimelineEntry.objects.values_list("victim_ref", "perpetrator_ref", "signal_id")),
        sorted(SignalPerson.objects.values_list("signal_id", "position", "person_ref")),
    )


def test_a_merge_and_its_undo_restore_the_timelines_exactly(org, other_org):
    first = factories.payload("M-1", behaviours=["stalking"])
    second = factories.payload("M-2", behaviours=["psychological_violence"])
    second["persons"][0].update(bsn=None, given_names="Anne", date_of_birth="1990-01-13")
    a = record_signal(factories.actor(["intake"], org), first, "api").signal_id
    b = record_signal(factories.actor(["intake"], other_org), second, "api").signal_id
    record_a, record_b = _victim_record(a), _victim_record(b)
    assert record_a.person_id != record_b.person_id
    before = snapshot()

    item = ReviewItem.objects.create(
        record=record_b,
        candidate=record_a,
        match_probability=0.7,
        match_weight=1.2,
        field_weights={"given_name": 2.0, "date_of_birth": -1.0},
        model_version="test",
        created_at=record_b.created_at,
    )
    reviewer = factories.actor(["link_reviewer"], factories.organisation("ec", "expertisecentrum"))
    services.decide_review(reviewer, item.pk, True, "Zelfde vrouw: typefout in de voornaam.")
    merged = snapshot()
    assert merged != before
    victims = {v for v, _, s in merged[0] if s in (a, b)}
    assert victims == {record_a.person_id}, "both signals now on one victim's timeline"

    change = PersonChange.objects.get(kind="review")
    services.undo(reviewer, change.pk, "Toch twee verschillende vrouwen (moeder en dochter).")
    assert snapshot() == before


def test_review_decisions_reidentification_and_break_glass_are_audited(org):
    signal_id = record_signal(factories.actor(["intake"], org), factories.payload("R-1"), "api")
    record = _victim_record(signal_id.signal_id)
    other = IdentityRecord.objects.exclude(pk=record.pk).first()
    item = ReviewItem.objects.create(
        record=record,
        candidate=other,
        match_probability=0.6,
        match_weight=0.5,
        field_weights={},
        model_version="test",
        created_at=record.created_at,
    )
    reviewer = factories.actor(["link_reviewer"], factories.organisation("ec", "expertisecentrum"))
    with pytest.raises(services.ReasonRequired):
        services.decide_review(reviewer, item.pk, False, "nee")
    services.decide_review(reviewer, item.pk, False, "Verschillende geboortedata en geslacht.")
    assert AuditEntry.objects.filter(
        action="update", object_type="review_item", object_id=str(item.pk)
    ).exists()

    professional = factories.actor(["professional"], org)
    identity = services.reidentify(professional, record.person_id, "Acuut gevaar, politie belt.")
    assert identity["surname"] == "Berg"
    assert AuditEntry.objects.filter(
        action="break_glass", object_id=str(record.person_id), purpose__contains="Acuut"
    ).exists()
    assert AuditEntry.objects.filter(action="reidentify", object_id=str(record.pk)).exists()

    intake = factories.actor(["intake"], org)
    with pytest.raises(services.AccessDenied):
        services.reidentify(intake, record.person_id, "Wil gewoon even kijken wie dit is.")


def test_a_rejected_pair_stays_apart_in_a_rebuild():
    world = generate_world(households=30, years=2, seed=4, end=date(2026, 11, 1))
    load_world(world)
    services.train_model(SYSTEM)
    services.rebuild(SYSTEM)
    linked = next(g for g in partition() if len(g) == 2)
    left, right = sorted(linked)
    ReviewItem.objects.create(
        record_id=left,
        candidate_id=right,
        match_probability=0.99,
        match_weight=9,
        field_weights=json.loads("{}"),
        model_version="test",
        status=ReviewItem.Status.REJECTED,
        created_at=IdentityRecord.objects.get(pk=left).created_at,
    )
    services.rebuild(SYSTEM)
    assert LinkageModel.objects.filter(active=True).count() == 1
    assert not any(left in g and right in g for g in partition())


def _mention(source_reference: str, role: str) -> IdentityRecord:
    return IdentityRecord.objects.get(source_reference=source_reference, role=role)


def _ambiguous_daan(org) -> tuple[IdentityRecord, IdentityRecord, IdentityRecord]:
    """A victim's two files name two different men called Daan; a call names her and "Daan".
    Returns the call's Daan and the two files' Daans (Jansen, Bakker), linked with a model."""
    world = generate_world(households=30, years=2, seed=4, end=date(2026, 11, 1))
    load_world(world)
    services.train_model(SYSTEM)
    wipe_signals_and_vault()
    intake = factories.actor(["intake"], org)
    for reference, surname, born in (
        ("D-1", "Jansen", "1980-03-04"),
        ("D-2", "Bakker", "1975-07-08"),
    ):
        payload = factories.payload(reference)
        payload["persons"][1].update(given_names="Daan", surname=surname, date_of_birth=born)
        record_signal(intake, payload, "api")
    call = factories.payload("D-3")
    call["persons"][0].pop("bsn")
    call["persons"][1] = {"role": "alleged_perpetrator", "given_names": "Daan", "sex": "M"}
    record_signal(intake, call, "api")
    return (
        _mention("D-3", "alleged_perpetrator"),
        _mention("D-1", "alleged_perpetrator"),
        _mention("D-2", "alleged_perpetrator"),
    )


def _reviewer():
    return factories.actor(["link_reviewer"], factories.organisation("ec", "expertisecentrum"))


def _accept_daan_jansen(daan, jansen):
    item = ReviewItem.objects.get(record=daan, candidate=jansen)
    services.decide_review(_reviewer(), item.pk, True, "Het dossier noemt Daan Jansen als partner.")
    return item


def _person(record: IdentityRecord):
    record.refresh_from_db()
    return record.person_id


def test_an_ambiguous_weak_mention_goes_to_the_reviewer_and_accepting_merges(org):
    daan, jansen, bakker = _ambiguous_daan(org)
    assert _mention("D-3", "victim").person_id == _mention("D-1", "victim").person_id
    assert daan.person_id not in (jansen.person_id, bakker.person_id), "ambiguous: not linked"
    items = ReviewItem.objects.filter(record=daan, status=ReviewItem.Status.OPEN)
    assert {i.candidate_id for i in items} == {jansen.pk, bakker.pk}
    assert all(i.field_weights for i in items), "the reviewer sees why, field by field"

    services.rebuild(SYSTEM)
    assert ReviewItem.objects.filter(record=daan).count() == 2, "asked once, not per rebuild"

    item = _accept_daan_jansen(daan, jansen)
    assert _person(daan) == _person(jansen)
    assert PersonChange.objects.filter(kind="review").count() == 1
    assert AuditEntry.objects.filter(
        action="update", object_type="review_item", object_id=str(item.pk)
    ).exists()


def test_an_accepted_review_survives_a_rebuild(org):
    daan, jansen, _ = _ambiguous_daan(org)
    _accept_daan_jansen(daan, jansen)

    result = services.rebuild(SYSTEM)
    assert _person(daan) == _person(jansen), "the reviewer's decision binds the model"
    assert result.moved == 0


def test_undoing_an_accepted_review_lets_the_rebuild_follow_the_model_again(org):
    daan, jansen, _ = _ambiguous_daan(org)
    _accept_daan_jansen(daan, jansen)
    services.rebuild(SYSTEM)
    assert _person(daan) == _person(jansen)

    change = PersonChange.objects.get(kind="review")
    services.undo(_reviewer(), change.pk, "Verkeerde Daan gekozen, terug naar het model.")
    assert _person(daan) != _person(jansen)
    result = services.rebuild(SYSTEM)
    assert _person(daan) != _person(jansen), "an undone decision no longer binds"
    assert result.moved == 0


def test_a_manual_split_stays_split_in_a_rebuild():
    world = generate_world(households=30, years=2, seed=4, end=date(2026, 11, 1))
    load_world(world)
    services.train_model(SYSTEM)
    services.rebuild(SYSTEM)
    linked = next(g for g in sorted(partition(), key=sorted) if len(g) == 2)
    left, right = sorted(linked)
    services.split(_reviewer(), [left], "Twee personen: andere vader, zelfde naam.")

    result = services.rebuild(SYSTEM)
    assert not any(left in g and right in g for g in partition())
    assert result.moved == 0


def test_intake_around_an_accepted_review_keeps_it(org):
    daan, jansen, _ = _ambiguous_daan(org)
    _accept_daan_jansen(daan, jansen)

    # A new file names the victim again: intake re-decides every person around her signals.
    record_signal(factories.actor(["intake"], org), factories.payload("D-4"), "api")
    assert _person(daan) == _person(jansen)
