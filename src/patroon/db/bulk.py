"""Fast multi-row inserts for the intake hot path.

Django's ``bulk_create`` builds a model instance per row and stalls near 2,000 signals/s on
this class of machine; the import needs more. This writes plain tuples with ``executemany``
(SQLite) or ``COPY`` (PostgreSQL), converting each value with the model field's own
``get_db_prep_value`` so types stay exactly what the ORM would store.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connections, router


def insert_rows(model, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    db = router.db_for_write(model)
    connection = connections[db]
    fields = [model._meta.get_field(name) for name in columns]
    column_names = [f.column for f in fields]
    converters = [lambda v, f=f: f.get_db_prep_value(v, connection, prepared=False) for f in fields]
    prepared = [[conv(v) for conv, v in zip(converters, row, strict=True)] for row in rows]
    if not prepared:
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(c) for c in column_names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in prepared:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})", prepared)  # noqa: S608
    return len(prepared)
