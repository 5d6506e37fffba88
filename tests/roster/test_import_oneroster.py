"""OneRoster 1.1 CSV import: a valid zip, re-import, tobedeleted, and every bad file."""

# The bad-file cases are a table: one case per line.
# ruff: noqa: E501

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from schoolwell.accounts.models import User
from schoolwell.accounts.roles import Role, access_scope
from schoolwell.roster.importing import ImportRejected, roster_import_oneroster
from schoolwell.roster.importing.errors import MAX_ERRORS_KEPT
from schoolwell.roster.models import (
    AcademicTerm,
    Class,
    Enrollment,
    GuardianLink,
    School,
    Student,
)
from schoolwell.roster.selectors import guardian_children, visible_students
from schoolwell.roster.services import school_staff_add
from tests.conftest import make_user


def run(path, district, by=None, **kwargs):
    return roster_import_oneroster(path=path, district=district, by=by, **kwargs)


def fresh(username):
    """The user as a new request would load them (no cached scope)."""
    return User.objects.get(username=username)


def test_valid_zip_creates_the_roster_and_grants(district, roster_files, make_zip):
    result = run(make_zip(roster_files), district)

    district.refresh_from_db()
    assert district.sourced_id == "d1"
    assert set(School.objects.values_list("sourced_id", "district_id")) == {
        ("s1", district.pk),
        ("s2", district.pk),
    }
    assert School.objects.get(sourced_id="s1").code == "lincoln"
    year, fall = (
        AcademicTerm.objects.get(sourced_id="y1"),
        AcademicTerm.objects.get(sourced_id="t1"),
    )
    assert (year.kind, year.school_year, fall.parent) == ("schoolYear", 2027, year)
    k1 = Class.objects.get(sourced_id="k1")
    assert (k1.title, k1.class_code, k1.grades, k1.term, k1.school.sourced_id) == (
        "Advisory 7-A", "ADV7A", "07", year, "s1",
    )  # fmt: skip
    ana = Student.objects.get(sourced_id="st1")
    assert (ana.local_id, ana.grade, ana.date_of_birth, ana.school.sourced_id) == (
        "1001", 7, dt.date(2013, 4, 21), "s1",
    )  # fmt: skip
    assert Student.objects.count() == 3
    assert Enrollment.objects.filter(active=True).count() == 3
    # Students never become log-in users; staff and guardians do, without a usable password.
    assert not User.objects.filter(sourced_id__startswith="st").exists()
    tara = fresh("tara")
    assert (tara.sourced_id, tara.email, tara.has_usable_password()) == (
        "te1", "tara@lincoln.example", False,
    )  # fmt: skip
    assert fresh("gil@family.example").sourced_id == "p2"  # no username: the email

    # Grants: the teacher sees exactly their class's students, the administrator the school.
    assert set(visible_students(tara).values_list("sourced_id", flat=True)) == {"st1", "st2"}
    assert set(visible_students(fresh("tom")).values_list("sourced_id", flat=True)) == {"st3"}
    alice = access_scope(fresh("alice"))
    assert alice.roles == {Role.SCHOOL_ADMIN}
    assert alice.administered_school_ids == {School.objects.get(sourced_id="s1").pk}
    # Guardians: agentSourcedIds written on the student's row and on the guardian's row.
    assert list(guardian_children(fresh("pat")).values_list("sourced_id", flat=True)) == ["st1"]
    link = GuardianLink.objects.get(guardian__username="gil@family.example")
    assert (link.student.sourced_id, link.relationship, link.may_consent) == (
        "st2", "guardian", True,
    )  # fmt: skip

    counts = {name: c for name, _label, c in result.rows()}
    assert counts["students"].created == 3
    assert counts["teachers"].created == 2
    assert counts["guardians"].created == 2
    assert counts["enrollments"].created == 3
    assert counts["teaching"].created == 2
    assert counts["admin_roles"].created == 1
    assert counts["guardian_links"].created == 2
    assert counts["students"].absent == 0


def test_reimport_changes_nothing(district, roster_files, make_zip, table_counts):
    path = make_zip(roster_files)
    run(path, district)
    before = table_counts()

    again = run(path, district)

    assert table_counts() == before
    assert again.changed == 0
    assert all(c.created == c.updated == c.deactivated == 0 for _n, _l, c in again.rows())
    assert again.kind("students").unchanged == 3
    assert again.kind("enrollments").unchanged == 3


