"""Gap-free sequence numbers per key (case numbers, notice numbers, license serials).

A counter is a model with the key fields, a unique constraint over exactly them and a
``last_value`` integer. :func:`counter_next` creates or increments the key's row in one upsert
(``INSERT … ON CONFLICT DO UPDATE … RETURNING``, PostgreSQL and SQLite ≥ 3.35) and returns the
new value: the row stays locked until the caller's transaction ends, so two callers never get
the same value, and a rolled-back caller gives its value back. One statement instead of a read,
a lock and a write.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, models


def counter_next(model: type[models.Model], **key: Any) -> int:
    """The next value of ``model``'s counter for ``key`` (field name → value); call it inside
    the transaction that uses the value."""
    fields = [model._meta.get_field(name) for name in key]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(str(field.column)) for field in fields)  # type: ignore[union-attr]
    values = [
        # A related object counts by its primary key (a foreign key column).
        field.get_db_prep_value(  # type: ignore[union-attr]
            value.pk if isinstance(value, models.Model) else value, connection
        )
        for field, value in zip(fields, key.values(), strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({names}, last_value) "  # noqa: S608 - names from the model
            f"VALUES ({', '.join(['%s'] * len(values))}, 1) "
            f"ON CONFLICT ({names}) DO UPDATE SET last_value = {table}.last_value + 1 "
            "RETURNING last_value",
            values,
        )
        (value,) = cursor.fetchone()
    return int(value)
