"""Identifiers live only in the identity vault, encrypted; everything else holds pseudonyms."""

import pytest
from django.apps import apps
from django.db import connection

from patroon.identity.models import IdentityRecord, MatchKey, Person
from patroon.identity.resolution import decrypt_identifiers
from patroon.signals.models import SignalPerson
from patroon.signals.services import record_signal
from tests import factories

pytestmark = pytest.mark.django_db

IDENTIFYING_COLUMN_WORDS = (
    "bsn",
    "name",
    "birth",
    "dob",
    "postcode",
    "address",
    "phone",
    "email",
    "street",
)
# Columns whose names contain such a word but hold no data on victims, perpetrators or children.
NOT_PERSONAL = {
    "accounts_organisation.name",
    "accounts_apitoken.name",
    "accounts_user.username",
    "accounts_user.first_name",
    "accounts_user.last_name",
    "accounts_user.email",
}
PATROON_APPS = {"accounts", "audit", "vocabulary", "signals", "demo", "web"}
VICTIM = {"bsn": "111222333", "surname": "Berg", "given_names": "Anna Maria", "postcode": "3511AB"}


def test_no_table_outside_the_vault_has_an_identifier_column():
    """Staff accounts are not data subjects of Patroon's registrations; third-party apps
    (sessions, axes, otp, tasks) hold only staff and technical data."""
    offending = []
    for model in apps.get_models():
        if model._meta.app_label not in PATROON_APPS:
            continue
        table = model._meta.db_table
        for field in model._meta.concrete_fields:
            column = field.column.lower()
            identifying = any(word in column for word in IDENTIFYING_COLUMN_WORDS)
            if identifying and f"{table}.{column}" not in NOT_PERSONAL:
                offending.append(f"{table}.{column}")
    assert offending == []


def _all_text_outside_vault() -> str:
    chunks = []
    vault_tables = {m._meta.db_table for m in apps.get_app_config("identity").get_models()}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table in vault_tables:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, (bytes, memoryview)):
                        chunks.append(bytes(value).decode("latin-1"))
                    elif value is not None:
                        chunks.append(str(value))
    return "\n".join(chunks)


def test_a_populated_database_holds_identifiers_only_in_the_vault(org):
    actor = factories.actor(["intake"], org)
    for i in range(5):
        assert not record_signal(actor, factories.payload(f"V-{i}"), "api").errors

    outside = _all_text_outside_vault()
    for value in VICTIM.values():
        assert value not in outside, f"{value!r} found outside the identity vault"

    records = list(IdentityRecord.objects.all())
    assert records
    for record in records:
        assert b"Berg" not in bytes(record.identifiers) and b"111222333" not in bytes(
            record.identifiers
        )
    victims = [decrypt_identifiers(r) for r in records if r.source_reference == "V-0"]
    assert {v.get("bsn") for v in victims} == {"111222333", None}


def test_exact_match_resolution_links_the_same_person_across_signals(org, other_org):
    a = record_signal(factories.actor(["intake"], org), factories.payload("A-1"), "api")
    second = factories.payload("B-1")
    second["persons"][0].pop("bsn")  # no BSN: resolved on name + date of birth
    second["persons"][0]["given_names"] = "ANNA"
    second["persons"][0]["surname_prefix"] = "Van Der"
    b = record_signal(factories.actor(["intake"], other_org), second, "api")
    victims = SignalPerson.objects.filter(role="victim", signal_id__in=[a.signal_id, b.signal_id])
    assert len({v.person_ref for v in victims}) == 1
    assert Person.objects.count() == 2  # victim and alleged perpetrator
    kinds = sorted(MatchKey.objects.values_list("kind", flat=True))
    assert kinds == ["bsn", "name_dob", "name_dob"]
    for key in MatchKey.objects.all():
        assert "111222333" not in key.digest and len(key.digest) == 64


def test_different_birth_dates_are_different_people(org):
    first = factories.payload("C-1")
    second = factories.payload("C-2")
    for data in (first, second):
        data["persons"][0].pop("bsn")
    second["persons"][0]["date_of_birth"] = "2012-05-05"  # her daughter, same name
    actor = factories.actor(["intake"], org)
    record_signal(actor, first, "api")
    record_signal(actor, second, "api")
    refs = set(SignalPerson.objects.filter(role="victim").values_list("person_ref", flat=True))
    assert len(refs) == 2


def test_identifiers_decrypt_only_with_their_purpose(org):
    record_signal(factories.actor(["intake"], org), factories.payload("D-1"), "api")
    record = IdentityRecord.objects.filter(source_reference="D-1").first()
    assert decrypt_identifiers(record)["surname"] in {"Berg", "Jansen"}
    from cryptography.exceptions import InvalidTag

    from patroon.security.keys import cipher

    with pytest.raises(InvalidTag):
        cipher().decrypt(bytes(record.identifiers), b"signals.narrative")
