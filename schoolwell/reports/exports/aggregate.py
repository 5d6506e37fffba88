"""The de-identified aggregate workbook: counts by school, grade, subgroup and period.

No names or identifiers: only counts, each table small-cell suppressed (rule 7), so it is
logged as one disclosure naming the set rather than one per student.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schoolwell.reports import indicators
from schoolwell.reports.exports.base import ADMIN_ROLES, ExportKind, ExportScope, period_note
from schoolwell.reports.suppression import SuppressedTable
from schoolwell.reports.xlsx import CellKind, Column, Table


def suppressed_sheet(
    title: str, row_header: str, table: SuppressedTable, *, note: str = ""
) -> Table:
    """A suppressed table as a sheet: numbers where shown, "<N" (text) where hidden."""
    columns = [Column(row_header, width=24)]
    columns += [Column(label, CellKind.INT, width=10) for label in table.column_labels]
    columns.append(Column(str(_("Total")), CellKind.INT, width=10))

    def shown(cell):
        return str(cell) if cell.suppressed else cell.count

    rows = [
        [label, *(shown(c) for c in cells), shown(total)] for label, cells, total in table.rows()
    ]
    rows.append([str(_("Total")), *(shown(c) for c in table.column_totals), shown(table.total)])
    return Table(title, columns, rows, len(rows), notes=[n for n in (table.footnote, note) if n])


class AggregateExport(ExportKind):
    code = "aggregate"
    label = _("De-identified aggregates")
    description = _("Counts and rates by school, grade, subgroup and period; small cells hidden")
    roles = ADMIN_ROLES
    student_level = False
    uses_dates = True
    operator_ok = True

    def tables(self, scope: ExportScope) -> list[Table]:
        students = scope.students
        today = timezone.localdate()
        start = scope.filters.date_from or dt.date(indicators.school_year_start(today), 8, 1)
        end = scope.filters.date_to or today
        school_ids = set(scope.schools.values_list("pk", flat=True))
        return [
            suppressed_sheet(
                str(_("By school and grade")),
                str(_("School")),
                indicators.students_by_school_and_grade(students),
            ),
            suppressed_sheet(
                str(_("By grade band and language")),
                str(_("Grade band")),
                indicators.students_by_band_and_language(students),
            ),
            suppressed_sheet(
                str(_("Consent coverage")),
                str(_("Purpose")),
                indicators.consent_coverage(students),
            ),
            suppressed_sheet(
                str(_("Screening completion")),
                str(_("Window")),
                indicators.screening_completion_table(school_ids, since=start),
                note=period_note(start, end),
            ),
            suppressed_sheet(
                str(_("Check-ins by grade band")),
                str(_("Grade band")),
                indicators.checkin_reach(students, start=start, end=end),
                note=period_note(start, end),
            ),
        ]
