"""Bulk rows into a table: PostgreSQL COPY, else Django's bulk_create in batches."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connection, models
from django.utils import timezone


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
    # Django's defaults live in Python, not in the table: COPY must spell them out.
    extra = {
        f.attname: timezone.now() if getattr(f, "auto_now_add", False) else f.get_default()
        for f in model._meta.concrete_fields
        if f.attname not in columns
        and not f.primary_key
        and (
            f.has_default()
            or getattr(f, "auto_now_add", False)
            or getattr(f, "auto_now", False)
            or (not f.null and f.empty_strings_allowed and f.get_internal_type() != "JSONField")
        )
    }
    rows = ((*row, *extra.values()) for row in rows)
    columns = (*columns, *extra)
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
