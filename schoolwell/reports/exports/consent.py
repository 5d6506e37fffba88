"""Consent status per student and purpose, as `consent.gating` derives it (never re-derived)."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from schoolwell.consent.gating import NO_FORM, Purpose, effective_consents
from schoolwell.reports.exports.base import (
    STUDENT_COLUMNS,
    STUDENT_SUPPORT_ROLES,
    ExportKind,
    ExportScope,
)
from schoolwell.reports.xlsx import CellKind, Column, Table
from schoolwell.roster.models import Student

BATCH = 2000  # effective_consents costs a constant number of queries per batch


def _columns() -> list[Column]:
    columns = [
        *STUDENT_COLUMNS,
        Column(_("School"), width=24),
    ]
    for purpose in Purpose:
        name = str(purpose.label)
        columns += [
            Column(
                _("%(purpose)s: status") % {"purpose": name},
                width=22,
                definition=_("Effective consent (consent.gating)"),
            ),
            Column(_("%(purpose)s: allowed") % {"purpose": name}, CellKind.BOOL, width=10),
            Column(_("%(purpose)s: form version") % {"purpose": name}, CellKind.INT, width=10),
            Column(_("%(purpose)s: decided") % {"purpose": name}, CellKind.DATETIME, width=18),
        ]
    return columns


class ConsentExport(ExportKind):
    code = "consent"
    label = _("Consent status")
    description = _("Each student's effective consent per purpose, under the current forms")
    roles = STUDENT_SUPPORT_ROLES

    def tables(self, scope: ExportScope) -> list[Table]:
        students = scope.students.filter(active=True).order_by(
            "school__name", "grade", "family_name", "pk"
        )
        return [
            Table(str(_("Consent")), _columns(), self._rows(students), students.count(), keyed=True)
        ]

    def _rows(self, students) -> Iterator[tuple]:
        fields = ["pk", "school_id", "date_of_birth", "local_id", "family_name", "given_name"]
        fields += ["grade", "school__name"]
        batch: list[tuple] = []
        for row in students.values_list(*fields).iterator(chunk_size=BATCH):
            batch.append(row)
            if len(batch) == BATCH:
                yield from self._batch(batch)
                batch = []
        if batch:
            yield from self._batch(batch)

    def _batch(self, rows: list[tuple]) -> Iterator[tuple]:
        stubs = [Student(pk=r[0], school_id=r[1], date_of_birth=r[2]) for r in rows]
        consents = effective_consents(stubs, list(Purpose.values))
        for pk, _school, _dob, *shown in rows:
            states = consents.get(pk, {})
            values = [pk, *shown]
            for purpose in Purpose.values:
                state = states.get(purpose, NO_FORM)
                values += [
                    str(state.state.label),
                    state.allowed,
                    state.form_version,
                    state.decided_at,
                ]
            yield values
