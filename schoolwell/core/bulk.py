"""Many rows of one model changed in one UPDATE whose cost follows the number of distinct
values rather than of rows.

Django's `bulk_update` writes one CASE arm per row and field and resolves each as a filter:
for a class's 30 check-ins that was half the CPU of the whole save request. A class's rows
share a handful of values (wellbeing 1–5, no tags, no note), so grouping the rows by value
gives a few arms (`WHEN id IN (…) THEN 4`) per field, or a plain value when all agree.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, router
from django.db.models import Case, Model, Value, When
from django.db.models.functions import Cast

BATCH = 2000  # rows per UPDATE: well within SQLite's limit on a statement's parameters


def rows_update(objs: Sequence[Model], fields: Sequence[str]) -> int:
    """Write `fields` of `objs` (saved instances of one model); return the rows updated.
    Like `bulk_update`: no signals, no `auto_now` (set such a field on the objects)."""
    if not objs:
        return 0
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    updated = 0
    for start in range(0, len(objs), BATCH):
        batch = objs[start : start + BATCH]
        values = {}
        for name in fields:
            field = model._meta.get_field(name)
            groups: dict[str, tuple[object, list]] = {}
            for obj in batch:
                value = getattr(obj, field.attname)
                groups.setdefault(repr(value), (value, []))[1].append(obj.pk)
            if len(groups) == 1:
                values[field.attname] = Value(value, output_field=field)
                continue
            case = Case(
                *(
                    When(pk__in=pks, then=Value(value, output_field=field))
                    for value, pks in groups.values()
                ),
                output_field=field,
            )
            if connection.features.requires_casted_case_in_updates:
                case = Cast(case, output_field=field)
            values[field.attname] = case
        updated += model._base_manager.filter(pk__in=[obj.pk for obj in batch]).update(**values)
    return updated
