"""Levels of the linkage model on single pairs: what one piece of evidence may count as."""

from patroon.identity.linkage import plaintext_row
from patroon.identity.linkage.comparisons import PLAINTEXT, PROFILES, comparison_level

BY_NAME = {c.name: c for c in PROFILES["joint"]}


def level(name: str, left: dict, right: dict) -> str:
    comparison = BY_NAME[name]
    labels = ["null", *(lv.label for lv in comparison.levels), "all other"]
    index = comparison_level(comparison, PLAINTEXT, plaintext_row(left), plaintext_row(right))
    return labels[index]


def test_a_surname_in_the_given_name_field_counts_once():
    swapped = {"given_names": "Kwakman", "surname": "Elif"}
    herself = {"given_names": "Elif Büşra", "surname": "Kwakman"}
    sister = {"given_names": "Iris", "surname": "Kwakman"}
    assert level("given_name", swapped, herself) == "swapped with surname"
    assert level("surname", swapped, herself) == "swapped with given name"
    # Only "Kwakman" crosses: it is the surname's evidence, not also the given name's.
    assert level("surname", swapped, sister) == "swapped with given name"
    assert level("given_name", swapped, sister) == "all other"
    assert level("given_name", sister, swapped) == "all other"
