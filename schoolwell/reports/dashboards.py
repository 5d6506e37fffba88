"""What each dashboard shows: indicators turned into sections of tables and charts.

Each context runs a fixed number of grouped queries (indicators), whatever the data size.
A school's own administrators see unsuppressed counts (they may open every record anyway);
district views are de-identified and small-cell suppressed (rule 7).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from schoolwell.accounts.roles import Role
from schoolwell.reports import charts, indicators
from schoolwell.reports.suppression import SuppressedTable
from schoolwell.roster.models import School
from schoolwell.roster.selectors import taught_classes, visible_students


@dataclass
class Section:
    """A titled block of a dashboard: headline figures, a chart and/or a count table."""

    key: str
    title: str
    table: SuppressedTable | None = None
    row_header: str = ""
    chart: charts.Chart | None = None
    figures: list[tuple[str, str]] = field(default_factory=list)
    note: str = ""


def _table_section(key, title, table, row_header, *, stacked=True, y_title=None) -> Section:
    chart = charts.suppressed_bar_chart(
        f"chart-{key}", title, table, y_title=y_title or _("Students"), stacked=stacked
    )
    return Section(key, title, table=table, row_header=row_header, chart=chart)


def _common_sections(students, *, threshold: int | None) -> list[Section]:
    return [
        _table_section(
            "consent",
            _("Consent coverage"),
            indicators.consent_coverage(students, threshold=threshold),
            _("Purpose"),
        ),
        _table_section(
            "band-language",
            _("Students by grade band and preferred language"),
            indicators.students_by_band_and_language(students, threshold=threshold),
            _("Grade band"),
        ),
    ]


def school_context(user, school: School) -> dict:
    students = visible_students(user, roles=[Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN]).filter(
        school=school
    )
    return {
        "school": school,
        "sections": _common_sections(students, threshold=indicators.IDENTIFIED),
    }


def district_context(user) -> dict:
    students = visible_students(user, roles=[Role.DISTRICT_ADMIN])
    sections = [
        _table_section(
            "school-grade",
            _("Students by school and grade"),
            indicators.students_by_school_and_grade(students),
            _("School"),
        ),
        *_common_sections(students, threshold=None),
    ]
    return {"sections": sections}


def teacher_context(user) -> dict:
    classes = list(taught_classes(user).select_related("school").order_by("title"))
    return {"classes": classes, "sections": []}
