"""Count tables by school, grade band and subgroup, and the roster and SEL figures."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, CharField, Count, QuerySet, Value, When
from django.utils import timezone

from schoolwell.accounts.models import Language
from schoolwell.reports.suppression import SuppressedTable, suppress
from schoolwell.roster.models import Student

# How an indicator gets its schools' parts (a part per school id): `computed` all at once (the
# exports), or each school's from the cache under its figures version (the dashboards,
# `dashboards.cached_parts`), so a change in one school recomputes that school's part only.
# Arguments: the part's kind, `compute(school ids or None for all) -> {school id: part}`, and
# the part of a school `compute` leaves out.
Parts = Callable[[str, Callable[[Collection[int] | None], dict[int, Any]], Any], dict[int, Any]]


def computed(kind: str, compute: Callable[[Collection[int] | None], dict], empty: Any) -> dict:
    return compute(None)


def of_schools(queryset: QuerySet, school_ids: Collection[int] | None, field="school_id"):
    return queryset if school_ids is None else queryset.filter(**{f"{field}__in": school_ids})


def counters_by_school(rows: Iterable[tuple]) -> dict[int, Counter]:
    """(school id, *key, n) rows → {school id: Counter({key: n})} (a key of one value is
    that value)."""
    found: dict[int, Counter] = {}
    for school, *key, n in rows:
        found.setdefault(school, Counter())[key[0] if len(key) == 1 else tuple(key)] += n
    return found


def summed(parts: dict[int, Counter]) -> Counter:
    return sum(parts.values(), Counter())


# Grade bands used for every subgroup breakdown (small enough groups get suppressed anyway).
GRADE_BANDS: list[tuple[int, int, str]] = [
    (-1, 2, "PreK–2"),
    (3, 5, "3–5"),
    (6, 8, "6–8"),
    (9, 13, "9–12"),
]


def school_year_start(day: dt.date) -> int:
    """The calendar year a school year containing `day` starts in (August to July)."""
    return day.year if day.month >= 8 else day.year - 1


def grade_label(grade: int) -> str:
    return "K" if grade == 0 else ("PreK" if grade < 0 else str(grade))


def grade_band_expression(field: str = "grade") -> Case:
    return Case(
        *[
            When(**{f"{field}__gte": low, f"{field}__lte": high}, then=Value(label))
            for low, high, label in GRADE_BANDS
        ],
        output_field=CharField(),
    )


def grouped_counts(
    queryset: QuerySet,
    row_field: str,
    column_field: str,
    *,
    distinct_field: str | None = None,
) -> dict[tuple, int]:
    """{(row value, column value): count} in one GROUP BY query."""
    measure = Count(distinct_field, distinct=True) if distinct_field else Count("pk")
    return {
        (row, col): n
        for row, col, n in queryset.values_list(row_field, column_field)
        .order_by()
        .annotate(n=measure)
        .values_list(row_field, column_field, "n")
    }


def count_table(
    counts: dict[tuple, int],
    *,
    rows: Sequence[tuple[object, str]],
    columns: Sequence[tuple[object, str]],
    hide_zeros: bool = True,
    threshold: int | None = None,
    complement_columns: Sequence[int] = (),
) -> SuppressedTable:
    """A suppressed table from grouped counts, rows/columns given as (value, label)."""
    grid = [[counts.get((r, c), 0) for c, _label in columns] for r, _label in rows]
    return suppress(
        grid,
        row_labels=[label for _value, label in rows],
        column_labels=[label for _value, label in columns],
        hide_zeros=hide_zeros,
        threshold=threshold,
        complement_columns=complement_columns,
    )


# Where a dashboard's reader may already see every record (a school's own administrator),
# tables are not suppressed; de-identified outputs use the configured threshold.
IDENTIFIED = 0


def students_by_school_and_grade(
    students: QuerySet[Student], *, parts: Parts = computed
) -> SuppressedTable:
    """Active students per school (rows) and grade (columns)."""
    by_school = parts(
        "school-grade",
        lambda ids: counters_by_school(
            of_schools(students.filter(active=True), ids)
            .order_by()
            .values_list("school_id", "school__name", "grade")
            .annotate(n=Count("pk"))
        ),
        Counter(),
    )
    counts, names = {}, {}
    for school, part in by_school.items():
        for (name, grade), n in part.items():
            counts[(school, grade)] = n
            names[school] = name
    grades = sorted({grade for _school, grade in counts})
    return count_table(
        counts,
        rows=sorted(names.items(), key=lambda item: (item[1], item[0])),
        columns=[(g, grade_label(g)) for g in grades],
        hide_zeros=False,  # a school without a grade is public knowledge
    )


def students_by_band_and_language(
    students: QuerySet[Student], *, threshold: int | None = None, parts: Parts = computed
) -> SuppressedTable:
    """Active students per grade band (rows) and preferred language (columns)."""
    counts = summed(
        parts(
            "band-language",
            lambda ids: counters_by_school(
                of_schools(students.filter(active=True), ids)
                .annotate(band=grade_band_expression())
                .order_by()
                .values_list("school_id", "band", "preferred_language")
                .annotate(n=Count("pk"))
            ),
            Counter(),
        )
    )
    present = {band for band, _lang in counts}
    return count_table(
        counts,
        rows=[(label, label) for _lo, _hi, label in GRADE_BANDS if label in present],
        columns=[(code, str(name)) for code, name in Language.choices],
        threshold=threshold,
    )


@dataclass(frozen=True)
class SelCoverage:
    start: dt.date
    end: dt.date
    competencies: list
    schools: list  # sel.selectors.Coverage per school, in name order


def sel_coverage(
    user, *, school_ids: set[int], today: dt.date | None = None, parts: Parts = computed
) -> SelCoverage:
    """SEL coverage per school for the current period: the coverage page's school totals
    (sel.selectors.coverage_report), added up by the database."""
    from schoolwell.sel.selectors import competencies, coverage_period, school_coverage

    today = today or timezone.localdate()
    start, end = coverage_period(user=user, today=today)
    by_school = parts(
        # The period is the reader's (their classes' term): part of what is cached.
        f"sel-{start.isoformat()}-{end.isoformat()}",
        lambda ids: {
            row.obj.pk: row
            for row in school_coverage(
                user=user,
                school_ids=school_ids if ids is None else set(ids),
                start=start,
                end=end,
                today=today,
            )
        },
        None,  # a school without classes has no row
    )
    rows = sorted(
        (row for row in by_school.values() if row is not None),
        key=lambda row: (row.obj.name, row.obj.pk),
    )
    all_competencies = competencies()
    for row in rows:
        row.set_competencies(all_competencies)
    return SelCoverage(start, end, all_competencies, rows)
