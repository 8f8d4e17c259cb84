"""Identifiers live only in the identity vault, encrypted; everything else holds pseudonyms."""

import functools
import json
import re
from datetime import date

import pytest
from django.apps import apps
from django.db import connections, router

from patroon.demo.load import load_world
from patroon.demo.world import generate_world
from patroon.identity.models import BlockingKey, IdentityRecord, Person
from patroon.identity.resolution import decrypt_identifiers
from patroon.security.keys import cipher
from patroon.security.registry import ENCRYPTED_COLUMNS
from patroon.signals.models import SignalPerson
from patroon.signals.services import record_signal
from tests import factories

pytestmark = pytest.mark.django_db

VICTIM = {"bsn": "111222333", "surname": "Berg", "given_names": "Anna Maria", "postcode": "3511AB"}
IDENTIFIER_COLUMN = re.compile(
    r"(^|_)(bsn|given_names?|surname|date_of_birth|birth|street|house_number|postcode|phone"
    r"|email|city|address)(_|$)"
)
# Columns outside the vault whose names match but that hold no data on the people in signals.
ALLOWED_COLUMNS = {
    # Staff accounts: a professional's work e-mail, needed for sign-in and notifications.
    "accounts_user.email",
    # django-axes: the IP address of failed staff sign-ins (brute-force protection).
    "axes_accessattempt.ip_address",
    "axes_accessfailurelog.ip_address",
    "axes_accesslog.ip_address",
}
DEMO_HOUSEHOLDS = 40
MIN_NEEDLE = 5  # shorter values (house numbers, "Bos") would match by accident


def _vault() -> set[str]:
    config = apps.get_app_config("identity")
    return {model._meta.db_table for model in config.get_models(include_auto_created=True)}


def _tables() -> list[tuple[str, str]]:
    """(database alias, table) of every table, in the vault's own database too if it has one."""
    return [
        (alias, table)
        for alias in connections
        for table in connections[alias].introspection.table_names()
    ]


def _outside_vault() -> list[tuple[str, str]]:
    vault = _vault()
    return [(alias, table) for alias, table in _tables() if table not in vault]


def _columns(alias: str, table: str) -> list[str]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        return [c.name for c in connection.introspection.get_table_description(cursor, table)]


@functools.cache
def _demo_world():
    """The world and the plaintext it hands to intake: identifiers and narratives."""
    world = generate_world(households=DEMO_HOUSEHOLDS, years=2, seed=11, end=date(2026, 6, 1))
    identifiers, narratives = set(), set()
    for _, payload in world.signals:
        narratives.add(payload["narrative"])
        for person in payload["persons"]:
            for field in ("bsn", "date_of_birth", "email", "street"):
                identifiers.add(person.get(field) or "")
            postcode, phone = person.get("postcode") or "", person.get("phone") or ""
            identifiers.update(
                [postcode, postcode.replace(" ", ""), phone, re.sub(r"\D", "", phone)]
            )
            for field in ("given_names", "surname"):
                name = person.get(field) or ""
                # As given, and as a normalised copy (lower case, one name part) would hold it.
                identifiers.update([name, *name.split(), name.lower(), *name.lower().split()])
    return world, {v for v in identifiers if len(v) >= MIN_NEEDLE}, narratives


def _raw_text(tables) -> str:
    """Every text and binary value of ``tables`` ((alias, table) pairs), read with raw SQL as
    the database holds it."""
    chunks = []
    for alias, table in tables:
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, (bytes, memoryview)):
                        chunks.append(bytes(value).decode("utf-8", "replace"))
                    elif isinstance(value, str):
                        chunks.append(value)
                    elif isinstance(value, (dict, list)):  # jsonb, decoded by the driver
                        chunks.append(json.dumps(value, ensure_ascii=False))
    return "\x00".join(chunks)


@pytest.fixture
def demo_world(db):
    world, identifiers, narratives = _demo_world()
    load_world(world)
    return identifiers, narratives


def test_no_table_outside_the_vault_has_an_identifier_column():
    tables = _outside_vault()
    names = {table for _, table in tables}
    assert "signals_signal" in names and "identity_identityrecord" not in names
    offending = [
        f"{table}.{column}"
        for alias, table in tables
        for column in map(str.lower, _columns(alias, table))
        if IDENTIFIER_COLUMN.search(column) and f"{table}.{column}" not in ALLOWED_COLUMNS
    ]
    assert offending == []


def test_a_populated_demo_database_holds_no_identifier_outside_the_vault(demo_world):
    identifiers, _ = demo_world
    assert len(identifiers) > 4 * DEMO_HOUSEHOLDS
    outside = _raw_text(_outside_vault())
    assert sorted(v for v in identifiers if v in outside) == []


def test_vault_and_narratives_are_ciphertext_that_decrypts_with_its_purpose(demo_world):
    identifiers, narratives = demo_world
    vault = _vault()
    stored = _raw_text((alias, table) for alias, table in _tables() if table in vault)
    assert sorted(v for v in identifiers if v in stored) == []
    everywhere = _raw_text(_tables())
    assert [n for n in narratives if n in everywhere] == []

    plain = {}
    for column in ENCRYPTED_COLUMNS:
        connection = connections[router.db_for_read(column.model)]
        table = connection.ops.quote_name(column.model._meta.db_table)
        name = connection.ops.quote_name(column.model._meta.get_field(column.field).column)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {name} FROM {table} WHERE {name} IS NOT NULL")  # noqa: S608
            # Raises unless each value was sealed for this column's purpose.
            plain[str(column)] = [cipher().decrypt(v, column.purpose) for (v,) in cursor]
    assert set(plain["signals.Signal.narrative"]) == narratives
    vault = [json.loads(v) for v in plain["identity.IdentityRecord.identifiers"]]
    assert len(vault) > 2 * DEMO_HOUSEHOLDS and {p.get("bsn") for p in vault} & identifiers


def test_a_populated_database_holds_identifiers_only_in_the_vault(org):
    actor = factories.actor(["intake"], org)
    for i in range(5):
        assert not record_signal(actor, factories.payload(f"V-{i}"), "api").errors

    outside = _raw_text(_outside_vault())
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


def test_deterministic_linking_finds_the_same_person_across_signals(org, other_org):
    a = record_signal(factories.actor(["intake"], org), factories.payload("A-1"), "api")
    second = factories.payload("B-1")
    second["persons"][0].pop("bsn")  # no BSN: resolved on name + date of birth
    second["persons"][0]["given_names"] = "ANNA"
    second["persons"][0]["surname_prefix"] = "Van Der"
    b = record_signal(factories.actor(["intake"], other_org), second, "api")
    victims = SignalPerson.objects.filter(role="victim", signal_id__in=[a.signal_id, b.signal_id])
    assert len({v.person_ref for v in victims}) == 1
    assert Person.objects.count() == 2  # victim and alleged perpetrator
    digests = list(BlockingKey.objects.values_list("digest", flat=True))
    assert digests and all(isinstance(d, int) and -(2**63) <= d < 2**63 for d in digests)


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

    with pytest.raises(InvalidTag):
        cipher().decrypt(bytes(record.identifiers), b"signals.narrative")