def test_reimport_updates_what_changed(district, roster_files, make_zip):
    run(make_zip(roster_files), district)
    roster_files["users"][1]["familyName"] = "Kim-Park"
    roster_files["classes"][0]["title"] = "Advisory 7-A (room 12)"

    result = run(make_zip(roster_files), district)

    assert Student.objects.get(sourced_id="st2").family_name == "Kim-Park"
    assert Class.objects.get(sourced_id="k1").title == "Advisory 7-A (room 12)"
    assert (result.kind("students").updated, result.kind("students").unchanged) == (1, 2)
    assert result.kind("classes").updated == 1


@pytest.mark.parametrize(("code", "grade"), [("PK", -1), ("KG", 0), ("01", 1), ("12", 12)])
def test_grade_codes(district, roster_files, make_zip, code, grade):
    roster_files["users"][0]["grades"] = code
    run(make_zip(roster_files), district)
    assert Student.objects.get(sourced_id="st1").grade == grade


def test_tobedeleted_deactivates_and_withdraws_grants(district, roster_files, make_zip):
    run(make_zip(roster_files), district)
    delta = {
        "users": [
            {**roster_files["users"][1], "status": "tobedeleted", "dateLastModified": "2026-10-01T08:00:00Z"},
            {**roster_files["users"][6], "status": "tobedeleted"},
        ],
        "classes": [{**roster_files["classes"][1], "status": "tobedeleted"}],
        "enrollments": [{**roster_files["enrollments"][3], "status": "tobedeleted"}],
    }  # fmt: skip
    for name in ("orgs", "academicSessions"):
        delta[name] = []

    result = run(make_zip(delta, mode="delta"), district)

    # Never hard-deleted: the records stay, inactive.
    assert Student.objects.count() == 3
    ben = Student.objects.get(sourced_id="st2")
    assert not ben.active
    assert not ben.enrollments.filter(active=True).exists()
    assert not Class.objects.get(sourced_id="k2").active
    # Grants withdrawn: Tara's enrollment ended, Tom's class ended, Pat's link removed.
    assert not visible_students(fresh("tara")).exists()
    assert not visible_students(fresh("tom")).exists()
    assert not fresh("pat").is_active
    assert not GuardianLink.objects.filter(guardian__username="pat").exists()
    assert result.kind("students").deactivated == 1
    assert result.kind("classes").deactivated == 1
    assert result.kind("teaching").deactivated == 2
    assert result.kind("guardian_links").deactivated == 1
    assert result.kind("students").absent is None  # a delta file says nothing of the rest

    again = run(make_zip(delta, mode="delta"), district)
    assert again.changed == 0


def test_an_active_enrollment_does_not_outlive_its_student_or_class(
    district, roster_files, make_zip
):
    run(make_zip(roster_files), district)
    roster_files["users"][1]["status"] = "tobedeleted"  # Ben; his enrollment e2 stays active
    roster_files["classes"][1]["status"] = "tobedeleted"  # Health 9; Tom's e5 stays active

    run(make_zip(roster_files), district)

    assert not Enrollment.objects.get(sourced_id="e2").active
    assert list(visible_students(fresh("tara")).values_list("sourced_id", flat=True)) == ["st1"]
    assert not visible_students(fresh("tom")).exists()
    assert run(make_zip(roster_files), district).changed == 0


def test_bulk_file_reports_but_keeps_absent_records(district, roster_files, make_zip):
    run(make_zip(roster_files), district)
    del roster_files["users"][1]  # Ben
    roster_files["enrollments"] = [
        e for e in roster_files["enrollments"] if e["userSourcedId"] != "st2"
    ]
    roster_files["users"][-1]["agentSourcedIds"] = ""

    result = run(make_zip(roster_files), district)

    assert Student.objects.get(sourced_id="st2").active
    assert result.kind("students").absent == 1
    assert result.kind("enrollments").absent == 1


def test_dry_run_writes_nothing(district, roster_files, make_zip, table_counts):
    before = table_counts()
    result = run(make_zip(roster_files), district, dry_run=True)
    assert result.dry_run and result.kind("students").created == 3
    assert table_counts() == before
    district.refresh_from_db()
    assert district.sourced_id is None


