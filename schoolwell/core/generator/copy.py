"""Bulk rows into a table: PostgreSQL COPY, else Django's bulk_create in batches."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection, models
from django.utils import timezone

# What a large load may ask of PostgreSQL to build the indexes it deferred (per sort).
INDEX_BUILD_MEMORY = "256MB"


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
    tail = tuple(extra.values())
    columns = (*columns, *extra)
    fields = [model._meta.get_field(c) for c in columns]
    as_json = [n for n, f in enumerate(fields) if isinstance(f, models.JSONField)]
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    dumps = json.dumps
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
    ):
        write = copy.write_row
        for row in rows:
            row = [*row, *tail]
            for n in as_json:
                # Most JSON cells are an empty list: skip the encoder for them.
                row[n] = "[]" if row[n] == [] else dumps(row[n])
            write(row)
            count += 1
    return count


@contextmanager
def deferred_indexes(model: type[models.Model], *, rows: int) -> Iterator[None]:
    """Load about `rows` rows into `model`'s table without its non-unique indexes and foreign
    keys, then build them again in the same transaction (PostgreSQL; elsewhere, or when the
    table already holds more rows than the load, this does nothing).

    Keeping an index up to date row by row costs more than building it once, and each
    deferred foreign key queues a check per row until the commit. Built again afterwards, an
    index is one sort and a foreign key one validating join: a row that breaks it still fails
    the load, and a failure rolls the dropped ones back with everything else. Unique indexes
    stay, since they guard the load itself. The table (and those its foreign keys point at)
    stays locked until the transaction ends: for generated districts, not live databases.
    """
    if connection.vendor != "postgresql":
        yield
        return
    table = model._meta.db_table
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        held = cursor.fetchone()[0]
    if held > rows:  # rebuilding over what is there would cost more than it saves
        yield
        return
    with connection.cursor() as cursor:
        # ALTER TABLE refuses a table with deferred checks pending: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(
            "SELECT quote_ident(conname), pg_get_constraintdef(oid)"
            " FROM pg_constraint WHERE contype = 'f' AND conrelid = %s::regclass",
            [table],
        )
        keys = cursor.fetchall()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
            " WHERE indrelid = %s::regclass AND NOT indisunique AND NOT indisprimary",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _definition in keys:
            cursor.execute(f"ALTER TABLE {quoted} DROP CONSTRAINT {name}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in keys:
            cursor.execute(f"ALTER TABLE {quoted} ADD CONSTRAINT {name} {definition}")
        cursor.execute(f"ANALYZE {quoted}")
