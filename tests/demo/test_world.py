"""The synthetic demo world: determinism, validity, proportions, noise and ground truth.

Pure Python: no database. A world of a few hundred households is generated once per module.
"""

from __future__ import annotations

import gc
import json
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time

import pytest

from patroon.demo import world_params
from patroon.demo.world import ORGANISATIONS, generate_world
from patroon.demo.world_people import make_bsn
from patroon.identity.normalise import bsn_is_valid, fold, surname_key
from patroon.signals.validation import validate
from patroon.vocabulary.loader import vocabulary

END = date(2026, 11, 1)
KINDS = {
    "politie",
    "veilig_thuis",
    "om",
    "reclassering",
    "huisarts",
    "seh_ziekenhuis",
    "gemeente_wijkteam",
    "vrouwenopvang",
    "hulplijn",
    "expertisecentrum",
    "zorg_veiligheidshuis",
    "ggz",
    "jeugdbescherming",
}
REGIONS = {
    "groningen",
    "fryslan",
    "drenthe",
    "ijsselland",
    "twente",
    "noord_oost_gelderland",
    "gelderland_midden",
    "gelderland_zuid",
    "utrecht",
    "noord_holland_noord",
    "zaanstreek_waterland",
    "kennemerland",
    "amsterdam_amstelland",
    "gooi_vechtstreek",
    "haaglanden",
    "hollands_midden",
    "rotterdam_rijnmond",
    "zuid_holland_zuid",
    "zeeland",
    "midden_west_brabant",
    "brabant_noord",
    "brabant_zuidoost",
    "limburg_noord",
    "zuid_limburg",
    "flevoland",
    "landelijk",
}


@pytest.fixture(scope="module")
def world():
    return generate_world(households=400, years=3, seed=7, end=END)


@pytest.fixture(scope="module")
def rows(world):
    """(organisation_code, payload, true person ids) for every signal."""
    return list(world.stream())


@pytest.fixture(scope="module")
def truth(world, rows):
    return world.ground_truth


@pytest.fixture(scope="module")
def households(truth):
    return {h["household_id"]: h for h in truth["households_truth"]}


@pytest.fixture(scope="module")
def person_household(households):
    owner = {}
    for household in households.values():
        members = [household["victim"], *household["perpetrators"], *household["children"]]
        members += [o["person"] for o in household["others"]]
        for person in members:
            owner[person] = household["household_id"]
    return owner


def _dump(signals) -> str:
    return json.dumps(list(signals), sort_keys=True, ensure_ascii=False)


# -- determinism ---------------------------------------------------------------------------------
def test_same_parameters_give_identical_output():
    first = generate_world(households=120, years=2, seed=11, end=END)
    second = generate_world(households=120, years=2, seed=11, end=END)
    assert _dump(first.signals) == _dump(second.signals)
    assert json.dumps(first.ground_truth, sort_keys=True) == json.dumps(
        second.ground_truth, sort_keys=True
    )


def test_each_access_to_signals_is_a_fresh_identical_pass():
    world = generate_world(households=60, years=2, seed=3, end=END)
    assert _dump(world.signals) == _dump(world.signals)


def test_different_seed_gives_different_output():
    first = generate_world(households=120, years=2, seed=11, end=END)
    other = generate_world(households=120, years=2, seed=12, end=END)
    assert _dump(first.signals) != _dump(other.signals)


def test_ground_truth_before_iterating_equals_truth_after(world, truth):
    fresh = generate_world(households=400, years=3, seed=7, end=END)
    assert json.dumps(fresh.ground_truth, sort_keys=True) == json.dumps(truth, sort_keys=True)


# -- validity ------------------------------------------------------------------------------------
def test_every_payload_passes_intake_validation(world, rows):
    vocab = vocabulary()
    for now in (world.now, datetime.combine(END, time(0), tzinfo=UTC)):
        failures = []
        for code, payload, _ in rows:
            _, errors = validate(payload, vocab, now)
            if errors:
                failures.append((code, payload["source_reference"], errors))
        assert failures == []
    assert len(rows) > 1000


def test_signals_are_chronological_and_inside_the_window(world, rows):
    moments = [datetime.fromisoformat(p["reported_at"]) for _, p, _ in rows]
    assert moments == sorted(moments)
    assert moments[0] >= world.clock.aware(world.clock.start_minute)
    assert moments[0].date() >= world.start
    assert all(m < world.now for m in moments)
    assert all(m.utcoffset().total_seconds() in (3600, 7200) for m in moments)


