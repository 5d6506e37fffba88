"""Hostile cells in a OneRoster file get a clear row-numbered refusal, never a 500 or a raw
database message (PostgreSQL refuses NUL in text, and its COPY reads tabs, newlines and
backslashes specially)."""

import pytest
from django.utils import translation

from schoolwell.roster.importing import ImportRejected, roster_import_oneroster
from schoolwell.roster.models import Student


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This value holds a NUL character (not text)."),
        ("es", "Este valor contiene un carácter NUL (no es texto)."),
    ],
)
def test_a_nul_byte_in_a_name_is_refused_with_its_row(
    district, roster_files, make_zip, language, message
):
    roster_files["users"][0]["givenName"] = "An\x00a"

    with translation.override(language), pytest.raises(ImportRejected) as rejected:
        roster_import_oneroster(path=make_zip(roster_files), district=district, by=None)

    assert [str(e) for e in rejected.value.errors] == [f"users.csv, row 2, givenName: {message}"]


def test_tabs_newlines_and_backslashes_are_kept_as_written(district, roster_files, make_zip):
    student = next(u for u in roster_files["users"] if u["role"] == "student")
    student["familyName"] = 'O\\Brien\t"Jr"\nII'

    roster_import_oneroster(path=make_zip(roster_files), district=district, by=None)

    assert Student.objects.get(sourced_id=student["sourcedId"]).family_name == (
        'O\\Brien\t"Jr"\nII'
    )
