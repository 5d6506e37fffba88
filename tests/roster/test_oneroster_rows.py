"""users.csv and enrollments.csv rows: the quick reader vouches only for rows the careful
reader accepts, and then gives the same record."""

from hypothesis import given, settings
from hypothesis import strategies as st

from schoolwell.roster.importing.errors import ErrorLog
from schoolwell.roster.importing.oneroster_rows import (
    _enrollment_careful,
    _enrollment_quick,
    _user_careful,
    _user_quick,
)
from schoolwell.roster.importing.rowreader import RowReader

# Valid spellings, near misses and hostile values, so both readers' branches are reached.
VALUES = st.sampled_from(
    [
        "", "x", "sch-1", "a" * 65, "a" * 151, "a" * 300, "ñ", "a\tb", "a\x00b",
        "2026-08-20", "2026-08-19", "2026-13-01", "2026-08-20T08:00:00Z", "20260820",
        "student", "Teacher", "PARENT", "guardian", "aide", "pupil",
        "true", "FALSE", "si", "maybe", "03", "KG", "13", "14", "3,4", " ,5",
        "active", "tobedeleted", "TOBEDELETED", "deleted",
    ]
)  # fmt: skip
STUDENT = {
    "sourcedId": "s1",
    "role": "student",
    "givenName": "Ana",
    "familyName": "Silva",
    "orgSourcedIds": "sch-1",
    "grades": "03",
    "status": "active",
    "dateLastModified": "2026-08-01T10:00:00Z",
    "enabledUser": "true",
    "identifier": "0001",
    "agentSourcedIds": "p1,p2",
}
PARENT = {
    **STUDENT,
    "role": "parent",
    "username": "p.silva",
    "email": "p@example.org",
    "phone": "555",
    "agentSourcedIds": "s1",
}
ENROLLMENT = {
    "sourcedId": "e1",
    "classSourcedId": "c1",
    "schoolSourcedId": "sch-1",
    "userSourcedId": "s1",
    "role": "student",
    "status": "active",
    "dateLastModified": "2026-08-01",
    "beginDate": "2026-08-20",
    "endDate": "2027-06-15",
}
REQUIRED = ("sourcedId", "role", "givenName", "familyName", "orgSourcedIds")
ENROLLMENT_REQUIRED = ("sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role")
OPTIONAL = ("preferredFirstName", "sms", "username", "email", "phone", "grades", "identifier")


@st.composite
def variants(draw, base: dict, required: tuple[str, ...], optional: tuple[str, ...] = ()):
    """A valid row with one or two cells changed, and perhaps an optional column dropped
    or added (a file may lack optional columns; required ones it always has)."""
    row = dict(base)
    # Every (column, value) pair is one draw, so each check is met often.
    changes = st.tuples(st.sampled_from(sorted({*row, *optional})), VALUES)
    for column, value in draw(st.lists(changes, min_size=1, max_size=2)):
        row[column] = value.strip()  # as csv_rows hands every value on
    dropped = draw(st.sampled_from(sorted(row)))
    if dropped not in required and draw(st.booleans()):
        del row[dropped]
    return row


def _agree(quick, careful, row: dict) -> None:
    errors = ErrorLog()
    expected = careful(RowReader(errors, "x.csv", 2, row))
    try:
        record = quick(row)
    except (LookupError, ValueError):
        return  # the careful reader reads it (and may well accept it)
    assert not errors.total, errors.kept
    assert record == expected


@settings(max_examples=2000, deadline=None)
@given(st.one_of(variants(STUDENT, REQUIRED, OPTIONAL), variants(PARENT, REQUIRED, OPTIONAL)))
def test_user_rows_agree(row):
    _agree(_user_quick, _user_careful, row)


@settings(max_examples=1000, deadline=None)
@given(variants(ENROLLMENT, ENROLLMENT_REQUIRED))
def test_enrollment_rows_agree(row):
    _agree(_enrollment_quick, _enrollment_careful, row)


def test_plain_rows_are_read_quickly():
    # Without this the agreement tests would pass with a quick reader that refuses all.
    assert _user_quick(STUDENT)["grade"] == 3
    assert _user_quick(PARENT)["username"] == "p.silva"
    assert _enrollment_quick(ENROLLMENT)["role"] == "student"
