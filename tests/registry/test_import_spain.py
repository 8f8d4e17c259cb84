"""Importing the DGVG series reproduces the published totals and never counts a margin row."""

import csv

import pytest

from patroon.registry.importers import ImportFileError, parse
from patroon.registry.models import ImportBatch, Victim
from patroon.registry.selectors import statistics
from patroon.registry.services import import_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def spain(source_files, cli_registrar):
    return import_file(cli_registrar, "es-dgvg", source_files[0])


def by(actor, dims):
    return statistics(actor, dims, source="es-dgvg")


def test_all_victims_january_2003_to_july_2026(spain, cli_registrar):
    result = by(cli_registrar, ["year"])
    assert result["victims"] == 1374
    assert spain.report["checks"]["first_month"] == "2003-01"
    assert spain.report["checks"]["last_month"] == "2026-07"
    per_year = {c["year"]: c["victims"] for c in result["cells"]}
    assert per_year[2003] == 71
    assert per_year[2008] == 76
    assert per_year[2015] == 59
    assert per_year[2019] == 56
    assert per_year[2023] == 58
    assert per_year[2024] == 49
    assert per_year[2025] == 48
    assert per_year[2026] == 33
    assert result["provisional_period"] == "2026"


def test_partner_and_former_partner(spain, cli_registrar):
    cells = {c["relationship"]: c["victims"] for c in by(cli_registrar, ["relationship"])["cells"]}
    assert cells == {"current_partner": 1060, "former_partner": 314}
    types = {c["femicide_type"] for c in by(cli_registrar, ["femicide_type"])["cells"]}
    assert types == {"femicide_intimate_partner"}


def test_prior_complaint_for_26_percent_of_2006_to_2025(spain, cli_registrar):
    cells = by(cli_registrar, ["year", "prior_police_report"])["cells"]
    window = [c for c in cells if 2006 <= c["year"] <= 2025]
    total = sum(c["victims"] for c in window)
    complained = sum(c["victims"] for c in window if c["prior_police_report"] == "yes")
    assert (complained, total) == (297, 1141)
    assert round(100 * complained / total) == 26
    early = [c for c in cells if c["year"] <= 2005]
    assert {c["prior_police_report"] for c in early} == {"unknown"}  # never collapsed to "no"
    assert sum(c["victims"] for c in early) == 200


def test_margin_rows_are_never_counted(source_files, tmp_path):
    rows = list(csv.DictReader(source_files[0].open(encoding="utf-8")))
    naive = sum(int(r["Victimas"]) for r in rows)
    assert naive == 8 * 1374  # summing every row would count each victim 8 times
    parsed = parse("es-dgvg", source_files[0])
    assert parsed.victims == 1374
    assert parsed.checks["margin_total"] == parsed.checks["detail_total"] == 1374
    assert parsed.checks["months_without_rows"] == ["2009-01"]


def test_a_file_whose_details_do_not_add_up_is_refused(source_files, tmp_path):
    lines = source_files[0].read_text(encoding="utf-8").splitlines()
    header, first = lines[0], lines[1].split(",")
    first[3] = str(int(first[3]) + 1)  # a detailed cell that no longer matches its margin
    broken = tmp_path / "broken.csv"
    broken.write_text("\n".join([header, ",".join(first), *lines[2:]]), encoding="utf-8")
    with pytest.raises(ImportFileError, match="do not add up"):
        parse("es-dgvg", broken)


def test_importing_the_same_file_twice_duplicates_nothing(spain, source_files, cli_registrar):
    import_file(cli_registrar, "es-dgvg", source_files[0])
    assert Victim.objects.count() == 1374
    assert ImportBatch.objects.count() == 1


def test_the_mapping_report_names_the_unmappable_columns(spain):
    unmapped = {(u["column"], u["value"]) for u in spain.report["unmapped"]}
    assert unmapped == {("EdadVictima", "Total"), ("EdadAgresor", "Total")}
