"""The instrument files: valid, sourced, and free of stigmatising inputs."""

import re

import pytest
import yaml

from patroon.risk.instruments import DATA_DIR, InstrumentError, instruments, parse
from patroon.risk.protocol import DATA_FILE as PROTOCOL_FILE

# Ethnicity, migration background, nationality and religion, in English and Dutch.
STIGMATISING = re.compile(
    r"ethnic|etnic|\brace\b|\bras\b|migra|allochto|herkomst|afkomst|origin|nationalit|"
    r"citizenship|staatsburger|religi|\bgeloof\b|geloofs|faith|\bkerk|moske|church|mosque|islam|muslim|"
    r"moslim|christ|jood|jewish|hindu",
    re.IGNORECASE,
)


@pytest.mark.parametrize("path", sorted(DATA_DIR.glob("*.yaml")) + [PROTOCOL_FILE], ids=str)
def test_no_file_references_ethnicity_migration_nationality_or_religion(path):
    found = STIGMATISING.findall(path.read_text(encoding="utf-8"))
    assert not found, f"{path.name} references {sorted(set(found))}"


def test_every_shipped_instrument_loads_with_sources_in_both_languages():
    shipped = instruments()
    assert set(shipped) == {
        "lethality_screen",
        "dash",
        "rihg",
        "danger_assessment",
        "stalking_screen",
    }
    for chosen in shipped.values():
        assert chosen.sources and chosen.provenance("nl") and chosen.provenance("en")
        assert all(i.text("nl") != i.text("en") for i in chosen.items)


def broken(change):
    data = yaml.safe_load((DATA_DIR / "dash.yaml").read_text(encoding="utf-8"))
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["items"][3].pop("text"), r"item 'isolated': field 'text'"),
        (
            lambda d: d["items"][3]["prefill"].update(behaviours=["astrology"]),
            r"item 'isolated': field 'prefill.behaviours': unknown behaviour 'astrology'",
        ),
        (lambda d: d["items"][0].update(section="nowhere"), r"item 'injury': field 'section'"),
        (lambda d: d["items"][1].update(id="injury"), r"item 'injury': field 'id': is used twice"),
        (lambda d: d["outcomes"][0].update(level="severe"), r"outcome 'standard': field 'level'"),
        (lambda d: d["scoring"]["bands"][1].update(min=20), r"scoring.bands\[2\].min'.*rise"),
        (
            lambda d: (
                d["items"][0].update(weight=3, id="x") or d.update(weights={"status": "unverified"})
            ),
            r"same weight",
        ),
        (lambda d: d.pop("sources"), r"field 'sources'"),
    ],
)
def test_a_malformed_file_is_refused_naming_the_item_and_field(change, message):
    with pytest.raises(InstrumentError, match=message):
        parse(broken(change))
