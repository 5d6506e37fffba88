"""enrollments.csv copied as it is (PostgreSQL): a plain file is staged and checked in SQL;
a file COPY might read differently from Python, or a row that could be wrong, goes
through the careful check, with its results and messages."""

import datetime as dt

import pytest

from schoolwell.roster.importing import ImportRejected, roster_import_oneroster
from schoolwell.roster.importing.oneroster_check import OneRosterCheck
from schoolwell.roster.importing.oneroster_raw import _unsafe
from schoolwell.roster.models import Enrollment
from tests.roster.conftest import HEADERS, csv_text

pytestmark = pytest.mark.postgres


def run(path, district):
    return roster_import_oneroster(path=path, district=district, by=None)


@pytest.fixture
def careful(monkeypatch):
    """How many times the careful check read enrollments.csv."""
    calls = []
    read = OneRosterCheck._enrollments

    def spy(self):
        calls.append(1)
        return read(self)

    monkeypatch.setattr(OneRosterCheck, "_enrollments", spy)
    return calls


def enrollments():
    return {
        (e.sourced_id, e.student.sourced_id, e.klass.sourced_id, e.begin_date, e.active)
        for e in Enrollment.objects.select_related("student", "klass")
    }


def with_enrollments(files, make_zip, text):
    """The zip with enrollments.csv exactly as `text`."""
    files = {name: rows for name, rows in files.items() if name != "enrollments"}
    return make_zip(files, extra={"enrollments.csv": text})


EXPECTED = {
    ("e1", "st1", "k1", None, True),
    ("e2", "st2", "k1", dt.date(2026, 8, 20), True),
    ("e3", "st3", "k2", None, True),
}


def test_a_plain_file_is_copied_and_imported_as_the_careful_check_would(
    district, roster_files, make_zip, careful
):
    roster_files["enrollments"][2].update(status="Active", role="Student")
    result = run(make_zip(roster_files), district)

    assert careful == []
    assert enrollments() == EXPECTED
    assert result.kind("enrollments").created == 3
    assert result.kind("teaching").created == 2
    assert result.kind("enrollments").absent == 0

    again = run(make_zip(roster_files), district)
    assert careful == []
    assert again.kind("enrollments").unchanged == 3
    assert again.changed == 0


def test_ended_enrollments_are_staged_inactive(district, roster_files, make_zip, careful):
    run(make_zip(roster_files), district)
    roster_files["enrollments"][0]["status"] = "tobedeleted"
    roster_files["users"][2]["status"] = "tobedeleted"  # st3, enrolled by e3

    result = run(make_zip(roster_files), district)

    assert careful == []
    assert {sid for sid, *_rest, active in enrollments() if not active} == {"e1", "e3"}
    assert result.kind("enrollments").deactivated == 2


def _plain(roster_files):
    rows = [
        {k: v for k, v in row.items() if k in HEADERS["enrollments"]}
        for row in roster_files["enrollments"]
    ]
    return csv_text(HEADERS["enrollments"], rows)


# (id, change to the plain text): files COPY could read differently from Python's csv
# module; the careful check reads them, and they import as it reads them.
UNSURE_BUT_GOOD = [
    ("quoted cells", lambda text: text.replace("\r\ne2,", '\r\n"e2",')),
    ("a spaced cell", lambda text: text.replace(",st2,", ", st2 ,")),
    ("a blank line", lambda text: text.replace("\r\ne3,", "\r\n\r\ne3,")),
    ("an extra cell", lambda text: text.rstrip() + ",extra\r\n"),
    # The header "line" up to the first LF holds every line: it was a 500 (csv.Error).
    ("lines ended by a lone CR", lambda text: text.rstrip().replace("\r\n", "\r") + "\r\n"),
]  # fmt: skip


@pytest.mark.parametrize(
    "change", [case[1] for case in UNSURE_BUT_GOOD], ids=[case[0] for case in UNSURE_BUT_GOOD]
)
def test_a_file_copy_might_misread_is_read_carefully(
    district, roster_files, make_zip, careful, change
):
    run(with_enrollments(roster_files, make_zip, change(_plain(roster_files))), district)

    assert careful == [1]
    assert enrollments() == EXPECTED


