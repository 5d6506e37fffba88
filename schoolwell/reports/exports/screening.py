"""Screening results, as `screening.selectors.results_visible_to` allows.

Counsellors export every result of their schools; teachers only the teacher-rated results
they entered. Administrators see per-status counts, never individual results (screening's
rule), so they use the aggregate workbook instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from schoolwell.accounts.roles import Role
from schoolwell.referrals import texts
from schoolwell.reports.exports.base import (
    STUDENT_COLUMNS,
    STUDENT_FIELDS,
    ExportKind,
    ExportScope,
    labels_of,
)
from schoolwell.reports.xlsx import CellKind, Column, Table
from schoolwell.screening.models import Respondent
from schoolwell.screening.selectors import results_visible_to

RESPONDENTS = labels_of(Respondent)

COLUMNS = [
    Column(_("Administered"), CellKind.DATETIME, width=18),
    *STUDENT_COLUMNS,
    Column(_("Instrument"), width=12, display=texts.instrument_short_name),
    Column(_("Version"), width=9),
    Column(_("Window"), width=18),
    Column(_("Respondent"), width=12, display=RESPONDENTS),
    Column(
        _("Total"),
        CellKind.INT,
        width=8,
        definition=_("Blank when the instrument has subscales only"),
    ),
    Column(
        _("Band"),
        width=22,
        definition=_("Severity band, as the instrument publishes it, in the reader's language"),
    ),
    Column(_("Subscales"), width=30, definition=_("name score (band) for each subscale")),
    Column(_("Critical"), CellKind.BOOL, width=9, definition=_("A critical item was endorsed")),
    Column(_("Complete"), CellKind.BOOL, width=9),
    Column(
        _("Consent withdrawn"),
        CellKind.DATETIME,
        width=18,
        definition=_("Kept and marked (rule 2)"),
    ),
]


def _subscales(code: str, subscales: dict) -> str:
    parts = []
    for key, value in (subscales or {}).items():
        score = value.get("score")
        band = value.get("band") or {}
        words = texts.band_words(code, key, band["key"]) if band.get("key") else ""
        shown = "" if score is None else score
        parts.append(f"{texts.scale_words(code, key)} {shown}{f' ({words})' if words else ''}")
    return "; ".join(parts)


class ScreeningResultExport(ExportKind):
    code = "screening"
    label = _("Screening results")
    description = _("Scores and bands of each screening, with critical flags")
    roles = frozenset({Role.TEACHER, Role.COUNSELLOR})
    uses_dates = True

    def tables(self, scope: ExportScope) -> list[Table]:
        results = scope.date_range(
            results_visible_to(scope.user).filter(student__in=scope.students),
            "administered_at",
            moment=True,
        ).order_by("administered_at", "pk")
        rows = results.values_list(
            "student_id",
            "administered_at",
            *STUDENT_FIELDS,
            "instrument__code",
            "instrument__version",
            "window__name",
            "respondent",
            "total",
            "band_label",
            "subscales",
            "critical",
            "complete",
            "consent_revoked_at",
            "band",
        ).iterator(chunk_size=2000)
        return [
            Table(
                str(_("Screening results")), COLUMNS, self._rows(rows), results.count(), keyed=True
            )
        ]

    def _rows(self, rows) -> Iterator[tuple]:
        for row in rows:
            code, band_label, band = row[6], row[11], row[16]
            words = texts.band_words(code, "", band) if band else band_label
            yield (*row[:11], words, _subscales(code, row[12]), *row[13:16])