def test_source_references_are_unique_per_organisation(rows):
    seen = Counter((code, p["source_reference"]) for code, p, _ in rows)
    assert max(seen.values()) == 1


def test_organisations_are_demo_and_use_allowed_codes(world, rows):
    codes = [o["code"] for o in world.organisations]
    assert len(codes) == len(set(codes))
    assert world.organisations == [dict(o) for o in ORGANISATIONS]
    for organisation in world.organisations:
        assert set(organisation) == {"code", "name", "kind", "region"}
        assert organisation["kind"] in KINDS
        assert organisation["region"] in REGIONS
        assert organisation["name"].endswith("(demo)")
    assert {"hulplijn", "expertisecentrum"} <= {
        o["kind"] for o in world.organisations if o["region"] == "landelijk"
    }
    assert {code for code, _, _ in rows} <= set(codes)


def test_signals_come_from_the_region_of_the_household_or_national(
    world, rows, households, person_household
):
    region_of = {o["code"]: o["region"] for o in world.organisations}
    for code, _, ids in rows:
        household = households[person_household[ids[0]]]
        assert region_of[code] in {*household["regions"], "landelijk"}


def test_narratives_are_marked_demo(rows):
    assert all(p["narrative"].startswith("[DEMO] ") for _, p, _ in rows)


