"""A file that clashes with enrollments already held is refused, row by row, on both
databases (PostgreSQL finds these by set operations over the staged rows)."""

import pytest

from schoolwell.accounts.roles import Role
from schoolwell.roster.importing import ImportRejected, roster_import_oneroster
from schoolwell.roster.models import Class, Enrollment, School, Student
from schoolwell.roster.services import school_staff_add
from tests.conftest import make_user


def run(path, district, by=None):
    return roster_import_oneroster(path=path, district=district, by=by)


def test_an_enrollment_already_held_under_another_sourced_id_is_refused(
    district, roster_files, make_zip, table_counts
):
    run(make_zip(roster_files), district)
    roster_files["enrollments"][0]["sourcedId"] = "e1-renamed"
    before = table_counts()

    with pytest.raises(ImportRejected) as rejected:
        run(make_zip(roster_files), district)

    assert [str(e) for e in rejected.value.errors] == [
        "enrollments.csv, row 2, sourcedId: This student is already enrolled in this class "
        "under another sourcedId."
    ]
    assert table_counts() == before
    assert Enrollment.objects.filter(sourced_id="e1").exists()


def test_the_sourced_id_of_another_schools_enrollment_is_refused(
    district, roster_files, make_zip, table_counts
):
    run(make_zip(roster_files), district)
    admin = make_user("admin_s1")
    school_staff_add(school=School.objects.get(sourced_id="s1"), user=admin, role=Role.SCHOOL_ADMIN)
    files = {
        k: [r for r in rows if "s2" not in r.values() and r.get("sourcedId") not in ("st3", "te2")]
        for k, rows in roster_files.items()
    }
    files["enrollments"][1]["sourcedId"] = "e3"  # Oak High's enrollment
    before = table_counts()

    with pytest.raises(ImportRejected) as rejected:
        run(make_zip(files), district, by=admin)

    messages = [str(e) for e in rejected.value.errors]
    assert (
        "enrollments.csv, row 3, sourcedId: This sourcedId belongs to an enrollment of "
        "another school." in messages
    )
    assert table_counts() == before
    assert Enrollment.objects.get(sourced_id="e3").klass.school.sourced_id == "s2"


def test_a_student_id_held_by_another_student_is_refused(
    district, roster_files, make_zip, table_counts
):
    run(make_zip(roster_files), district)
    roster_files["users"][1]["sourcedId"] = "st2-new"  # Ben's student ID, a new sourcedId
    for enrollment in roster_files["enrollments"]:
        if enrollment["userSourcedId"] == "st2":
            enrollment["userSourcedId"] = "st2-new"
    roster_files["users"][7]["agentSourcedIds"] = "st2-new"
    before = table_counts()

    with pytest.raises(ImportRejected) as rejected:
        run(make_zip(roster_files), district)

    assert [str(e) for e in rejected.value.errors] == [
        "users.csv, row 3, identifier: Student ID “1002” already belongs to another student "
        "of this school."
    ]
    assert table_counts() == before


def test_a_student_of_a_school_the_importer_does_not_administer_is_refused(
    district, roster_files, make_zip
):
    run(make_zip(roster_files), district)
    admin = make_user("admin_s1")
    school_staff_add(school=School.objects.get(sourced_id="s1"), user=admin, role=Role.SCHOOL_ADMIN)
    files = {
        k: [r for r in rows if "s2" not in r.values() and r.get("sourcedId") not in ("st3", "te2")]
        for k, rows in roster_files.items()
    }
    files["users"][1]["sourcedId"] = "st3"  # Oak High's student, renamed into Lincoln
    files["users"][1]["identifier"] = "1009"
    files["users"][5]["agentSourcedIds"] = "st3"
    for enrollment in files["enrollments"]:
        if enrollment["userSourcedId"] == "st2":
            enrollment["userSourcedId"] = "st3"

    with pytest.raises(ImportRejected) as rejected:
        run(make_zip(files), district, by=admin)

    assert (
        "users.csv, row 3, sourcedId: This sourcedId belongs to a student of another school."
        in [str(e) for e in rejected.value.errors]
    )


def test_backslashes_and_line_breaks_are_kept_as_written(district, roster_files, make_zip):
    """PostgreSQL stages rows in COPY's text format, where these characters are escapes."""
    roster_files["users"][0]["familyName"] = r"Lopez\Diaz \N"
    roster_files["classes"][0]["title"] = "Advisory\n7-A\t(room \\12)"

    run(make_zip(roster_files), district)

    assert Student.objects.get(sourced_id="st1").family_name == r"Lopez\Diaz \N"
    assert Class.objects.get(sourced_id="k1").title == "Advisory\n7-A\t(room \\12)"


def test_problems_in_the_file_and_clashes_with_the_database_are_reported_together(
    district, roster_files, make_zip, table_counts
):
    run(make_zip(roster_files), district)
    enrollments = roster_files["enrollments"]
    enrollments[0]["sourcedId"] = "e1-renamed"  # clashes with e1, held
    enrollments.append({**enrollments[1]})  # the same sourcedId twice in the file
    before = table_counts()

    with pytest.raises(ImportRejected) as rejected:
        run(make_zip(roster_files), district)

    last = len(enrollments) + 1
    assert [str(e) for e in rejected.value.errors] == [
        "enrollments.csv, row 2, sourcedId: This student is already enrolled in this class "
        "under another sourcedId.",
        f"enrollments.csv, row {last}, sourcedId: “{enrollments[1]['sourcedId']}” appears more "
        "than once in the file.",
    ]
    assert table_counts() == before


@pytest.mark.postgres
def test_a_clash_committed_while_the_file_was_checked_is_refused_under_the_lock(
    district, roster_files, make_zip, table_counts
):
    """Pass 1 checks without a lock; another school's import may commit before pass 2 takes
    the district's lock. The upserts would take the student over (they update the row that
    holds the sourcedId), so the clashes with records held are checked again under the lock."""
    run(make_zip(roster_files), district)
    admin = make_user("admin_s1")
    lincoln, oak = School.objects.get(sourced_id="s1"), School.objects.get(sourced_id="s2")
    school_staff_add(school=lincoln, user=admin, role=Role.SCHOOL_ADMIN)
    files = {
        k: [r for r in rows if "s2" not in r.values() and r.get("sourcedId") not in ("st3", "te2")]
        for k, rows in roster_files.items()
    }

    def meanwhile(stage, rows):
        if stage == "writing":  # Oak High's import moved Ana there after our check
            Student.objects.filter(sourced_id="st1").update(school=oak)

    before = table_counts()
    with pytest.raises(ImportRejected) as rejected:
        roster_import_oneroster(
            path=make_zip(files), district=district, by=admin, progress=meanwhile
        )

    assert (
        "users.csv, row 2, sourcedId: This sourcedId belongs to a student of another school."
        in [str(e) for e in rejected.value.errors]
    )
    assert table_counts() == before
    assert Student.objects.get(sourced_id="st1").school == oak
