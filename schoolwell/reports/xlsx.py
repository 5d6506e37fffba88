"""The streaming XLSX engine every export kind writes through.

openpyxl's write-only workbook streams each sheet to a temporary file, and the rows come
from a queryset iterator, so memory stays flat however many rows an export holds (the
district scale in DESIGN.md: ~9 million check-ins a year).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

# A spreadsheet program runs a text cell starting with one of these as a formula (CSV/XLSX
# formula injection): a child's name or a teacher's note must never become one.
FORMULA_STARTS = frozenset("=+-@\t\r\n")
PROGRESS_EVERY = 5000
SHEET_TITLE_MAX = 31  # Excel's limit


class CellKind(StrEnum):
    TEXT = "text"
    INT = "int"
    FLOAT = "float"
    DATE = "date"
    DATETIME = "datetime"
    BOOL = "bool"


def neutralise(value: Any) -> str:
    """Text safe to put in a cell: no control characters, never read as a formula."""
    text = str(value)
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text[:1] in FORMULA_STARTS:
        return "'" + text
    return text


def excel_datetime(value: dt.datetime) -> dt.datetime:
    """Excel has no time zones: show the school's local time (settings.TIME_ZONE)."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


_KIND_CONVERTERS: dict[CellKind, Callable[[Any], Any] | None] = {
    CellKind.TEXT: neutralise,
    CellKind.INT: None,
    CellKind.FLOAT: float,
    CellKind.DATE: None,
    CellKind.DATETIME: excel_datetime,
    CellKind.BOOL: None,
}


@dataclass(frozen=True)
class Column:
    header: str
    kind: CellKind = CellKind.TEXT
    width: int = 14
    definition: str = ""
    # Maps a stored value to the shown one (e.g. a status code to its label) before typing.
    display: Callable[[Any], Any] | None = None

    def converter(self) -> Callable[[Any], Any] | None:
        typed = _KIND_CONVERTERS[self.kind]
        if self.display is None:
            return typed
        if typed is None:
            return self.display
        display = self.display

        def convert(value):
            shown = display(value)
            return None if shown is None else typed(shown)

        return convert


@dataclass
class Table:
    """One sheet: its columns and an iterable of rows in column order.

    With `keyed=True` each row starts with the student's primary key, which is not written
    but collected so the export can log one disclosure per student included (rule 8).
    """

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    count: int | None = None
    keyed: bool = False
    notes: Sequence[str] = ()


@dataclass
class WriteResult:
    row_counts: dict[str, int] = field(default_factory=dict)
    student_ids: set[int] = field(default_factory=set)

    @property
    def rows(self) -> int:
        return sum(self.row_counts.values())


@dataclass(frozen=True)
class About:
    """The "About this export" sheet: who, when, what filters, what each column means."""

    title: str
    requested_by: str
    generated_at: dt.datetime
    filters: Sequence[tuple[str, str]]
    notes: Sequence[str] = ()


def _header(ws, columns: Sequence[Column]) -> list[WriteOnlyCell]:
    cells = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=neutralise(column.header))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cells.append(cell)
    return cells


def _write_table(wb: Workbook, table: Table, result: WriteResult, on_progress) -> None:
    ws = wb.create_sheet(table.title[:SHEET_TITLE_MAX])
    # Frozen header and column widths live before the rows in the sheet XML, so they are
    # set before the first append; the autofilter is written at close, after the rows.
    ws.freeze_panes = "A2"
    for index, column in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.append(_header(ws, table.columns))
    converters = [(i, f) for i, c in enumerate(table.columns) if (f := c.converter()) is not None]
    student_ids = result.student_ids
    keyed = table.keyed
    done = 0
    append = ws.append
    for raw in table.rows:
        if keyed:
            student_ids.add(raw[0])
            values = list(raw[1:])
        else:
            values = list(raw)
        for i, convert in converters:
            value = values[i]
            if value is not None:
                values[i] = convert(value)
        append(values)
        done += 1
        if on_progress is not None and done % PROGRESS_EVERY == 0:
            on_progress(result.rows + done)
    last_column = get_column_letter(max(len(table.columns), 1))
    ws.auto_filter.ref = f"A1:{last_column}{done + 1}"
    result.row_counts[ws.title] = done


def _write_about(wb: Workbook, about: About, tables: Sequence[Table], result: WriteResult):
    ws = wb.create_sheet(gettext("About this export"), 0)
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 90
    bold = Font(bold=True)

    def heading(text):
        cell = WriteOnlyCell(ws, value=neutralise(text))
        cell.font = bold
        ws.append([cell])

    heading(about.title)
    ws.append([gettext("Requested by"), neutralise(about.requested_by)])
    ws.append([gettext("Generated at"), excel_datetime(about.generated_at)])
    for name, value in about.filters:
        ws.append([neutralise(name), neutralise(value)])
    for note in about.notes:
        ws.append([gettext("Note"), neutralise(note)])
    ws.append([])
    heading(gettext("Row counts"))
    for table in tables:
        title = table.title[:SHEET_TITLE_MAX]
        ws.append([neutralise(title), result.row_counts.get(title, 0)])
    for table in tables:
        ws.append([])
        heading(gettext("Columns of %(table)s") % {"table": table.title})
        for column in table.columns:
            ws.append([neutralise(column.header), neutralise(column.definition or "")])
        for note in table.notes:
            ws.append([gettext("Note"), neutralise(note)])


def write_workbook(
    path,
    *,
    tables: Sequence[Table],
    about: About,
    on_progress: Callable[[int], None] | None = None,
) -> WriteResult:
    """Stream `tables` into an XLSX file at `path` (a filesystem path or a binary file)."""
    wb = Workbook(write_only=True)
    result = WriteResult()
    for table in tables:
        _write_table(wb, table, result, on_progress)
    # Written last so its row counts are the rows actually written, but shown first.
    _write_about(wb, about, tables, result)
    wb.save(path)
    return result
