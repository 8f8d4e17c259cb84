"""The framework's classification rules, one behaviour per test, without a database."""

import pytest

from patroon.registry.classification import classify, explain
from patroon.registry.framework import framework

CRITERIA = framework().criteria


def record(relationship="", sex="female", gender_identity="woman", **criteria):
    return {
        "sex": sex,
        "gender_identity": gender_identity,
        "relationship": relationship,
        **criteria,
    }


def all_no(**overrides):
    return {c: "no" for c in CRITERIA} | overrides


def test_the_framework_file_lists_exactly_eight_criteria():
    assert CRITERIA == (
        "prior_violence",
        "exploitation",
        "abduction",
        "sex_work",
        "sexual_violence",
        "mutilation",
        "body_public_space",
        "gender_hate",
    )


@pytest.mark.parametrize("relationship", ["current_partner", "former_partner"])
def test_a_partner_killing_is_intimate_partner_femicide_whatever_the_criteria(relationship):
    found = classify(record(relationship, **all_no()))
    assert (found.type, found.rule) == ("femicide_intimate_partner", "R1")


@pytest.mark.parametrize(
    "relationship", ["family_parent", "family_child", "family_sibling", "family_other"]
)
def test_a_family_killing_is_family_femicide(relationship):
    found = classify(record(relationship))
    assert (found.type, found.rule) == ("femicide_family", "R2")


@pytest.mark.parametrize("relationship", ["other_known", "unknown_to_victim", "not_known", ""])
@pytest.mark.parametrize("criterion", CRITERIA)
def test_each_criterion_alone_makes_an_other_perpetrator_killing_femicide(relationship, criterion):
    found = classify(record(relationship, **all_no(**{criterion: "yes"})))
    assert (found.type, found.rule) == ("femicide_other", "R3")
    assert found.criteria_yes == (criterion,)
    assert framework().label("criteria", criterion, "en") in explain(found)


@pytest.mark.parametrize("relationship", ["other_known", "unknown_to_victim"])
def test_all_eight_no_with_a_known_relationship_is_not_femicide(relationship):
    found = classify(record(relationship, **all_no()))
    assert (found.type, found.rule) == ("not_femicide", "R4")


@pytest.mark.parametrize("relationship", ["other_known", "unknown_to_victim"])
@pytest.mark.parametrize("criterion", CRITERIA)
def test_one_unknown_criterion_is_never_read_as_no(relationship, criterion):
    found = classify(record(relationship, **all_no(**{criterion: "unknown"})))
    assert (found.type, found.rule) == ("insufficient_information", "R5")
    assert found.criteria_unknown == (criterion,)


def test_a_missing_criterion_counts_as_unknown_not_no():
    found = classify(record("other_known"))
    assert found.type == "insufficient_information"
    assert len(found.criteria_unknown) == 8


@pytest.mark.parametrize("relationship", ["not_known", ""])
def test_relationship_not_known_or_missing_with_all_no_is_insufficient(relationship):
    # Partner or family cannot be ruled out, so "no criterion" does not make it not femicide.
    found = classify(record(relationship, **all_no()))
    assert (found.type, found.rule) == ("insufficient_information", "R5")
    assert "ruled out" in explain(found)


def test_a_missing_relationship_is_said_to_be_missing():
    found = classify(record("", **all_no()))
    assert found.relationship == ""
    assert "missing" in explain(found)


def test_a_male_victim_is_out_of_scope_and_unknown_sex_is_insufficient():
    assert classify(record("current_partner", sex="male", gender_identity="man")).type == (
        "out_of_scope"
    )
    assert classify(record("current_partner", sex="unknown", gender_identity="unknown")).type == (
        "insufficient_information"
    )


def test_a_trans_woman_is_in_scope():
    found = classify(record("former_partner", sex="unknown", gender_identity="trans_woman"))
    assert found.type == "femicide_intimate_partner"


def test_invalid_values_are_refused_not_guessed():
    with pytest.raises(ValueError, match="prior_violence"):
        classify(record("other_known", prior_violence="maybe"))
    with pytest.raises(ValueError, match="relationship"):
        classify(record("neighbour"))


def test_every_rule_has_a_reason():
    for rel in ["current_partner", "family_child", "other_known", "not_known", ""]:
        for crit in [{}, all_no(), all_no(mutilation="yes")]:
            assert explain(classify(record(rel, **crit)))
