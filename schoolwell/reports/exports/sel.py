"""SEL delivery and coverage, from `sel.selectors.coverage_report` (the coverage page's own
figures). Class-level data with no student named, so it is logged as one disclosure row."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from schoolwell.reports.exports.base import (
    CLASSROOM_ROLES,
    ExportKind,
    ExportScope,
    labels_of,
    period_note,
)
from schoolwell.reports.xlsx import CellKind, Column, Table
from schoolwell.sel.models import DeliveryStatus, LessonSchedule
from schoolwell.sel.selectors import coverage_period, coverage_report

STATUSES = labels_of(DeliveryStatus)


def _in_language(value: dict | None) -> str | None:
    """A lesson's title in the reader's language (English when it has no translation)."""
    if not isinstance(value, dict):
        return value
    return value.get((get_language() or "en")[:2]) or value.get("en")


def _coverage_columns(first: str, competencies) -> list[Column]:
    return [
        Column(first, width=24),
        Column(_("School"), width=22),
        Column(_("Scheduled"), CellKind.INT, width=10),
        Column(
            pgettext_lazy("lessons", "Due"),
            CellKind.INT,
            width=8,
            definition=_("Planned on or before today, or logged"),
        ),
        Column(_("Delivered"), CellKind.INT, width=10),
        Column(_("Skipped"), CellKind.INT, width=9),
        Column(
            _("Behind plan"),
            CellKind.INT,
            width=10,
            definition=_("Planned before today, not logged"),
        ),
        Column(_("Delivery rate"), CellKind.FLOAT, width=10, definition=_("Delivered ÷ due")),
        Column(_("Minutes delivered"), CellKind.INT, width=10),
        *[
            Column(
                _("Minutes: %(competency)s") % {"competency": competency},
                CellKind.INT,
                width=12,
                definition=_("A lesson's minutes count toward each of its competencies"),
            )
            for competency in competencies
        ],
    ]


def _coverage_row(row, school_name: str) -> list:
    rate = row.delivery_rate
    return [
        row.label,
        school_name,
        row.scheduled,
        row.due,
        row.delivered,
        row.skipped,
        row.overdue,
        None if rate is None else round(rate, 3),
        row.minutes,
        *row.minutes_per_competency,
    ]


DELIVERY_COLUMNS = [
    Column(_("Planned on"), CellKind.DATE, width=12),
    Column(_("Class"), width=22),
    Column(_("School"), width=22),
    Column(_("Lesson"), width=34, display=_in_language),
    Column(_("Grade band"), width=10),
    Column(_("Status"), width=11, display=STATUSES, definition=_("Blank: not logged yet")),
    Column(_("Delivered on"), CellKind.DATE, width=12),
    Column(_("Minutes"), CellKind.INT, width=9),
    Column(_("Roster size"), CellKind.INT, width=9),
    Column(_("Students present"), CellKind.INT, width=9),
    Column(_("Skip reason"), width=30),
]


class SelExport(ExportKind):
    code = "sel"
    label = _("SEL delivery and coverage")
    description = _("Lessons planned and delivered per class, and minutes per CASEL competency")
    roles = CLASSROOM_ROLES
    student_level = False
    uses_dates = True

    def period(self, scope: ExportScope, today: dt.date) -> tuple[dt.date, dt.date]:
        start, end = coverage_period(user=scope.user, today=today)
        return scope.filters.date_from or start, scope.filters.date_to or end

    def tables(self, scope: ExportScope) -> list[Table]:
        today = timezone.localdate()
        start, end = self.period(scope, today)
        report = coverage_report(user=scope.user, start=start, end=end, today=today)
        school_ids = set(scope.schools.values_list("pk", flat=True))
        names = [str(c) for c in report.competencies]
        classes = [
            _coverage_row(row, row.obj.school.name)
            for row in report.classes
            if row.obj.school_id in school_ids
        ]
        schools = [
            _coverage_row(row, row.obj.name) for row in report.schools if row.obj.pk in school_ids
        ]
        schedules = (
            LessonSchedule.objects.filter(klass__in=scope.classes, planned_on__range=(start, end))
            .annotate(present=Count("delivery__students_present"))
            .order_by("planned_on", "klass__title", "pk")
        )
        deliveries = schedules.values_list(
            "planned_on",
            "klass__title",
            "klass__school__name",
            "lesson__title",
            "lesson__grade_band",
            "delivery__status",
            "delivery__delivered_on",
            "delivery__minutes",
            "delivery__roster_size",
            "present",
            "delivery__skip_reason",
        ).iterator(chunk_size=2000)
        period = period_note(start, end)
        return [
            Table(
                str(_("Coverage by class")),
                _coverage_columns(_("Class"), names),
                classes,
                len(classes),
                notes=[period],
            ),
            Table(
                str(_("Coverage by school")),
                _coverage_columns(_("School"), names),
                schools,
                len(schools),
                notes=[period],
            ),
            Table(
                str(_("Lessons")), DELIVERY_COLUMNS, deliveries, schedules.count(), notes=[period]
            ),
        ]
