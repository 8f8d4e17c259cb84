"""The case policy files load, carry their sources, and a malformed one names what is wrong."""

import pytest

from patroon.cases import policy


def test_the_shipped_policy_files_load_with_sources():
    measures = policy.measures()
    assert {
        "contact_ban",
        "location_ban",
        "house_ban",
        "ankle_monitor",
        "victim_device",
        "shelter_placement",
        "emergency_order",
        "other",
    } <= set(measures.kinds)
    assert "breach_contact_ban" in measures.kinds["contact_ban"].breach
    for kind in measures.kinds.values():
        assert all(key in measures.sources for key in kind.sources)
    retention = policy.retention()
    assert set(retention.categories) == set(policy.RETENTION_CATEGORIES)
    aftercare = policy.aftercare()
    assert aftercare.tasks[0].for_whom == "child"  # children first
    referrals = policy.referrals()
    assert referrals.remind_after_hours(urgent=True) < referrals.remind_after_hours(urgent=False)
    assert referrals.escalate_after_hours(urgent=True) < 24  # inside acute triage's day
    assert referrals.sources


REMIND = {"urgent": 4, "other": 24}
ESCALATE = {"urgent": 12, "other": 72}


@pytest.mark.parametrize(
    ("remind", "escalate", "error"),
    [
        ({"urgent": 0, "other": 24}, ESCALATE, "remind_after_hours.urgent must be a whole"),
        (REMIND, {"urgent": 12}, "escalate_after_hours.other must be a whole"),
        (REMIND, {"urgent": 4, "other": 72}, "escalate_after_hours.urgent must come after"),
    ],
)
def test_a_referral_policy_with_wrong_hours_is_refused(remind, escalate, error):
    data = {"version": "x", "remind_after_hours": remind, "escalate_after_hours": escalate}
    with pytest.raises(policy.PolicyError, match=error):
        policy.parse_referrals(data)


def test_the_vocabulary_knows_every_breach_behaviour():
    from patroon.vocabulary.loader import vocabulary

    behaviours = vocabulary().behaviours
    for kind in policy.measures().kinds.values():
        assert kind.breach <= set(behaviours), kind.id


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {
                "version": "1",
                "categories": {
                    "notifications": {"nl": "a", "en": "b", "after_days": 1, "action": "shred"}
                },
            },
            "category 'notifications': action",
        ),
        (
            {
                "version": "1",
                "categories": {
                    "notifications": {"nl": "a", "en": "b", "after_days": -3, "action": "delete"}
                },
            },
            "after_days",
        ),
        ({"version": "1", "categories": {}}, "no period for"),
    ],
)
def test_a_bad_retention_file_names_the_entry(data, message):
    with pytest.raises(policy.PolicyError, match=message):
        policy.parse_retention(data)


def test_a_measure_with_an_unknown_source_is_refused():
    data = {
        "version": "1",
        "sources": {},
        "kinds": {"x": {"nl": "X", "en": "X", "sources": ["nowhere"]}},
    }
    with pytest.raises(policy.PolicyError, match="kind 'x': unknown source 'nowhere'"):
        policy.parse_measures(data)
