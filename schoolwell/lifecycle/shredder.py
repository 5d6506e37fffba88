"""The one path that deletes records, append-only ones included (pretix's shredder as model).

`shred(querysets)` deletes the given rows and everything that hangs off them, whatever app
it belongs to (found by walking the models' relations, so a later app's records go too),
children first. Append-only tables refuse deletes underneath the ORM; only here, inside
one transaction, is that guard lifted:

* PostgreSQL: the trigger function `schoolwell_append_only()` (replaced by
  lifecycle.0002) lets a row go when the transaction has `SET LOCAL schoolwell.shred = 'on'`;
* SQLite: the append-only triggers are dropped and recreated, identically, in the same
  transaction (SQLite's DDL is transactional: a failure restores them with everything else).

Records that are the audit of the lifecycle itself are never shredded (KEPT).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator

from django.db import connection, models, transaction

from schoolwell.audit.models import AccessLog

MAX_DEPTH = 8
BATCH = 2000


class ShredError(Exception):
    pass


def kept_models() -> frozenset[type[models.Model]]:
    from schoolwell.lifecycle.models import ErasureRequest, LegalHold, PurgeLog
    from schoolwell.roster.models import Student

    # The disclosure record, the lifecycle's own audit, and the student row (de-identified
    # by erasure instead, so the disclosure record keeps pointing at something).
    return frozenset({AccessLog, ErasureRequest, LegalHold, PurgeLog, Student})


@contextlib.contextmanager
def shredding() -> Iterator[None]:
    """Inside a transaction: lift the append-only guard for this transaction only."""
    if not connection.in_atomic_block:
        raise ShredError("shredding needs a transaction")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL schoolwell.shred = 'on'")
            try:
                yield
            finally:
                cursor.execute("SET LOCAL schoolwell.shred = 'off'")
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE '%\\_append\\_only' ESCAPE '\\'"
            )
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
            try:
                yield
            finally:
                for _name, sql in triggers:
                    cursor.execute(sql)
        else:
            yield


def relations(model) -> list:
    """Every foreign key pointing at the model, hidden ones (related_name="+") included."""
    return [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)
    ]


def _plan(queryset: models.QuerySet, depth: int = 0) -> list[tuple[str, models.QuerySet]]:
    """(operation, queryset) pairs, dependents before the rows they point at."""
    if depth > MAX_DEPTH:
        raise ShredError(f"relations too deep at {queryset.model.__name__}")
    model = queryset.model
    if model in kept_models():
        raise ShredError(f"{model.__name__} rows are kept, never shredded")
    steps: list[tuple[str, models.QuerySet]] = []
    for rel in relations(model):
        related = rel.related_model
        dependents = related._base_manager.filter(**{f"{rel.field.name}__in": queryset})
        if rel.on_delete is models.SET_NULL:
            steps.append((f"null:{rel.field.name}", dependents))
        elif related is model:
            continue  # a row pointing at another row of the same set goes with it
        else:
            steps.extend(_plan(dependents, depth + 1))
    steps.append(("delete", queryset))
    return steps


def shred(querysets: Iterable[models.QuerySet]) -> dict[str, int]:
    """Delete these rows and their dependents; rows deleted per model (label → count)."""
    counts: dict[str, int] = {}
    with transaction.atomic(), shredding():
        for root in querysets:
            if root.model in kept_models():
                raise ShredError(f"{root.model.__name__} rows are kept, never shredded")
            for batch in _batches(root):
                for operation, queryset in _plan(root.model._base_manager.filter(pk__in=batch)):
                    if operation == "delete":
                        done = queryset._raw_delete(queryset.db)
                        label = queryset.model._meta.label
                        counts[label] = counts.get(label, 0) + done
                    else:
                        queryset.update(**{operation.removeprefix("null:"): None})
    return counts


def _batches(queryset: models.QuerySet, size: int = BATCH) -> Iterator[list[int]]:
    """The root rows' ids in bounded batches (a first purge may meet millions of check-ins)."""
    last = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        ids = list(page.values_list("pk", flat=True)[:size])
        if not ids:
            return
        yield ids
        last = ids[-1]
