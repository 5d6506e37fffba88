"""Count tables by school, grade band and subgroup, and the roster and SEL figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, QuerySet, Value, When
from django.utils import timezone

from schoolwell.accounts.models import Language
from schoolwell.reports.suppression import SuppressedTable, suppress
from schoolwell.roster.models import Student

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


def students_by_school_and_grade(students: QuerySet[Student]) -> SuppressedTable:
    """Active students per school (rows) and grade (columns)."""
    counts, names = {}, {}
    for school, name, grade, n in (
        students.filter(active=True)
        .order_by()
        .values_list("school_id", "school__name", "grade")
        .annotate(n=Count("pk"))
    ):
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
    students: QuerySet[Student], *, threshold: int | None = None
) -> SuppressedTable:
    """Active students per grade band (rows) and preferred language (columns)."""
    active = students.filter(active=True).annotate(band=grade_band_expression())
    counts = grouped_counts(active, "band", "preferred_language")
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


def sel_coverage(user, *, school_ids: set[int], today: dt.date | None = None) -> SelCoverage:
    """SEL coverage per school for the current period: the coverage page's school totals
    (sel.selectors.coverage_report), added up by the database."""
    from schoolwell.sel.selectors import competencies, coverage_period, school_coverage

    today = today or timezone.localdate()
    start, end = coverage_period(user=user, today=today)
    rows = school_coverage(user=user, school_ids=school_ids, start=start, end=end, today=today)
    all_competencies = competencies()
    for row in rows:
        row.set_competencies(all_competencies)
    return SelCoverage(start, end, all_competencies, rows)