def test_lenient_about_column_order_case_and_extra_columns(district, roster_files, make_zip):
    users = [
        {"Extra": "x", **{k.upper() if k == "role" else k: v for k, v in row.items()}}
        for row in roster_files["users"]
    ]
    files = {**roster_files, "users": [dict(reversed(list(u.items()))) for u in users]}
    from tests.roster.conftest import HEADERS, csv_text

    header = ["Extra", *reversed([h.upper() if h == "role" else h for h in HEADERS["users"]])]
    del files["users"]
    path = make_zip(files, extra={"users.csv": csv_text(header, users)})
    run(path, district)
    assert Student.objects.count() == 3
    assert User.objects.filter(sourced_id__in=["te1", "te2", "ad1", "p1", "p2"]).count() == 5


def test_queries_do_not_grow_with_the_number_of_students(district, roster_files, make_zip):
    def queries_for(n):
        files = {k: [dict(r) for r in v] for k, v in roster_files.items()}
        for i in range(n):
            files["users"].append(
                {**files["users"][1], "sourcedId": f"x{i}", "identifier": f"9{i:04d}"}
            )
            files["enrollments"].append(
                {**files["enrollments"][1], "sourcedId": f"xe{i}", "userSourcedId": f"x{i}"}
            )
        path = make_zip(files)
        with CaptureQueriesContext(connection) as ctx:
            run(path, district, dry_run=True)  # rolled back: both runs start alike
        return len(ctx.captured_queries)

    assert queries_for(60) == queries_for(5)


# -- bad files: rejected whole, nothing written, each error located ----------------------


def _mutate(files, name, index, **changes):
    files[name][index].update(changes)


