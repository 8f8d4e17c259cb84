"""Importing the Argentine register: victims in events, 24 jurisdictions, messy values reported."""

import pytest
from django.db.models import Count

from patroon.registry.models import Event, Victim
from patroon.registry.selectors import statistics
from patroon.registry.services import import_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def argentina(source_files, cli_registrar):
    return import_file(cli_registrar, "ar-minjus", source_files[1])


def test_771_victims_in_705_events(argentina):
    assert Victim.objects.filter(event__country="AR").count() == 771
    assert Event.objects.filter(country="AR").count() == 705
    assert (argentina.events, argentina.victims) == (705, 771)
    shared = Event.objects.filter(country="AR", victims__isnull=False).distinct()
    assert sum(1 for e in shared if e.victims.count() > 1) > 0


def test_principal_and_linked_victims(argentina, cli_registrar):
    cells = statistics(cli_registrar, ["victim_type"], country="AR")["cells"]
    assert {c["victim_type"]: c["victims"] for c in cells} == {"principal": 708, "linked": 63}


def test_provinces_normalise_to_24_jurisdictions(argentina, cli_registrar):
    cells = statistics(cli_registrar, ["region"], country="AR")["cells"]
    assert len(cells) == 24
    assert all(c["region"].startswith("AR-") for c in cells)
    regions = {c["region"]: c["victims"] for c in cells}
    assert regions["AR-B"] == 195 + 61  # "Buenos Aires" and "Buenos Aires "
    assert regions["AR-S"] == 5 + 39  # "Santa Fe" and "Santa Fé"


def test_years_as_published(argentina, cli_registrar):
    cells = statistics(cli_registrar, ["year"], country="AR")["cells"]
    assert {c["year"]: c["victims"] for c in cells} == {
        2012: 4,
        2013: 158,
        2014: 217,
        2015: 212,
        2016: 177,
        "unknown": 3,
    }


def test_unmappable_values_are_reported(argentina):
    unmapped = {(u["column"], u["value"]): u["rows"] for u in argentina.report["unmapped"]}
    assert unmapped[("edad", "Menor de edad")] == 1
    assert ("(none)", "relationship") in unmapped  # the extract has no relationship column
    assert ("modalidad_comisiva", "Causa de muerte: Asfixia Mecanica a nivel de cuello") in (
        unmapped
    )


def test_messy_values_are_mapped_not_dropped(argentina, source_files):
    # "Muier" is a typo for Mujer; "Vincualado" for Vinculado; ages in months are under one.
    assert not Victim.objects.filter(event__country="AR", sex="").exists()
    months_or_days = sum(
        1
        for line in source_files[1].read_text(encoding="utf-8").splitlines()
        if line.split(",")[1].endswith(("meses", "días"))
    )
    assert months_or_days == 4
    assert Victim.objects.filter(event__country="AR", age=0).count() == months_or_days
    assert Victim.objects.filter(event__country="AR", gender_identity="travesti").count() == 18


def test_without_a_relationship_most_records_are_insufficient_information(argentina):
    # The framework needs the relationship; only stated sexual violence meets a criterion.
    types = dict(
        Victim.objects.filter(event__country="AR")
        .values_list("femicide_type")
        .annotate(n=Count("id"))
    )
    assert types["out_of_scope"] == 23  # the men killed with a woman (linked victims)
    assert types["femicide_other"] == 4  # "Abuso sexual": criterion sexual violence
    assert Victim.objects.filter(relationship="").count() == 0
