"""SQL aggregates the dashboards share: medians of durations, computed by PostgreSQL
instead of reading every row into Python. SQLite has no median: callers read the few
columns they need there (the embedded default holds one school)."""

from __future__ import annotations

from django.db import connections
from django.db.models import Aggregate, F, FloatField, Func, QuerySet


class Median(Aggregate):
    """PostgreSQL's median (interpolated between the two middle values, as
    `statistics.median`); NULLs are left out."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def hours_between(later: str, earlier: str) -> Func:
    return Func(
        F(later),
        F(earlier),
        template="EXTRACT(EPOCH FROM %(expressions)s) / 3600.0",
        arg_joiner=" - ",
        output_field=FloatField(),
    )


def medians_in_sql(queryset: QuerySet) -> bool:
    """Whether the database `queryset` reads from computes `Median`."""
    return connections[queryset.db].vendor == "postgresql"
