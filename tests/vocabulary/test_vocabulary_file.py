"""The vocabulary data file is complete, sourced and refused when malformed."""

import pytest
import yaml

from patroon.vocabulary.loader import DATA_FILE, VocabularyError, parse, vocabulary

REQUIRED_BEHAVIOURS = {
    "physical_violence",
    "non_fatal_strangulation",
    "threat_to_kill",
    "threat_with_weapon",
    "weapon_access",
    "stalking",
    "coercive_control",
    "psychological_violence",
    "sexual_violence",
    "honour_related_violence",
    "breach_contact_ban",
    "breach_location_ban",
    "breach_house_ban",
    "recent_separation",
    "jealousy_possessiveness",
    "isolation",
    "financial_control",
    "digital_control",
    "threats_involving_children",
    "children_witnessing",
    "perpetrator_suicide_threat",
    "substance_abuse",
    "pregnancy",
    "violence_against_pets",
}


def test_shipped_vocabulary_covers_the_required_terms():
    vocab = vocabulary()
    assert set(vocab.behaviours) >= REQUIRED_BEHAVIOURS
    assert set(vocab.roles) == {"victim", "alleged_perpetrator", "child", "reporter", "witness"}
    assert set(vocab.relationships) == {
        "partner",
        "ex_partner",
        "family_member",
        "honour_context",
        "other_known",
        "unknown",
    }
    assert all(term.sources for term in vocab.behaviours.values())


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["behaviours"]["stalking"].pop("en"),
            "behaviours.stalking: 'en' label is required",
        ),
        (
            lambda d: d["behaviours"]["stalking"].update(severity=9),
            "behaviours.stalking: 'severity'",
        ),
        (lambda d: d["behaviours"]["stalking"].update(sources=["nowhere"]), "source 'nowhere'"),
        (lambda d: d.pop("roles"), "section 'roles' is missing"),
    ],
)
def test_a_malformed_file_is_refused_naming_term_and_field(mutate, message):
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    mutate(data)
    with pytest.raises(VocabularyError, match=message.replace("(", r"\(")):
        parse(data)
