"""The condition language, on hand-built timelines (pure Python, no database)."""

import uuid
from datetime import date

import pytest

from patroon.accounts.catalogue import organisation_kinds
from patroon.patterns.conditions import RuleError
from patroon.patterns.engine import evaluate
from patroon.patterns.rulebook import DATA_FILE, load, parse
from patroon.patterns.timeline import Context, Entry
from patroon.vocabulary.loader import vocabulary

TODAY = date(2026, 6, 1).toordinal()
HIM = uuid.UUID(int=1)
SEVERITY = {code: t.severity for code, t in vocabulary().behaviours.items()}


def entry(days_ago, *behaviours, org=1, kind="politie", relationship="partner", perp=HIM):
    return Entry(
        signal_id=uuid.uuid4(),
        occurred=TODAY - days_ago,
        organisation_id=org,
        organisation_kind=kind,
        perpetrator_ref=perp,
        behaviours=frozenset(behaviours),
        severity=max((SEVERITY[b] for b in behaviours), default=0),
        relationship=relationship,
        has_child=False,
        reported=float(TODAY - days_ago),
    )


def timeline(*entries):
    return sorted(entries, key=Entry.sort_key)


def book_with(when, **extra):
    rule = {
        "id": "r1",
        "severity": "red",
        "title": {"nl": "t", "en": "t"},
        "explanation": {"nl": "e", "en": "e"},
        "sources": ["s"],
        "when": when,
        **extra,
    }
    data = {
        "version": "test",
        "sources": {"s": "A source"},
        "acknowledge_within_hours": {"red": 4, "orange": 24, "yellow": 72},
        "recommended_step": {"nl": "x", "en": "x"},
        "outcomes": {"no_action": {"nl": "x", "en": "x"}},
        "rules": [rule],
    }
    return parse(data, vocabulary(), set(organisation_kinds()))


def fired(book, entries, context=Context()):
    return [
        (f.rule.id, f.perpetrator_ref, len(f.evidence))
        for f in evaluate(book, entries, TODAY, context)
    ]


def test_the_shipped_rules_file_loads_and_covers_the_required_red_flags():
    book = load(DATA_FILE, set(organisation_kinds()))
    ids = {r.id for r in book.rules}
    assert {
        "non_fatal_strangulation",
        "threat_to_kill",
        "weapon",
        "stalking_after_separation",
        "separation_with_control",
        "escalating_frequency",
        "escalating_severity",
        "breach_of_ban",
        "perpetrator_suicide_threat",
        "pregnancy_with_violence",
        "children_present",
        "honour_several_family_members",
        "fragmentation",
    } <= ids
    for rule in book.rules:
        assert rule.explanation.nl and rule.explanation.en and rule.sources


def test_count_respects_the_window():
    book = book_with({"count": {"behaviours": ["stalking"], "within_days": 30, "at_least": 2}})
    assert fired(book, timeline(entry(40, "stalking"), entry(10, "stalking"))) == []
    assert fired(book, timeline(entry(20, "stalking"), entry(10, "stalking"))) == [("r1", HIM, 2)]


def test_count_distinct_organisations():
    book = book_with({"count": {"within_days": 180, "distinct": "organisation", "at_least": 3}})
    same_org = timeline(entry(5, "isolation"), entry(50, "isolation"), entry(90, "isolation"))
    assert fired(book, same_org) == []
    three = timeline(
        entry(5, "isolation", org=1), entry(50, "isolation", org=2), entry(90, "isolation", org=3)
    )
    assert fired(book, three) == [("r1", HIM, 3)]


def test_sequence_needs_the_order():
    when = {
        "sequence": {
            "first": {"behaviours": ["recent_separation"]},
            "then": {"behaviours": ["stalking"]},
            "within_days": 100,
        }
    }
    book = book_with(when)
    assert fired(book, timeline(entry(10, "recent_separation"), entry(50, "stalking"))) == []
    assert fired(book, timeline(entry(50, "recent_separation"), entry(10, "stalking"))) == [
        ("r1", HIM, 2)
    ]
    assert fired(book, timeline(entry(300, "recent_separation"), entry(10, "stalking"))) == []


