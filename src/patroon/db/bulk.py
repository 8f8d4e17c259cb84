"""Fast multi-row inserts for the intake hot path.

Django's ``bulk_create`` builds a model instance per row and stalls near 2,000 signals/s on
this class of machine; the import needs more. This writes plain tuples with ``executemany``
(SQLite) or binary ``COPY`` (PostgreSQL), converting each value with the model field's own
``get_db_prep_value`` so types stay exactly what the ORM would store.

Binary, because text COPY spent 15 us of client CPU per row of the victim devices' ping log
formatting timestamps, UUIDs and ciphertext as text (and the server as long parsing them
back); binary costs 5 (measured on the ping row, 14 columns).
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import connections, router

# Field types whose Python value is already what the database driver takes.
PASS_THROUGH = frozenset(
    {
        "CharField",
        "SlugField",
        "TextField",
        "BooleanField",
        "IntegerField",
        "BigIntegerField",
        "PositiveSmallIntegerField",
        "PositiveIntegerField",
        "SmallIntegerField",
        "AutoField",
        "BigAutoField",
        # bytes go to sqlite3 and to psycopg's COPY as they are.
        "BinaryField",
    }
)


MEMOISED = frozenset({"DateTimeField", "DateField"})
FEW_ROWS = 2
_TYPE_MODIFIER = re.compile(r"\(.*\)")


def _converter(field, connection):
    """None when the value passes as is; dates and times repeat within a batch (one
    timestamp for the batch, a few distinct days), so their conversion is memoised."""
    kind = (field.target_field if field.is_relation else field).get_internal_type()
    if kind in PASS_THROUGH:
        return None
    if kind == "UUIDField":
        # Callers may pass a UUID or its 32-digit hex form.
        if connection.vendor == "postgresql":  # binary COPY takes UUID objects only
            return lambda value: uuid.UUID(value) if isinstance(value, str) else value
        return lambda value: value.hex if isinstance(value, uuid.UUID) else value
    prep = functools.partial(field.get_db_prep_value, connection=connection, prepared=False)
    if kind == "DateTimeField" and connection.vendor == "postgresql":
        # An aware datetime is what Django would send PostgreSQL anyway; only a naive one
        # needs its conversion (and warning). Ping times are all different: no memo helps.
        return lambda value: value if _aware(value) else prep(value)
    return functools.lru_cache(maxsize=4096)(prep) if kind in MEMOISED else prep


def _aware(value) -> bool:
    return value is None or (isinstance(value, datetime) and value.tzinfo is not None)


def _copy_types(fields, connection) -> list[str]:
    """PostgreSQL type names for binary COPY: the fields' column types without modifiers
    ("varchar(40)" -> "varchar"); psycopg knows the SQL spellings ("bigint", "timestamp
    with time zone") as well."""
    return [_TYPE_MODIFIER.sub("", f.db_type(connection)).strip().lower() for f in fields]


def insert_rows(model, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    db = router.db_for_write(model)
    connection = connections[db]
    fields = [model._meta.get_field(name) for name in columns]
    converting = [(i, conv) for i, f in enumerate(fields) if (conv := _converter(f, connection))]
    prepared = [list(row) for row in rows]
    for i, convert in converting:
        for row in prepared:
            row[i] = convert(row[i])
    if not prepared:
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        # A COPY costs a round trip and its own set-up: for a row or two (an audit entry),
        # a plain INSERT is cheaper.
        if connection.vendor == "postgresql" and len(prepared) > FEW_ROWS:
            statement = f"COPY {table} ({quoted}) FROM STDIN (FORMAT BINARY)"
            with cursor.cursor.copy(statement) as copy:
                copy.set_types(_copy_types(fields, connection))
                for row in prepared:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})"  # noqa: S608
            cursor.executemany(sql, prepared)
    return len(prepared)
