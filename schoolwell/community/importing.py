"""XLSX import of training records: all or nothing, with row-numbered errors, read in
openpyxl's read-only mode within the roster import's bounds (roster/importing/limits.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from schoolwell.accounts.models import User
from schoolwell.community.models import Course
from schoolwell.community.selectors import school_staff_ids
from schoolwell.roster.importing.errors import ErrorLog, ImportRejected
from schoolwell.roster.importing.limits import check_workbook, import_budget

COLUMNS = ("email", "course", "course_name", "completed_on", "expires_on")
REQUIRED = ("email", "course", "completed_on")
SHEET = "Training"


def _date(value, column: str, errors: ErrorLog, row: int, required: bool) -> dt.date | None:
    if value in (None, ""):
        if required:
            errors.add(SHEET, row, column, _("A date is required."))
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        errors.add(
            SHEET, row, column, _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value}
        )
        return None


def training_rows(path: Path, *, school) -> list[dict]:
    """The file's rows as TrainingRecord fields; ImportRejected with every error found."""
    errors = ErrorLog()
    with import_budget() as budget:
        check_workbook(path)
        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a damaged file
            raise ImportRejected.single(_("The file is not a readable XLSX workbook.")) from None
        try:
            rows = book.worksheets[0].iter_rows(values_only=True, max_col=len(COLUMNS) + 20)
            header = [str(v or "").strip().lower() for v in next(rows, ())]
            at = {name: header.index(name) for name in COLUMNS if name in header}
            for name in REQUIRED:
                if name not in at:
                    errors.add(SHEET, 1, name, _("Required column is missing."))
            errors.raise_if_any()
            staff = {
                u.email.lower(): u
                for u in User.objects.filter(pk__in=school_staff_ids(school.pk)).exclude(email="")
            }
            found = []
            for number, values in enumerate(rows, start=2):
                budget.check_rows(SHEET, number)
                if not any(v not in (None, "") for v in values):
                    continue
                cell = {k: (values[i] if i < len(values) else None) for k, i in at.items()}
                email = str(cell.get("email") or "").strip().lower()
                user = staff.get(email)
                if user is None:
                    errors.add(
                        SHEET, number, "email", _("No staff member of this school has this email.")
                    )
                course = str(cell.get("course") or "").strip().lower()
                if course not in Course.values:
                    errors.add(
                        SHEET,
                        number,
                        "course",
                        _("Unknown course; use one of: %(codes)s.")
                        % {"codes": ", ".join(Course.values)},
                    )
                name = str(cell.get("course_name") or "").strip()[:120]
                if course == Course.SCHOOL and not name:
                    errors.add(SHEET, number, "course_name", _("Name the school's own course."))
                completed = _date(cell.get("completed_on"), "completed_on", errors, number, True)
                expires = _date(cell.get("expires_on"), "expires_on", errors, number, False)
                if completed and expires and expires <= completed:
                    errors.add(SHEET, number, "expires_on", _("Expires before it was completed."))
                if completed and completed > timezone.localdate():
                    errors.add(SHEET, number, "completed_on", _("A completion date in the future."))
                found.append(
                    {
                        "staff": user,
                        "course": course,
                        "course_name": name,
                        "completed_on": completed,
                        "expires_on": expires,
                    }
                )
        finally:
            book.close()
    errors.raise_if_any()
    if not found:
        raise ImportRejected.single(_("The file has no rows."))
    return found
