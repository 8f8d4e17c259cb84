"""Fast multi-row inserts for the intake hot path.

Django's ``bulk_create`` builds a model instance per row and stalls near 2,000 signals/s on
this class of machine; the import needs more. This writes plain tuples with ``executemany``
(SQLite) or ``COPY`` (PostgreSQL), converting each value with the model field's own
``get_db_prep_value`` so types stay exactly what the ORM would store.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable, Sequence

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


def _converter(field, connection):
    """None when the value passes as is; dates and times repeat within a batch (one
    timestamp for the batch, a few distinct days), so their conversion is memoised."""
    kind = (field.target_field if field.is_relation else field).get_internal_type()
    if kind in PASS_THROUGH:
        return None
    if kind == "UUIDField":
        # Callers may pass a UUID or its 32-digit hex form (PostgreSQL takes both).
        if connection.features.has_native_uuid_field:
            return None
        return lambda value: value.hex if isinstance(value, uuid.UUID) else value
    prep = functools.partial(field.get_db_prep_value, connection=connection, prepared=False)
    return functools.lru_cache(maxsize=4096)(prep) if kind in MEMOISED else prep


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
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in prepared:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})"  # noqa: S608
            cursor.executemany(sql, prepared)
    return len(prepared)