BAD_FILES = [
    # (id, mutation, expected error prefix)
    ("missing required column", lambda f: [r.pop("title") for r in f["classes"]], "classes.csv, row 1, title: Required column is missing"),
    ("unknown class", lambda f: _mutate(f, "enrollments", 1, classSourcedId="k9"), "enrollments.csv, row 3, classSourcedId: Unknown class “k9”"),
    ("unknown user", lambda f: _mutate(f, "enrollments", 2, userSourcedId="nobody"), "enrollments.csv, row 4, userSourcedId: Unknown user “nobody”"),
    ("class of an unknown school", lambda f: _mutate(f, "classes", 1, schoolSourcedId="s9"), "classes.csv, row 3, schoolSourcedId: Unknown org “s9”"),
    ("user of an unknown org", lambda f: _mutate(f, "users", 3, orgSourcedIds="s1,s9"), "users.csv, row 5, orgSourcedIds: Unknown org “s9”"),
    ("unknown agent", lambda f: _mutate(f, "users", 0, agentSourcedIds="p1,p9"), "users.csv, row 2, agentSourcedIds: Unknown user “p9”"),
    ("agent who is not a guardian", lambda f: _mutate(f, "users", 0, agentSourcedIds="te1"), "users.csv, row 2, agentSourcedIds: “te1” is not a parent"),
    ("bad date", lambda f: _mutate(f, "academicSessions", 0, startDate="2026-13-01"), "academicSessions.csv, row 2, startDate: “2026-13-01” is not a date"),
    ("end before start", lambda f: _mutate(f, "academicSessions", 1, endDate="2026-01-01"), "academicSessions.csv, row 3, endDate: The end date is before the start date"),
    ("bad birth date", lambda f: _mutate(f, "demographics", 0, birthDate="21/04/2013"), "demographics.csv, row 2, birthDate: “21/04/2013” is not a date"),
    ("bad enrollment date", lambda f: _mutate(f, "enrollments", 0, beginDate="soon"), "enrollments.csv, row 2, beginDate: “soon” is not a date"),
    ("bad grade", lambda f: _mutate(f, "users", 2, grades="Seventh"), "users.csv, row 4, grades: “Seventh” is not a grade"),
    ("student without grade", lambda f: _mutate(f, "users", 2, grades=""), "users.csv, row 4, grades: A student needs a grade"),
    ("bad class grade", lambda f: _mutate(f, "classes", 0, grades="07,X"), "classes.csv, row 2, grades: “X” is not a grade"),
    ("duplicate sourcedId", lambda f: _mutate(f, "users", 4, sourcedId="te1"), "users.csv, row 6, sourcedId: “te1” appears more than once"),
    ("duplicate class sourcedId", lambda f: _mutate(f, "classes", 1, sourcedId="k1"), "classes.csv, row 3, sourcedId: “k1” appears more than once"),
    ("duplicate enrollment", lambda f: _mutate(f, "enrollments", 1, userSourcedId="st1"), "enrollments.csv, row 3, userSourcedId: This user is enrolled in this class twice"),
    ("duplicate student ID", lambda f: _mutate(f, "users", 1, identifier="1001"), "users.csv, row 3, identifier: Two students of this school have this student ID"),
    ("duplicate username", lambda f: _mutate(f, "users", 4, username="tara"), "users.csv, row 6, username: “tara” appears more than once"),
    ("bad status", lambda f: _mutate(f, "classes", 0, status="gone"), "classes.csv, row 2, status: “gone” is not one of"),
    ("bad role", lambda f: _mutate(f, "users", 3, role="janitor"), "users.csv, row 5, role: “janitor” is not one of"),
    ("role mismatch", lambda f: _mutate(f, "enrollments", 3, role="student"), "enrollments.csv, row 5, role: The enrollment role “student” does not match"),
    ("missing name", lambda f: _mutate(f, "users", 1, givenName=""), "users.csv, row 3, givenName: A value is required"),
    ("bad term type", lambda f: _mutate(f, "academicSessions", 0, type="quarter"), "academicSessions.csv, row 2, type: “quarter” is not one of"),
    ("unknown term", lambda f: _mutate(f, "classes", 0, termSourcedIds="y1,y9"), "classes.csv, row 2, termSourcedIds: Unknown academic session “y9”"),
    ("unknown course", lambda f: _mutate(f, "classes", 0, courseSourcedId="c9"), "classes.csv, row 2, courseSourcedId: Unknown course “c9”"),
    ("class not at the enrollment's school", lambda f: _mutate(f, "enrollments", 0, schoolSourcedId="s2"), "enrollments.csv, row 2, schoolSourcedId: This is not the class's school"),
    ("student at a district", lambda f: _mutate(f, "users", 0, orgSourcedIds="d1"), "users.csv, row 2, orgSourcedIds: A student must belong to a school"),
    ("two districts", lambda f: f["orgs"].append({"sourcedId": "d2", "name": "Second", "type": "district"}), "orgs.csv, row 5, type: The file holds more than one district"),
    ("bad timestamp", lambda f: _mutate(f, "orgs", 1, dateLastModified="yesterday"), "orgs.csv, row 3, dateLastModified: “yesterday” is not a date and time"),
    ("ancient birth date", lambda f: _mutate(f, "demographics", 0, birthDate="0001-01-01"), "demographics.csv, row 2, birthDate: The date of birth is more than 100 years ago"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "expected"), [case[1:] for case in BAD_FILES], ids=[case[0] for case in BAD_FILES]
)
def test_bad_file_is_rejected_whole(
    district, roster_files, make_zip, table_counts, mutate, expected
):
    mutate(roster_files)
    before = table_counts()

    with pytest.raises(ImportRejected) as rejected:
        run(make_zip(roster_files), district)

    messages = [str(e) for e in rejected.value.errors]
    assert any(m.startswith(expected) for m in messages), messages
    assert table_counts() == before
    district.refresh_from_db()
    assert district.sourced_id is None


def test_not_a_zip(district, tmp_path, table_counts):
    path = tmp_path / "roster.zip"
    path.write_text("sourcedId,name\n1,x\n")
    with pytest.raises(ImportRejected, match="not a zip archive"):
        run(path, district)


def test_missing_manifest(district, roster_files, make_zip):
    with pytest.raises(ImportRejected, match="no manifest.csv"):
        run(make_zip(roster_files, manifest=False), district)


def test_missing_required_file(district, roster_files, make_zip, table_counts):
    manifest = {"oneroster.version": "1.1", **{f"file.{n}": "bulk" for n in roster_files}}
    del roster_files["users"]
    before = table_counts()
    with pytest.raises(ImportRejected) as rejected:
        run(make_zip(roster_files, manifest=manifest), district)
    assert "users.csv: This required file is missing." in [str(e) for e in rejected.value.errors]
    assert table_counts() == before


def test_unsupported_version(district, roster_files, make_zip):
    with pytest.raises(ImportRejected, match="Unsupported OneRoster version “2.0”"):
        run(make_zip(roster_files, version="2.0"), district)


