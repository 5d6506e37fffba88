"""Staged rows in COPY's text format: the joined fast path gives what escaping each cell
gives, whatever the cells hold. An import's session settings end with it."""

import datetime as dt

import pytest
from django.db import connection

from schoolwell.roster.importing import ImportRejected, roster_import_oneroster
from schoolwell.roster.importing.oneroster_stage import _line, _text


@pytest.mark.parametrize(
    "row",
    [
        (1, "plain", None, True, False, 0, dt.date(2026, 8, 20)),
        ("a\\N", None),  # a backslash beside a NULL's \N
        ("tab\there", "x"),
        ("ends in \\", "b"),
        ("two\nlines", "cr\r"),
        (None, None),
        (dt.datetime(2026, 8, 20, 8, 30), 3),
    ],
)
def test_a_line_is_each_cell_escaped_and_joined(row):
    assert _line(row) == "\t".join(map(_text, row)) + "\n"


def test_specials_are_escaped():
    assert _line(("a\tb", None, True)) == "a\\tb\t\\N\tt\n"


@pytest.mark.postgres
def test_an_import_leaves_the_connection_settings_as_it_found_them(
    district, roster_files, make_zip
):
    def settings():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('jit'), current_setting('work_mem')")
            return cursor.fetchone()

    before = settings()
    roster_import_oneroster(path=make_zip(roster_files), district=district, by=None)
    roster_files["enrollments"][0]["classSourcedId"] = "k9"
    with pytest.raises(ImportRejected):
        roster_import_oneroster(path=make_zip(roster_files), district=district, by=None)

    assert settings() == before
