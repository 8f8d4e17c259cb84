"""Entering and changing records: the classification is recomputed on every change."""

import pytest

from patroon.accounts.access import AccessDenied
from patroon.registry.models import Victim
from patroon.registry.services import register, update_victim

pytestmark = pytest.mark.django_db


def test_a_change_of_facts_changes_the_classification(registrar):
    event = register(
        registrar,
        {"year": 2025, "region": "utrecht"},
        [{"sex": "female", "gender_identity": "woman", "relationship": "other_known"}],
    )
    victim = event.victims.get()
    assert (victim.femicide_type, victim.classification_rule) == ("insufficient_information", "R5")
    victim = update_victim(registrar, victim.pk, {"sexual_violence": "yes"})
    assert (victim.femicide_type, victim.classification_rule) == ("femicide_other", "R3")
    victim = update_victim(registrar, victim.pk, {"relationship": "current_partner"})
    assert Victim.objects.get(pk=victim.pk).femicide_type == "femicide_intimate_partner"


def test_a_child_killed_with_her_mother_is_a_linked_victim_of_one_event(registrar):
    event = register(
        registrar,
        {"year": 2025},
        [
            {"sex": "female", "relationship": "current_partner", "attempted": False},
            {"sex": "female", "age": 6, "victim_type": "linked", "relationship": "family_parent"},
        ],
    )
    assert event.victims.count() == 2
    assert event.victims.filter(victim_type="linked").get().femicide_type == "femicide_family"


def test_attempted_femicides_are_registered_and_flagged(registrar):
    event = register(
        registrar,
        {"year": 2025},
        [{"sex": "female", "relationship": "former_partner", "attempted": True}],
    )
    assert event.victims.get().attempted is True


def test_unknown_codes_and_values_are_refused(registrar):
    with pytest.raises(ValueError, match="prior_violence"):
        register(registrar, {"year": 2025}, [{"sex": "female", "prior_violence": "maybe"}])
    with pytest.raises(ValueError, match="method"):
        register(registrar, {"year": 2025, "method": "magic"}, [{"sex": "female"}])


def test_only_a_registrar_writes(analyst):
    with pytest.raises(AccessDenied):
        register(analyst, {"year": 2025}, [{"sex": "female"}])