def test_errors_are_capped_and_counted(district, roster_files, make_zip):
    roster_files["enrollments"] += [
        {"sourcedId": f"bad{i}", "classSourcedId": f"nope{i}", "schoolSourcedId": "s1", "userSourcedId": "st1", "role": "student"}
        for i in range(250)
    ]  # fmt: skip
    with pytest.raises(ImportRejected) as rejected:
        run(make_zip(roster_files), district)
    assert len(rejected.value.errors) == MAX_ERRORS_KEPT
    assert rejected.value.total == 250
    assert rejected.value.not_shown == 50


# -- who may import what ---------------------------------------------------------------


def test_school_of_another_district_is_refused(
    district, other_district, roster_files, make_zip, table_counts
):
    School.objects.create(district=other_district, name="X", code="x", sourced_id="s2")
    before = table_counts()
    with pytest.raises(ImportRejected) as rejected:
        run(make_zip(roster_files), district)
    assert "orgs.csv, row 4, sourcedId: This school belongs to another district." in [
        str(e) for e in rejected.value.errors
    ]
    assert table_counts() == before


def test_file_of_another_district_is_refused(district, roster_files, make_zip):
    district.sourced_id = "d-other"
    district.save()
    with pytest.raises(ImportRejected, match="This file is for another district"):
        run(make_zip(roster_files), district)


def test_school_admin_imports_only_their_school(
    district, school_a, school_b, roster_files, make_zip, table_counts
):
    school_a.sourced_id, school_b.sourced_id = "s1", "s2"
    school_a.save()
    school_b.save()
    admin = make_user("admin_a")
    school_staff_add(school=school_a, user=admin, role=Role.SCHOOL_ADMIN)
    before = table_counts()

    with pytest.raises(ImportRejected) as rejected:
        run(make_zip(roster_files), district, by=admin)

    messages = [str(e) for e in rejected.value.errors]
    assert "orgs.csv, row 4, sourcedId: You do not administer School B." in messages
    assert table_counts() == before

    # Their own school only: accepted, and the district administrator row is refused.
    files = {
        k: [r for r in rows if "s2" not in r.values() and r.get("sourcedId") not in ("st3", "te2")]
        for k, rows in roster_files.items()
    }
    result = run(make_zip(files), district, by=fresh("admin_a"))
    assert result.kind("students").created == 2
    next(u for u in files["users"] if u["sourcedId"] == "ad1")["orgSourcedIds"] = "d1"
    with pytest.raises(
        ImportRejected, match="Only a district administrator can name district administrators"
    ):
        run(make_zip(files), district, by=fresh("admin_a"))


def test_school_admin_cannot_rewrite_a_district_admins_account(
    district, school_a, district_admin, roster_files, make_zip, table_counts
):
    district_admin.sourced_id = "te1"  # the file's "tara" row would rename and disable them
    district_admin.save()
    school_a.sourced_id = "s1"
    school_a.save()
    admin = make_user("admin_a")
    school_staff_add(school=school_a, user=admin, role=Role.SCHOOL_ADMIN)
    files = {
        k: [r for r in rows if "s2" not in r.values() and r.get("sourcedId") not in ("st3", "te2")]
        for k, rows in roster_files.items()
    }
    files["users"][2]["enabledUser"] = "false"
    before = table_counts()

    with pytest.raises(
        ImportRejected, match="This account has rights beyond the schools you administer"
    ):
        run(make_zip(files), district, by=admin)

    assert table_counts() == before
    assert fresh("district_admin").is_active


def test_superuser_accounts_are_never_rewritten(district, roster_files, make_zip):
    User.objects.create_superuser("root", "root@example.org", "pw-for-tests-only", sourced_id="te1")
    with pytest.raises(ImportRejected, match="This account has rights beyond"):
        run(make_zip(roster_files), district)


def test_outsider_cannot_import(district, outsider, roster_files, make_zip):
    with pytest.raises(ImportRejected, match="You do not administer any school of this district"):
        run(make_zip(roster_files), district, by=outsider)


def test_username_of_another_account_is_refused(district, roster_files, make_zip, table_counts):
    make_user("tara")
    before = table_counts()
    with pytest.raises(
        ImportRejected, match="Username “tara” already belongs to another SchoolWell account"
    ):
        run(make_zip(roster_files), district)
    assert table_counts() == before


def test_district_admin_may_import(district, district_admin, roster_files, make_zip):
    result = run(make_zip(roster_files), district, by=district_admin)
    assert result.kind("schools").created == 2
