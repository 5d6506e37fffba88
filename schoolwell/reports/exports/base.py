"""What an export kind is, and the scope every kind reads through.

A kind never reaches for `Model.objects.all()`: it reads `scope.students` and
`scope.classes`, which start from `visible_students(user, roles=kind.roles)` and
`visible_classes(user)` (rule 7: an export holds only what the requester may see).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import CharField, Choices, F, QuerySet, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from schoolwell.accounts import gate
from schoolwell.accounts.roles import Role
from schoolwell.reports.xlsx import CellKind, Column, Table
from schoolwell.roster.models import Class, School, Student
from schoolwell.roster.selectors import visible_classes, visible_students

# Who a row is about: the same columns, in the same order, in every student-level export,
# read through the row's `student` relation.
STUDENT_COLUMNS = (
    Column(_("Student ID"), width=12),
    Column(_("Family name"), width=18),
    Column(_("Given name"), width=16),
    Column(_("Grade"), CellKind.INT, width=8),
)
STUDENT_FIELDS = (
    "student__local_id",
    "student__family_name",
    "student__given_name",
    "student__grade",
)


def labels_of(choices: type[Choices]) -> Callable[[Any], Any]:
    """A column's display: a stored code → its label, looked up as each cell is written, so
    a workbook built for a Spanish reader says "Cerrada" where the database says "closed"."""
    labels = dict(choices.choices)

    def label(value):
        found = labels.get(value)
        return value if found is None else str(found)

    return label


def period_note(start: dt.date, end: dt.date) -> str:
    """The period a sheet covers, under its table, in the reader's language and date format."""
    return _("Period %(start)s to %(end)s") % {
        "start": date_format(start, "SHORT_DATE_FORMAT"),
        "end": date_format(end, "SHORT_DATE_FORMAT"),
    }


def full_name(relation: str) -> Coalesce:
    """The person at `relation` as the pages name them — `get_full_name()`, else the username
    when they have no name — computed in the query, so the row stays one value per column."""
    name = Trim(
        Concat(
            F(f"{relation}__first_name"),
            Value(" "),
            F(f"{relation}__last_name"),
            output_field=CharField(),
        )
    )
    return Coalesce(NullIf(name, Value("")), F(f"{relation}__username"))


ADMIN_ROLES = frozenset({Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN})
STUDENT_SUPPORT_ROLES = frozenset({Role.COUNSELLOR}) | ADMIN_ROLES
CLASSROOM_ROLES = frozenset({Role.TEACHER}) | STUDENT_SUPPORT_ROLES


@dataclass(frozen=True)
class ExportFilters:
    school_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @classmethod
    def from_json(cls, data: dict) -> ExportFilters:
        """Parse the stored filters; a malformed value is a ValidationError, never a 500."""
        try:
            school = data.get("school")
            return cls(
                school_id=int(school) if school not in (None, "") else None,
                date_from=_date(data.get("date_from")),
                date_to=_date(data.get("date_to")),
            )
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("The export filters are not valid.")) from exc

    def to_json(self) -> dict:
        return {
            "school": self.school_id,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


@dataclass(frozen=True)
class ExportScope:
    """Who asks (None for an operator's whole-school run), and what they may see."""

    user: object | None
    students: QuerySet[Student]
    classes: QuerySet[Class]
    schools: QuerySet[School]
    filters: ExportFilters

    def date_range(self, queryset: QuerySet, field: str, *, moment: bool = False) -> QuerySet:
        """Apply the requested period to a date field (or, with moment=True, a datetime's
        local date, so the last day of the period is included whole)."""
        if moment:
            field = f"{field}__date"
        if self.filters.date_from:
            queryset = queryset.filter(**{f"{field}__gte": self.filters.date_from})
        if self.filters.date_to:
            queryset = queryset.filter(**{f"{field}__lte": self.filters.date_to})
        return queryset


class ExportKind:
    code: str = ""
    label = ""
    description = ""
    roles: frozenset[Role] = CLASSROOM_ROLES
    # Student-level kinds log one disclosure per student included; de-identified
    # aggregates log one row naming the set (rule 8).
    student_level = True
    uses_dates = False
    # Only de-identified kinds may run for an operator without a user (manage.py export).
    operator_ok = False

    def tables(self, scope: ExportScope) -> list[Table]:
        raise NotImplementedError

    def allowed_for(self, user) -> bool:
        return gate.may(user, "export.run", self)


def requester_schools(user) -> QuerySet[School]:
    """Schools an export may be filtered to: those the user works at or teaches in."""
    return gate.schools(user, "school.work")


def user_scope(user, kind: ExportKind, filters: ExportFilters) -> ExportScope:
    """The requester's own view: the same selectors as the pages."""
    students = visible_students(user, roles=kind.roles)
    classes = visible_classes(user)
    schools = requester_schools(user)
    if filters.school_id is not None:
        students = students.filter(school_id=filters.school_id)
        classes = classes.filter(school_id=filters.school_id)
        schools = schools.filter(pk=filters.school_id)
    return ExportScope(user, students, classes, schools, filters)


def operator_scope(school: School, filters: ExportFilters) -> ExportScope:
    """A whole school, for an operator's de-identified run of `manage.py export` (no user)."""
    return ExportScope(
        None,
        Student.objects.filter(school=school),
        Class.objects.filter(school=school, active=True),
        School.objects.filter(pk=school.pk),
        ExportFilters(school.pk, filters.date_from, filters.date_to),
    )


def counted(queryset: QuerySet, fields: Iterable[str], *, chunk_size: int = 2000):
    """(row count, lazy row iterator) of a queryset's values, streamed in chunks."""
    return queryset.count(), queryset.values_list(*fields).iterator(chunk_size=chunk_size)
