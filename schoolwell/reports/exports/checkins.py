"""Teachers' daily check-ins, as `screening.selectors.checkins_visible_to` allows.

Teachers export their own check-ins of their classes' students; counsellors every check-in
of their schools. Administrators see counts only (screening's rule), so this is not theirs.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from schoolwell.accounts import gate
from schoolwell.accounts.roles import Role
from schoolwell.reports.exports.base import (
    STUDENT_COLUMNS,
    STUDENT_FIELDS,
    ExportKind,
    ExportScope,
    full_name,
    labels_of,
)
from schoolwell.reports.xlsx import CellKind, Column, Table
from schoolwell.screening.models import ConcernTag
from schoolwell.screening.models.checkins import Wellbeing
from schoolwell.screening.selectors import checkins_visible_to

WELLBEING_LABELS = labels_of(Wellbeing)

COLUMNS = [
    Column(_("Date"), CellKind.DATE, width=12),
    *STUDENT_COLUMNS,
    Column(_("Class"), width=22),
    Column(_("Teacher"), width=18, definition=_("The teacher who checked in (full name)")),
    Column(_("Wellbeing"), CellKind.INT, width=10, definition=_("1 = very low … 5 = great")),
    Column(_("Wellbeing (words)"), width=14, display=WELLBEING_LABELS),
    Column(_("Absent"), CellKind.BOOL, width=8),
    Column(
        _("Concerns"),
        width=28,
        definition=_("Concern tags ticked (sensitive ones: counsellors only)"),
    ),
    Column(_("Note"), width=40),
]


class CheckInExport(ExportKind):
    code = "checkins"
    label = _("Check-ins")
    description = _("Daily wellbeing check-ins by teachers")
    roles = frozenset({Role.TEACHER, Role.COUNSELLOR})
    uses_dates = True

    def tables(self, scope: ExportScope) -> list[Table]:
        checkins = scope.date_range(
            checkins_visible_to(scope.user).filter(student__in=scope.students), "date"
        ).order_by("date", "student__family_name", "student_id", "pk")
        count = checkins.count()
        rows = checkins.values_list(
            "student_id",
            "date",
            *STUDENT_FIELDS,
            "klass__title",
            full_name("teacher"),
            "wellbeing",
            "wellbeing",
            "absent",
            "tags",
            "note",
            "student__school_id",
        ).iterator(chunk_size=2000)
        return [
            Table(str(_("Check-ins")), COLUMNS, self._with_tags(scope, rows), count, keyed=True)
        ]

    def _with_tags(self, scope: ExportScope, rows) -> Iterator[tuple]:
        """Tag codes → labels; a sensitive tag only for its school's counsellors."""
        counselled = gate.school_ids(scope.user, "student.view_sensitive")
        language = (get_language() or "en")[:2]
        school_ids = set(scope.schools.values_list("pk", flat=True))
        tags = ConcernTag.objects.filter(Q(school=None) | Q(school_id__in=school_ids))
        # A school's own tag overrides the district default of the same code.
        labels: dict[tuple[int | None, str], tuple[str, bool]] = {
            (t.school_id, t.code): (t.label_in(language), t.sensitive) for t in tags
        }
        for row in rows:
            *shown, codes, note, school_id = row
            words = []
            for code in codes or []:
                label, sensitive = labels.get((school_id, code)) or labels.get(
                    (None, code), (code, True)
                )
                if not sensitive or school_id in counselled:
                    words.append(label)
            yield (*shown, ", ".join(words), note)
