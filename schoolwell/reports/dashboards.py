"""What each dashboard shows: indicators turned into tables and charts.

Each context runs a fixed number of grouped queries (indicators), whatever the data size.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from schoolwell.accounts.roles import Role
from schoolwell.reports import charts, indicators
from schoolwell.roster.models import School
from schoolwell.roster.selectors import (
    administered_schools,
    class_roster,
    taught_classes,
    visible_students,
)


def school_context(user, school: School) -> dict:
    students = visible_students(user, roles=[Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN]).filter(
        school=school
    )
    by_band = indicators.students_by_band_and_language(students)
    return {
        "school": school,
        "sections": [],
        "by_band": by_band,
        "charts": [
            charts.suppressed_bar_chart(
                "chart-band-language",
                _("Students by grade band and preferred language"),
                by_band,
                y_title=_("Students"),
                stacked=True,
            )
        ],
    }


def district_context(user) -> dict:
    students = visible_students(user, roles=[Role.DISTRICT_ADMIN])
    by_school = indicators.students_by_school_and_grade(students)
    by_band = indicators.students_by_band_and_language(students)
    return {
        "schools": administered_schools(user).order_by("name"),
        "by_school": by_school,
        "by_band": by_band,
        "charts": [
            charts.suppressed_bar_chart(
                "chart-school-grade",
                _("Students by school and grade"),
                by_school,
                y_title=_("Students"),
                stacked=True,
            ),
        ],
    }


def teacher_context(user) -> dict:
    classes = list(taught_classes(user).select_related("school").order_by("title"))
    return {"classes": classes, "class_roster": class_roster}
