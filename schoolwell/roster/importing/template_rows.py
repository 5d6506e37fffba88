"""Reading the template (XLSX through openpyxl's read-only mode, or CSV) row by row."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from schoolwell.accounts.models import Language, User
from schoolwell.roster.importing.errors import ErrorLog, ImportRejected
from schoolwell.roster.importing.limits import check_workbook, current_budget
from schoolwell.roster.importing.parsing import csv_rows, text_stream
from schoolwell.roster.importing.rowreader import RowReader
from schoolwell.roster.importing.template_columns import COLUMN_NAMES, REQUIRED, SHEET
from schoolwell.roster.models import Class, GuardianLink, Student

LANGUAGES = {
    **{code: code for code in Language.values},
    "english": "en",
    "spanish": "es",
    "español": "es",
    "espanol": "es",
}
RELATIONSHIPS = {value: value for value in GuardianLink.Relationship.values}
# The template has ~20 columns; extra ones are allowed (ignored), within reason.
MAX_COLUMNS = 200


def _cell(value) -> str | dt.date:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):
        return value
    return str(value).strip()


def _xlsx_rows(path: Path, errors: ErrorLog) -> Iterator[tuple[int, dict]]:
    check_workbook(path)
    budget = current_budget()
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise ImportRejected.single(_("The file is not a readable XLSX workbook.")) from None
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        # Bounded width: one cell in column XFD would otherwise pad every row to 16,384.
        rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        header = [str(v).strip().lower() if v is not None else "" for v in next(rows, ())]
        positions = {}
        for index, title in enumerate(header):
            if title in COLUMN_NAMES and title not in positions:
                positions[title] = index
        missing = [name for name in REQUIRED if name not in positions]
        for name in missing:
            errors.add(sheet.title, 1, name, _("Required column is missing."))
        if missing:
            return
        number = 1
        try:
            for number, values in enumerate(rows, start=2):
                budget.check_rows(sheet.title, number)
                if not any(v not in (None, "") for v in values):
                    continue
                yield (
                    number,
                    {
                        name: _cell(values[index]) if index < len(values) else ""
                        for name, index in positions.items()
                    },
                )
        except ImportRejected:
            raise
        except Exception:  # a damaged sheet fails mid-way, in whichever way openpyxl finds
            errors.add(sheet.title, number + 1, "", _("Cannot read this row."))
    finally:
        book.close()


def template_rows(path: Path, errors: ErrorLog) -> Iterator[RowReader]:
    """The template's rows, from XLSX (a zip) or CSV."""
    if zipfile.is_zipfile(path):
        file = SHEET
        rows = _xlsx_rows(path, errors)
        for number, row in rows:
            yield RowReader(errors, file, number, row)
        return
    with open(path, "rb") as raw:
        for number, row in csv_rows(
            text_stream(raw), file="CSV", columns=COLUMN_NAMES, required=REQUIRED, errors=errors
        ):
            yield RowReader(errors, "CSV", number, row)


def _max(model, field: str) -> int:
    return model._meta.get_field(field).max_length


def _person(r: RowReader, prefix: str) -> dict | None:
    email = r.text(f"{prefix}_email", max_length=_max(User, "email")).lower()
    given = r.text(f"{prefix}_given_name", max_length=_max(User, "first_name"))
    family = r.text(f"{prefix}_family_name", max_length=_max(User, "last_name"))
    if not email:
        if given or family:
            r.error(f"{prefix}_email", _("An email address is required with a name."))
        return None
    if "@" not in email:
        r.error(f"{prefix}_email", _("“%(value)s” is not an email address.") % {"value": email})
    for column, value in ((f"{prefix}_given_name", given), (f"{prefix}_family_name", family)):
        if not value:
            r.error(column, _("A value is required with an email address."))
    return {"email": email, "given_name": given, "family_name": family}


def template_record(r: RowReader) -> dict:
    record = {
        "student_id": r.text("student_id", required=True, max_length=_max(Student, "local_id")),
        "given_name": r.text("given_name", required=True, max_length=_max(Student, "given_name")),
        "family_name": r.text(
            "family_name", required=True, max_length=_max(Student, "family_name")
        ),
        "preferred_name": r.text("preferred_name", max_length=_max(Student, "preferred_name")),
        "grade": r.grade("grade", required=True),
        "date_of_birth": r.birth_date("date_of_birth"),
        "preferred_language": r.choice("preferred_language", LANGUAGES, required=False) or "en",
        "class_code": r.text("class_code", required=True, max_length=_max(Class, "class_code")),
        "class_title": r.text("class_title", required=True, max_length=_max(Class, "title")),
        "teacher": _person(r, "teacher"),
        "guardian": _person(r, "guardian"),
    }
    if record["guardian"]:
        record["guardian"].update(
            relationship=r.choice("guardian_relationship", RELATIONSHIPS, required=False)
            or GuardianLink.Relationship.PARENT,
            may_consent=r.boolean("guardian_may_consent", default=True),
            language=r.choice("guardian_language", LANGUAGES, required=False) or "en",
        )
    return record
