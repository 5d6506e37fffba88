"""The streaming engine: typed cells, frozen header, autofilter, widths, neutralised text."""

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import translation

from schoolwell.reports.xlsx import About, CellKind, Column, Table, neutralise, write_workbook

ABOUT = About(
    title="Test export",
    requested_by="Tess Teacher (teacher)",
    generated_at=dt.datetime(2026, 11, 2, 15, 30, tzinfo=dt.UTC),
    filters=[("Schools", "School A")],
)

COLUMNS = [
    Column("Name", width=20, definition="Who"),
    Column("Count", CellKind.INT, width=8),
    Column("Score", CellKind.FLOAT),
    Column("Day", CellKind.DATE),
    Column("At", CellKind.DATETIME),
    Column("Active", CellKind.BOOL),
    Column("Status", display={"open": "Open"}.get),
]


def write(tables, **kwargs):
    out = io.BytesIO()
    result = write_workbook(out, tables=tables, about=ABOUT, **kwargs)
    out.seek(0)
    return result, openpyxl.load_workbook(out)


def test_cells_are_typed_and_sheet_is_set_up(settings):
    settings.TIME_ZONE = "America/New_York"
    rows = [
        (
            "Ana",
            3,
            2.5,
            dt.date(2026, 9, 1),
            dt.datetime(2026, 9, 1, 13, 0, tzinfo=dt.UTC),
            True,
            "open",
        ),
        ("Ben", None, None, None, None, False, None),
    ]
    result, wb = write([Table("Data", COLUMNS, rows, len(rows))])
    assert wb.sheetnames == ["About this export", "Data"]
    ws = wb["Data"]
    assert [c.value for c in ws[1]] == [c.header for c in COLUMNS]
    assert ws[1][0].font.bold
    name, count, score, day, at, active, status = ws[2]
    assert (name.value, name.data_type) == ("Ana", "s")
    assert (count.value, count.data_type) == (3, "n")
    assert (score.value, score.data_type) == (2.5, "n")
    assert (
        day.is_date and day.value == dt.datetime(2026, 9, 1) and day.number_format == "yyyy-mm-dd"
    )
    # Excel has no time zones: the school's local time is written (13:00 UTC = 09:00 EDT).
    assert at.is_date and at.value == dt.datetime(2026, 9, 1, 9, 0)
    assert active.value is True
    assert status.value == "Open"
    assert [c.value for c in ws[3]] == ["Ben", None, None, None, None, False, None]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:G3"
    assert ws.column_dimensions["A"].width == 20
    assert ws.column_dimensions["B"].width == 8
    assert result.row_counts == {"Data": 2}


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil","x")',
        "+1+2",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "=cmd|' /C calc'!A0",
    ],
)
def test_formula_like_text_is_stored_as_text(text):
    _result, wb = write([Table("Data", [Column("Note")], [(text,)], 1)])
    cell = wb["Data"]["A2"]
    assert cell.data_type == "s"
    # The leading quote is what matters. (The pure-Python XML writer stores a CR that reads
    # back as LF; lxml keeps it as CR.)
    assert cell.value in {"'" + text, "'" + text.replace("\r", "\n")}


def test_headers_and_about_values_are_neutralised_too():
    about = About("=title", "=evil (user)", ABOUT.generated_at, [("=k", "+v")], notes=["@n"])
    out = io.BytesIO()
    write_workbook(out, tables=[Table("Data", [Column("=head")], [], 0)], about=about)
    out.seek(0)
    wb = openpyxl.load_workbook(out)
    values = [c.value for row in wb.worksheets[0].iter_rows() for c in row] + [
        wb["Data"]["A1"].value
    ]
    formulas = [
        c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"
    ]
    assert formulas == []
    assert {"'=title", "'=evil (user)", "'=k", "'+v", "'@n", "'=head"} <= set(values)


def test_safe_text_is_unchanged_and_control_characters_dropped():
    assert neutralise("Ana-Maria") == "Ana-Maria"
    assert neutralise("a\x00b\x0bc") == "abc"
    assert neutralise(42) == "42"


def test_keyed_rows_collect_student_ids_without_writing_them():
    rows = [(11, "Ana"), (12, "Ben"), (11, "Ana again")]
    result, wb = write([Table("Data", [Column("Name")], rows, 3, keyed=True)])
    assert result.student_ids == {11, 12}
    assert [r[0].value for r in wb["Data"].iter_rows(min_row=2)] == ["Ana", "Ben", "Ana again"]
    assert wb["Data"].max_column == 1


def test_about_sheet_names_who_when_filters_counts_and_definitions():
    tables = [
        Table("First", [Column("Name", definition="Who it is")], [("a",), ("b",)], 2),
        Table("Second", [Column("Other")], [], 0),
    ]
    with translation.override("en"):  # the About sheet is in the requester's language
        _result, wb = write(tables)
    about = [
        tuple(v for v in row if v is not None)
        for row in wb["About this export"].iter_rows(values_only=True)
    ]
    assert ("Test export",) in about
    assert ("Requested by", "Tess Teacher (teacher)") in about
    assert ("Generated at", dt.datetime(2026, 11, 2, 10, 30)) in about  # New York time
    assert ("Schools", "School A") in about
    assert ("First", 2) in about and ("Second", 0) in about
    assert ("Name", "Who it is") in about
    assert wb["Second"].auto_filter.ref == "A1:A1"


def test_progress_is_reported_while_streaming(monkeypatch):
    monkeypatch.setattr("schoolwell.reports.xlsx.PROGRESS_EVERY", 10)
    seen = []
    rows = ((i,) for i in range(35))  # a generator: the engine never needs the rows in memory
    write([Table("Data", [Column("N", CellKind.INT)], rows, 35)], on_progress=seen.append)
    assert seen == [10, 20, 30]


def test_naive_datetimes_are_written_as_given():
    when = dt.datetime(2026, 1, 1, 8, 0)
    _r, wb = write([Table("D", [Column("At", CellKind.DATETIME)], [(when,)], 1)])
    assert wb["D"]["A2"].value == when
