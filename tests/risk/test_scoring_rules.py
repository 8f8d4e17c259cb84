"""Each instrument reproduces its published rule, including the edge cases named in issue 5."""

import pytest

from patroon.risk.instruments import instrument
from patroon.risk.scoring import Unanswered, score
from tests.risk.conftest import yes_to

LETHALITY_REST = [
    "gun_access",
    "strangulation",
    "jealous_or_controlling",
    "separated",
    "unemployed",
    "suicide",
    "child_not_his",
    "follows_or_spies",
]


def lethality(items):
    return score(instrument("lethality_screen"), yes_to("lethality_screen", items))


def test_lethality_a_single_yes_on_question_two_is_high_danger():
    result = lethality(["threat_to_kill"])
    assert (result.outcome, result.level) == ("high_danger", "high")
    assert result.decided_by == ["critical item 'threat_to_kill'"]


@pytest.mark.parametrize("item", ["weapon", "believes_he_could_kill"])
def test_lethality_any_of_the_first_three_is_high_danger(item):
    assert lethality([item]).outcome == "high_danger"


def test_lethality_strangulation_alone_is_high_danger():
    result = lethality(["strangulation"])
    assert result.outcome == "high_danger" and result.total == 1
    assert result.decided_by == ["critical item 'strangulation'"]


def test_lethality_four_yes_among_the_rest_is_high_danger_three_is_not():
    others = [i for i in LETHALITY_REST if i != "strangulation"]
    assert lethality(others[:3]).outcome == "not_high_danger"
    assert lethality(others[:3]).level == "low"
    four = lethality(others[:4])
    assert four.outcome == "high_danger" and four.decided_by == ["total 4 is at least 4"]


def test_lethality_the_professional_may_screen_in_on_concern():
    assert lethality(["professional_concern"]).outcome == "high_danger"


def test_unknown_never_counts_as_yes():
    answers = yes_to("lethality_screen", [])
    answers["threat_to_kill"] = "unknown"
    assert score(instrument("lethality_screen"), answers).outcome == "not_high_danger"


DASH_MAIN = [i.id for i in instrument("dash").items if i.section == "main"]
DASH_STALKING = [i.id for i in instrument("dash").items if i.section == "stalking"]


@pytest.mark.parametrize(
    ("yeses", "outcome", "level"),
    [
        (9, "standard", "low"),
        (10, "medium", "medium"),
        (13, "medium", "medium"),
        (14, "high", "high"),
    ],
)
def test_dash_bands_13_is_medium_14_is_high(yeses, outcome, level):
    result = score(instrument("dash"), yes_to("dash", DASH_MAIN[:yeses]))
    assert (result.total, result.outcome, result.level) == (yeses, outcome, level)


def test_dash_has_27_questions_and_the_stalking_add_on_does_not_count():
    assert len(DASH_MAIN) == 27 and len(DASH_STALKING) == 11
    result = score(instrument("dash"), yes_to("dash", DASH_MAIN[:13] + DASH_STALKING))
    assert result.outcome == "medium"
    assert result.section_totals == {"main": 13, "stalking": 11}


def rihg(reds):
    chosen = instrument("rihg")
    answers = {i.id: "yellow" for i in chosen.items}
    answers.update(dict.fromkeys(reds, "red"))
    return score(chosen, answers)


def test_rihg_has_twenty_signals_in_three_parts():
    chosen = instrument("rihg")
    assert len(chosen.items) == 20
    assert [s.id for s in chosen.sections] == ["perpetrator", "incident", "family"]


def test_rihg_two_red_in_one_part_indicates_a_house_ban():
    result = rihg(["p_weapon", "p_threats"])
    assert result.outcome == "house_ban_indicated" and result.level == "high"
    assert result.decided_by == ["2 red in part 'perpetrator'"]


def test_rihg_one_red_in_each_of_two_parts_does_not():
    result = rihg(["p_weapon", "i_strangulation"])
    assert result.outcome == "no_house_ban_indicated"


DA_ITEMS = [i.id for i in instrument("danger_assessment").items]


@pytest.mark.parametrize(
    ("total", "outcome", "level"),
    [
        (7, "variable", "low"),
        (8, "increased", "medium"),
        (13, "increased", "medium"),
        (14, "severe", "high"),
        (17, "severe", "high"),
        (18, "extreme", "extreme"),
    ],
)
def test_danger_assessment_bands(total, outcome, level):
    result = score(instrument("danger_assessment"), yes_to("danger_assessment", DA_ITEMS[:total]))
    assert (result.total, result.outcome, result.level) == (total, outcome, level)


def test_danger_assessment_weights_are_equal_and_marked_unverified():
    chosen = instrument("danger_assessment")
    assert len(chosen.items) == 20 and not chosen.weights_verified
    assert {i.weight for i in chosen.items} == {1.0}
    assert "niet worden geverifieerd" in chosen.provenance("nl")


def test_stalking_screen_is_decided_by_the_professional():
    chosen = instrument("stalking_screen")
    common = [i for i in chosen.items if i.section == "all_stalking"]
    extra = [i for i in chosen.items if i.applies_when]
    assert len(common) == 13 and len(extra) == 3
    answers = yes_to("stalking_screen", [i.id for i in common])
    with pytest.raises(Unanswered):
        score(chosen, answers)
    answers["concern"] = "moderate"
    result = score(chosen, answers)
    assert (result.outcome, result.level) == ("moderate_concern", "medium")


def test_stalking_screen_asks_three_more_only_about_an_ex_partner():
    chosen = instrument("stalking_screen")
    extra = {i.id for i in chosen.items if i.applies_when}
    not_ex = {i.id for i in chosen.applicable({"is_ex_partner": "no"})}
    ex = {i.id for i in chosen.applicable({"is_ex_partner": "yes"})}
    assert not (extra & not_ex) and extra <= ex