def test_an_end_of_data_line_does_not_cut_the_file_short(district, roster_files, make_zip, careful):
    # COPY would stop reading at "\." and silently drop the rows after it.
    text = _plain(roster_files).replace("\r\ne3,", "\r\n\\.\r\ne3,")

    with pytest.raises(ImportRejected) as rejected:
        run(with_enrollments(roster_files, make_zip, text), district)

    assert careful == [1]
    assert str(rejected.value.errors[0]).startswith("enrollments.csv, row 4, classSourcedId:")


def test_a_row_sql_flags_is_reported_by_the_careful_check(
    district, roster_files, make_zip, careful
):
    roster_files["enrollments"][1]["classSourcedId"] = "k9"

    with pytest.raises(ImportRejected) as rejected:
        run(make_zip(roster_files), district)

    assert careful == [1]
    assert [str(e) for e in rejected.value.errors] == [
        "enrollments.csv, row 3, classSourcedId: Unknown class “k9”."
    ]


def test_an_error_elsewhere_leaves_enrollments_to_the_careful_check(
    district, roster_files, make_zip, careful
):
    roster_files["users"][1]["givenName"] = ""
    roster_files["enrollments"][0]["userSourcedId"] = "nobody"

    with pytest.raises(ImportRejected) as rejected:
        run(make_zip(roster_files), district)

    assert careful == [1]
    assert {e.file for e in rejected.value.errors} == {"users.csv", "enrollments.csv"}


def test_references_to_records_held_are_resolved_in_delta_files(
    district, roster_files, make_zip, careful
):
    run(make_zip(roster_files), district)
    delta = {
        "enrollments": [
            {"sourcedId": "e9", "classSourcedId": "k1", "schoolSourcedId": "s1",
             "userSourcedId": "st3", "role": "student", "beginDate": "2026-09-01"},
            {"sourcedId": "e10", "classSourcedId": "k2", "schoolSourcedId": "s2",
             "userSourcedId": "te1", "role": "teacher"},
        ]
    }  # fmt: skip

    result = run(make_zip(delta, mode="delta"), district)

    assert careful == []
    assert result.kind("enrollments").created == 1
    assert result.kind("teaching").created == 1


@pytest.mark.parametrize("line_end", ["\r\n", ""])
def test_rows_are_bounded_as_they_are_copied(
    district, roster_files, make_zip, settings, careful, line_end
):
    run(make_zip(roster_files), district)
    roster_files["enrollments"] += [
        {"sourcedId": f"e{6 + n}", "classSourcedId": klass, "schoolSourcedId": school,
         "userSourcedId": student, "role": "student"}
        for n, (klass, school, student) in enumerate(
            [("k2", "s2", "st1"), ("k2", "s2", "st2"), ("k1", "s1", "st3")]
        )
    ]  # fmt: skip
    text = _plain(roster_files).rstrip() + line_end  # eight rows: numbered 2 to 9
    manifest = {"oneroster.version": "1.1", "file.enrollments": "delta"}
    manifest |= {
        f"file.{name}": "absent" for name in ("orgs", "academicSessions", "classes", "users")
    }
    delta = make_zip({}, manifest=manifest, extra={"enrollments.csv": text})

    settings.ROSTER_IMPORT_MAX_ROWS = 8
    with pytest.raises(ImportRejected, match="enrollments.csv: The file has more than 8 rows"):
        run(delta, district)

    settings.ROSTER_IMPORT_MAX_ROWS = 9
    assert run(delta, district).kind("enrollments").created == 3
    assert careful == []


def test_every_byte_copy_might_misread_is_found():
    unsafe = {ord('"'), ord("\\"), *range(0x20)} - {ord("\n"), ord("\r")}
    for byte in range(0x80):
        assert _unsafe(b"e1,c" + bytes([byte]) + b"1\r\n") == (byte in unsafe), byte


@pytest.mark.parametrize("text", [b"e1 ,c1", b"e1, c1", b"e1 \r\n", b"e1 \n", b"\r e1", b"\n e1"])
def test_a_space_beside_a_comma_or_a_line_end_is_found(text):
    assert _unsafe(text)


def test_a_space_inside_a_cell_is_not_a_reason_to_read_carefully():
    assert not _unsafe(b"e1,Room 12,c1\r\ne2,Lab B,c2\r")