def test_bsns_pass_the_eleven_test_and_are_unique_per_person(rows):
    assert all(bsn_is_valid(make_bsn(n, 4321)) for n in range(0, 9_000_000, 7919))
    assert len({make_bsn(n, 99) for n in range(20_000)}) == 20_000
    owners = defaultdict(set)
    for _, payload, ids in rows:
        for person, pid in zip(payload["persons"], ids, strict=True):
            if "bsn" in person:
                assert bsn_is_valid(person["bsn"])
                owners[person["bsn"]].add(pid)
    shared = [bsn for bsn, pids in owners.items() if len(pids) > 1]
    # only the rare "BSN of another household member typed in" error shares a BSN
    assert len(shared) <= max(3, len(owners) // 100)


def test_children_are_born_before_they_appear_and_during_the_relationship(rows):
    for _, payload, _ in rows:
        reported = payload["reported_at"][:10]
        for person in payload["persons"]:
            if "date_of_birth" in person:
                assert person["date_of_birth"] <= reported
            if person["role"] == "child" and "date_of_birth" in person:
                assert person["date_of_birth"] >= "2000-01-01"


# -- proportions ---------------------------------------------------------------------------------
def test_pattern_mix_follows_the_documented_shares(households):
    counts = Counter(h["pattern"] for h in households.values())
    total = len(households)
    for pattern, share in world_params.PATTERN_MIX:
        assert abs(counts[pattern] - share * total) <= 1, pattern
    assert counts["single_incident"] > total / 2
    assert counts["escalating"] > 0 and counts["honour"] > 0


def test_femicides_are_police_signals_marked_in_ground_truth(rows, households):
    lethal = [h for h in households.values() if h["outcome"]]
    assert any(h["outcome"]["type"] == "femicide" for h in lethal)
    assert any(h["outcome"]["type"] == "attempted_femicide" for h in lethal)
    by_reference = {(code, p["source_reference"]): p for code, p, _ in rows}
    for household in lethal:
        outcome = household["outcome"]
        assert household["pattern"] == outcome["type"]
        payload = by_reference[(outcome["organisation"], outcome["source_reference"])]
        assert outcome["organisation"].startswith("politie-")
        assert {"physical_violence", "threat_with_weapon"} <= set(payload["behaviours"])
        assert payload["occurred"]["start"] == outcome["date"]
        word = "poging tot femicide" if outcome["type"] == "attempted_femicide" else "femicide"
        assert word in payload["narrative"]


def test_escalating_households_are_seen_by_several_organisations(households):
    escalating = [h for h in households.values() if h["pattern"] == "escalating" and h["signals"]]
    mean = sum(len(h["organisations"]) for h in escalating) / len(escalating)
    assert mean >= 3
    single = [h for h in households.values() if h["pattern"] == "single_incident"]
    assert sum(len(h["organisations"]) for h in single) / len(single) < mean


def test_honour_cases_have_several_family_perpetrators(rows, households, person_household):
    honour = [h for h in households.values() if h["pattern"] == "honour"]
    assert honour
    assert all(len(h["perpetrators"]) >= 2 for h in honour)
    honour_ids = {h["household_id"] for h in honour}
    relationships = Counter(
        p["relationship"] for _, p, ids in rows if person_household[ids[0]] in honour_ids
    )
    assert relationships.most_common(1)[0][0] == "honour_context"


def test_behaviours_from_the_issue_occur(rows):
    seen = Counter(b for _, p, _ in rows for b in p["behaviours"])
    for code in (
        "coercive_control",
        "threat_to_kill",
        "stalking",
        "non_fatal_strangulation",
        "children_witnessing",
        "pregnancy",
        "breach_contact_ban",
        "perpetrator_suicide_threat",
        "honour_related_violence",
        "recent_separation",
    ):
        assert seen[code] > 0, code
    roles = Counter(person["role"] for _, p, _ in rows for person in p["persons"])
    assert all(
        roles[role] > 0
        for role in ("victim", "alleged_perpetrator", "child", "reporter", "witness")
    )


# -- identity noise ------------------------------------------------------------------------------
def test_identity_noise_is_present_across_organisations(rows, households):
    victims = {h["victim"] for h in households.values()}
    spellings = defaultdict(set)
    bsn_seen = defaultdict(set)
    postcodes = defaultdict(set)
    missing_dob = 0
    for _, payload, ids in rows:
        for person, pid in zip(payload["persons"], ids, strict=True):
            if pid not in victims:
                continue
            name = surname_key(person.get("surname_prefix"), person.get("surname"))
            spellings[pid].add((name, fold(person.get("given_names"))))
            bsn_seen[pid].add("bsn" in person)
            if "postcode" in person:
                postcodes[pid].add(person["postcode"].replace(" ", "").upper())
            missing_dob += "date_of_birth" not in person
    assert sum(len(s) > 1 for s in spellings.values()) > len(spellings) / 4
    assert sum(seen == {True, False} for seen in bsn_seen.values()) > len(bsn_seen) / 5
    assert sum(len(p) > 1 for p in postcodes.values()) > 10
    assert missing_dob > 0


def test_particles_and_variant_spellings_appear(rows):
    surnames = {p.get("surname") for _, payload, _ in rows for p in payload["persons"]}
    prefixes = {p.get("surname_prefix") for _, payload, _ in rows for p in payload["persons"]}
    assert any(s and s[:3] in ("Van", "Ter", "Ten") and " " not in s for s in surnames)
    assert any(s and s.startswith(("van ", "de ", "ter ", "ten ")) for s in surnames)
    assert any(p and p[0].isupper() for p in prefixes)


# -- ground truth --------------------------------------------------------------------------------
def test_ground_truth_lists_every_mention(truth, rows, person_household):
    json.dumps(truth)  # serialisable
    mentions = truth["mentions"]
    assert len(mentions) == sum(len(p["persons"]) for _, p, _ in rows)
    expected = [
        [code, p["source_reference"], position, pid]
        for code, p, ids in rows
        for position, pid in enumerate(ids)
    ]
    assert mentions == expected
    assert all(pid in person_household for *_, pid in mentions)


def test_ground_truth_roles_match_households(rows, households, person_household):
    for _, payload, ids in rows:
        household = households[person_household[ids[0]]]
        for person, pid in zip(payload["persons"], ids, strict=True):
            role = person["role"]
            if role == "victim":
                assert pid == household["victim"]
            elif role == "alleged_perpetrator":
                assert pid in household["perpetrators"]
            elif role == "child":
                assert pid in household["children"]
            else:
                assert pid in {o["person"] for o in household["others"]}


def test_household_truth_counts_signals(rows, households, person_household):
    counted = Counter(person_household[ids[0]] for _, _, ids in rows)
    for household_id, household in households.items():
        assert household["signals"] == counted[household_id]


def test_iterators_match_the_dict(world, truth):
    assert list(world.iter_mentions()) == truth["mentions"]
    assert list(world.iter_households_truth()) == truth["households_truth"]


def test_garbage_collector_threshold_is_restored():
    before = gc.get_threshold()
    signals = generate_world(households=30, years=1, seed=1, end=END).signals
    next(signals)
    signals.close()
    assert gc.get_threshold() == before