def test_rising_frequency_compares_with_the_window_before():
    book = book_with({"rising": {"window_days": 90, "at_least": 3}})
    steady = timeline(*(entry(d, "isolation") for d in (10, 40, 70, 100, 130, 160)))
    assert fired(book, steady) == []
    rising = timeline(*(entry(d, "isolation") for d in (5, 30, 60, 120)))
    assert fired(book, rising) == [("r1", HIM, 3)]


def test_severity_rising():
    book = book_with({"severity_rising": {"within_days": 90, "by": 2}})
    assert fired(book, timeline(entry(200, "isolation"), entry(20, "non_fatal_strangulation"))) == [
        ("r1", HIM, 2)
    ]
    assert (
        fired(book, timeline(entry(200, "threat_to_kill"), entry(20, "non_fatal_strangulation")))
        == []
    )


def test_absence_fires_only_after_the_follow_up_period():
    when = {
        "absence": {
            "after": {"behaviours": ["non_fatal_strangulation"]},
            "missing": {"organisation_kinds": ["veilig_thuis"]},
            "days": 14,
            "recent_days": 120,
        }
    }
    book = book_with(when)
    gp = dict(org=5, kind="huisarts")
    assert fired(book, timeline(entry(10, "non_fatal_strangulation", **gp))) == []
    assert fired(book, timeline(entry(20, "non_fatal_strangulation", **gp))) == [("r1", HIM, 1)]
    followed = timeline(
        entry(20, "non_fatal_strangulation", **gp),
        entry(15, "isolation", org=2, kind="veilig_thuis"),
    )
    assert fired(book, followed) == []


def test_not_open_case_and_combinations():
    book = book_with({"all": [{"count": {"at_least": 1}}, {"not": {"open_case": True}}]})
    entries = timeline(entry(3, "isolation"))
    assert fired(book, entries) == [("r1", HIM, 1)]
    assert fired(book, entries, Context(open_case=True)) == []


def test_dyad_rules_run_per_perpetrator_and_victim_rules_over_all():
    brother, father = uuid.UUID(int=2), uuid.UUID(int=3)
    entries = timeline(
        entry(10, "honour_related_violence", relationship="honour_context", perp=brother),
        entry(20, "honour_related_violence", relationship="honour_context", perp=father),
    )
    count = {
        "count": {
            "behaviours": ["honour_related_violence"],
            "distinct": "perpetrator",
            "at_least": 2,
        }
    }
    assert fired(book_with(count), entries) == []
    assert fired(book_with(count, scope="victim"), entries) == [("r1", None, 2)]


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ({"count": {"within_days": 30}}, "rule 'r1': field 'when.count.at_least'"),
        ({"count": {"at_least": 1, "behaviours": ["stalkng"]}}, "unknown code 'stalkng'"),
        ({"count": {"at_least": 1, "distinct": "colour"}}, "field 'when.count.distinct'"),
        ({"all": [{"count": {"at_least": 0}}]}, "field 'when.all[0].count.at_least'"),
        ({"sometimes": {}}, "field 'when.sometimes': is not a known condition"),
        ({"sequence": {"first": {}, "within_days": 3}}, "field 'when.sequence.then': is required"),
        ({"count": {"at_least": 1, "organisation_kinds": ["bakery"]}}, "unknown code 'bakery'"),
    ],
)
def test_malformed_conditions_are_refused_with_rule_and_field(when, message):
    with pytest.raises(RuleError, match=message.replace("[", r"\[").replace("]", r"\]")):
        book_with(when)


def test_a_rule_without_sources_is_refused():
    with pytest.raises(RuleError, match="rule 'r1': field 'sources'"):
        book_with({"count": {"at_least": 1}}, sources=[])
