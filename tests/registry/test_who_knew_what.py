"""Who knew what, when: a registered victim's prior signals per organisation, and what an
analyst may (not) see."""

from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta

import pytest
from django.apps import apps

from patroon.accounts.access import AccessDenied
from patroon.audit.services import entries_for
from patroon.registry.selectors import (
    lessons_learned,
    record_detail,
    record_list,
    who_knew_what,
)
from patroon.registry.services import link_person, register
from patroon.signals.models import SignalPerson
from patroon.signals.services import record_signal
from tests import factories

pytestmark = pytest.mark.django_db
# Without the cases app the answer is "unknown", never "no"; with it, no case was opened here.
CASE_ANSWER = "no" if apps.is_installed("patroon.cases") else "unknown"

IDENTIFYING = {
    "person_ref",
    "reference",
    "date",
    "municipality",
    "age",
    "nationality",
    "migration_background",
    "restricted",
    "id",
}


def signal_at(org, days_ago: int, reference: str):
    actor = factories.actor(["intake"], org)
    occurred = datetime.now(UTC) - timedelta(days=days_ago)
    outcome = record_signal(
        actor,
        factories.payload(
            reference,
            reported_at=(occurred + timedelta(hours=1)).isoformat(),
            occurred={"start": occurred.date().isoformat(), "approximate": False},
        ),
        "web",
    )
    assert not outcome.errors, outcome.errors
    return outcome


@pytest.fixture
def three_organisations(db):
    return [
        factories.organisation("politie-wkw", "politie", "utrecht"),
        factories.organisation("vt-wkw", "veilig_thuis", "utrecht"),
        factories.organisation("huisarts-wkw", "huisarts", "utrecht"),
    ]


@pytest.fixture
def registered(three_organisations, registrar):
    police, vt, gp = three_organisations
    for i, days in enumerate((200, 120, 90)):
        signal_at(police, days, f"P-{i}")
    signal_at(vt, 60, "VT-1")
    signal_at(gp, 30, "GP-1")
    person_refs = set(
        SignalPerson.objects.filter(role="victim").values_list("person_ref", flat=True)
    )
    assert len(person_refs) == 1, "the vault links the three organisations' victim"
    event = register(
        registrar,
        {
            "date": date.today() - timedelta(days=10),
            "region": "utrecht",
            "municipality": "0344",
            "method": "sharp_object",
            "place_type": "shared_home",
        },
        [
            {
                "sex": "female",
                "gender_identity": "woman",
                "age": 36,
                "relationship": "former_partner",
                "separated": "yes",
                "prior_police_report": "yes",
                "sources": "police om",
                "verification": "official",
                "nationality": "NL",
            }
        ],
    )
    victim = event.victims.get()
    link_person(registrar, victim.pk, person_refs.pop())
    return victim


def test_prior_signals_at_three_organisations_show_those_three(
    registered, three_organisations, registrar
):
    found = who_knew_what(registrar, registered.pk)
    by_org = {found.organisations[o.organisation_id].code: o for o in found.summary.organisations}
    assert set(by_org) == {"politie-wkw", "vt-wkw", "huisarts-wkw"}
    assert by_org["politie-wkw"].signals == 3
    assert by_org["vt-wkw"].signals == 1
    assert by_org["politie-wkw"].first < by_org["politie-wkw"].last
    assert found.summary.known_before
    assert found.summary.case_open == CASE_ANSWER
    assert list(entries_for("registry_who_knew", str(registered.pk)))  # audited


def test_signals_after_the_killing_are_not_counted(registered, three_organisations, registrar):
    signal_at(three_organisations[2], 1, "GP-after")
    found = who_knew_what(registrar, registered.pk)
    gp = next(
        o
        for o in found.summary.organisations
        if found.organisations[o.organisation_id].code == "huisarts-wkw"
    )
    assert gp.signals == 1


def test_an_analyst_cannot_ask_who_knew_what(registered, analyst):
    with pytest.raises(AccessDenied):
        who_knew_what(analyst, registered.pk)


def test_an_analyst_sees_no_identifying_field(registered, analyst):
    listed = record_list(analyst)
    assert len(listed) == 1
    shown = asdict(listed[0])
    assert not IDENTIFYING & set(shown)
    assert str(registered.person_ref) not in str(shown)
    assert registered.reference not in str(shown)
    detail = asdict(record_detail(analyst, listed[0].pseudonym))
    assert not IDENTIFYING & set(detail)
    assert detail["year"] == registered.event.year


def test_the_registrar_reads_the_restricted_variables_audited(registered, registrar):
    view = record_detail(registrar, registered.pk)
    assert view.restricted == {"nationality": "NL"}
    assert view.linked
    assert "Former intimate partner" in view.reason


def test_the_lessons_learned_table_counts_organisations(registered, analyst):
    table = lessons_learned(analyst)
    assert table["victims_linked"] == 1
    assert table["known_beforehand"] == 1
    assert table["organisations"]["3+"] == 1
    assert table["case_open"] == {CASE_ANSWER: 1}
