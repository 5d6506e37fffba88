"""Bulk rows into a table: PostgreSQL COPY, else Django's bulk_create in batches."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connection, models


def copy_rows(model: type[models.Model], columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
    """Insert `rows` (tuples in the order of `columns`, attnames) without returning ids."""
    if connection.vendor != "postgresql":
        batch, count = [], 0
        for row in rows:
            batch.append(model(**dict(zip(columns, row, strict=True))))
            if len(batch) == 5000:
                count += len(model.objects.bulk_create(batch))
                batch = []
        return count + len(model.objects.bulk_create(batch))
    fields = [model._meta.get_field(c) for c in columns]
    is_json = [isinstance(f, models.JSONField) for f in fields]
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([json.dumps(v) if j else v for v, j in zip(row, is_json, strict=True)])
            count += 1
    return count
