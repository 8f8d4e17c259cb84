from datetime import date

import pytest

from patroon.identity.linkage.fields import linkage_columns, split_surname


@pytest.mark.parametrize(
    ("prefix", "surname", "expected"),
    [
        ("van der", "Berg", ("berg", "vanderberg", "")),
        (None, "van der Berg", ("berg", "vanderberg", "")),
        ("Van der", "Berg", ("berg", "vanderberg", "")),
        (None, "Vanderberg", ("berg", "vanderberg", "")),
        (None, "Berg, van der", ("berg", "vanderberg", "")),
        (None, "Jansen-de Vries", ("jansen", "jansendevries", "vries")),
        ("ter", "Horst", ("horst", "terhorst", "")),
        ("van 't", "Hof", ("hof", "vanthof", "")),
        (None, "Bijl", ("byl", "byl", "")),
        (None, "Dekker", ("dekker", "dekker", "")),
    ],
)
def test_dutch_surnames(prefix, surname, expected):
    assert split_surname(prefix, surname) == expected


def test_linkage_columns():
    columns = linkage_columns(
        {
            "given_names": "Anna Maria",
            "surname_prefix": "de",
            "surname": "Vries",
            "date_of_birth": date(1990, 3, 5),
            "postcode": "1234 ab",
            "house_number": "12 a",
            "phone": "+31 6 1234 5678",
            "bsn": "123456782",
        }
    )
    assert columns["given_name"] == "anna"
    assert columns["surname"] == "vries"
    assert columns["dob"] == "1990-03-05"
    assert columns["dob_swap"] == "1990-05-03"
    assert (columns["postcode"], columns["postcode_area"]) == ("1234AB", "1234")
    assert (columns["house_number"], columns["house_digits"]) == ("12a", "12")
    assert columns["phone"] == linkage_columns({"phone": "06-12345678"})["phone"] == "612345678"
    assert columns["bsn"] == "123456782"
    assert columns["street"] is None


def test_initials_and_swapped_particles():
    assert linkage_columns({"given_names": "J.M."})["given_name"] is None
    assert linkage_columns({"given_names": "J.M."})["given_initial"] == "j"
    assert linkage_columns({"given_names": "van der Berg"})["given_name"] == "berg"


def test_initials_that_are_also_particles_keep_their_initial():
    """ "T.M." and "D." were read as the particles 't and d': the initial was lost or wrong."""
    assert linkage_columns({"given_names": "T.M."})["given_initial"] == "t"
    assert linkage_columns({"given_names": "D."})["given_initial"] == "d"
    assert linkage_columns({"given_names": "D. J."})["given_initial"] == "d"
    assert linkage_columns({"given_names": "T. Maria"})["given_name"] == "maria"
    assert linkage_columns({"given_names": "van 't Hof"})["given_name"] == "hof"
