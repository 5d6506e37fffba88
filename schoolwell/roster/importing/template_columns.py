"""The SchoolWell roster template, for schools without a student information system.

One sheet, "Roster", with one row per student per class. The column list below is the one
source for reading the template, for the downloadable blank workbook and its instructions.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from schoolwell.roster.models import GuardianLink

SHEET = "Roster"
INSTRUCTIONS_SHEET = "Instructions"


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: Promise
    example: str
    choices: str = ""  # an Excel list validation, e.g. "en,es"


RELATIONSHIP_CHOICES = ",".join(GuardianLink.Relationship.values)
COLUMNS = (
    Column("student_id", True, _("The school's ID for the student; it never changes."), "S10234"),
    Column("given_name", True, _("Legal first name."), "Ana"),
    Column("family_name", True, _("Family name."), "García"),
    Column("preferred_name", False, _("The name the student goes by, if different."), "Anita"),
    Column("grade", True, _("PK, K, or 1 to 12."), "7"),
    Column("date_of_birth", False, _("YYYY-MM-DD."), "2013-04-21"),
    Column(
        "preferred_language",
        False,
        _("The family's language for messages: en or es (empty: en)."),
        "es",
        "en,es",
    ),
    Column("class_code", True, _("The class section's code, unique within the school."), "ADV7A"),
    Column("class_title", True, _("The class name teachers know it by."), "Advisory 7-A"),
    Column(
        "teacher_email",
        False,
        _("The class teacher's email; they sign in with it. One teacher per row."),
        "t.lindqvist@school.example",
    ),
    Column("teacher_given_name", False, _("Needed with teacher_email."), "Tara"),
    Column("teacher_family_name", False, _("Needed with teacher_email."), "Lindqvist"),
    Column(
        "guardian_email",
        False,
        _("A parent's or guardian's email; they sign in with it. One guardian per row."),
        "maria.garcia@example.org",
    ),
    Column("guardian_given_name", False, _("Needed with guardian_email."), "María"),
    Column("guardian_family_name", False, _("Needed with guardian_email."), "García"),
    Column(
        "guardian_relationship",
        False,
        _("mother, father, parent, guardian, grandparent, relative or other (empty: parent)."),
        "mother",
        RELATIONSHIP_CHOICES,
    ),
    Column(
        "guardian_may_consent",
        False,
        _("yes if this guardian may give or refuse consent for the student (empty: yes)."),
        "yes",
        "yes,no",
    ),
    Column("guardian_language", False, _("en or es (empty: en)."), "es", "en,es"),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
REQUIRED = tuple(c.name for c in COLUMNS if c.required)

RULES = (
    _("One row per student per class. A student in three classes has three rows."),
    _("A student with two guardians: repeat one of the student's rows with the second guardian."),
    _("Rows of the same student must agree on the student's details; same for a class's title."),
    _(
        "Importing again is safe: students are matched by student_id, classes by class_code, "
        "teachers and guardians by email. Nothing changes when nothing in the file changed."
    ),
    _("Students and classes missing from the file are kept as they are, never deleted."),
    _("If any row has a problem, nothing is imported and every problem is listed by row."),
    _(
        "Teachers and guardians get an account without a password; they choose one with "
        "“Forgot your password?” on the sign-in page."
    ),
)


def blank_template() -> bytes:
    """The blank XLSX template with its instructions sheet, built from COLUMNS."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(COLUMN_NAMES)
    bold = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = bold
        if column.required:
            cell.fill = PatternFill("solid", fgColor="FFF2CC")
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(14, len(column.name) + 4)
        if column.choices:
            rule = DataValidation(type="list", formula1=f'"{column.choices}"', allow_blank=True)
            rule.add(f"{letter}2:{letter}20000")
            sheet.add_data_validation(rule)
        # Text cells, so spreadsheet programs keep IDs like 00123 and dates as typed.
        sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"

    notes = book.create_sheet(INSTRUCTIONS_SHEET)
    notes.append([str(_("SchoolWell roster template"))])
    notes["A1"].font = Font(bold=True, size=14)
    for rule in RULES:
        notes.append([str(rule)])
    notes.append([])
    notes.append([str(_("Column")), str(_("Required")), str(_("What to enter")), str(_("Example"))])
    for cell in notes[notes.max_row]:
        cell.font = bold
    for column in COLUMNS:
        notes.append(
            [
                column.name,
                str(_("yes") if column.required else ""),
                str(column.help),
                column.example,
            ]
        )
    for letter, width in zip("ABCD", (24, 10, 80, 28), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def blank_template_csv() -> str:
    return ",".join(COLUMN_NAMES) + "\r\n"
