from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from schoolwell.accounts.models import Language
from schoolwell.reports.exports.base import (
    CLASSROOM_ROLES,
    ExportKind,
    ExportScope,
    counted,
    labels_of,
)
from schoolwell.reports.xlsx import CellKind, Column, Table
from schoolwell.roster.models import Enrollment

STUDENT_COLUMNS = [
    Column(_("Student ID"), width=12, definition=_("The school's local student identifier")),
    Column(_("Given name"), width=16),
    Column(_("Family name"), width=18),
    Column(_("Preferred name"), width=16),
    Column(_("Grade"), CellKind.INT, width=8, definition=_("0 = kindergarten")),
    Column(_("Date of birth"), CellKind.DATE, width=13),
    Column(
        _("Preferred language"),
        width=12,
        display=labels_of(Language),
    ),
    Column(_("School"), width=24),
    Column(_("Active"), CellKind.BOOL, width=8, definition=_("Still on the school's roll")),
]

ENROLLMENT_COLUMNS = [
    Column(_("Student ID"), width=12),
    Column(_("Family name"), width=18),
    Column(_("Given name"), width=16),
    Column(_("Class"), width=24),
    Column(_("Class code"), width=12),
    Column(_("Begins"), CellKind.DATE, width=12),
    Column(_("Ends"), CellKind.DATE, width=12),
]


class RosterExport(ExportKind):
    code = "roster"
    label = _("Roster")
    description = _("Students and their class enrolments")
    roles = CLASSROOM_ROLES

    def tables(self, scope: ExportScope) -> list[Table]:
        students = scope.students.order_by("school__name", "grade", "family_name", "pk")
        count, rows = counted(
            students,
            [
                "pk",
                "local_id",
                "given_name",
                "family_name",
                "preferred_name",
                "grade",
                "date_of_birth",
                "preferred_language",
                "school__name",
                "active",
            ],
        )
        # A teacher sees enrolments in the classes they teach, not a child's whole timetable.
        enrollments = Enrollment.objects.filter(
            student__in=scope.students, klass__in=scope.classes, active=True
        ).order_by("klass__title", "student__family_name", "student__pk")
        e_count, e_rows = counted(
            enrollments,
            [
                "student_id",
                "student__local_id",
                "student__family_name",
                "student__given_name",
                "klass__title",
                "klass__class_code",
                "begin_date",
                "end_date",
            ],
        )
        return [
            Table(str(_("Students")), STUDENT_COLUMNS, rows, count, keyed=True),
            Table(str(_("Enrolments")), ENROLLMENT_COLUMNS, e_rows, e_count, keyed=True),
        ]
