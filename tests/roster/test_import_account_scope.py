"""Issue 10 item 4: a roster import never renames or links an account beyond the importer's
schools. Reproduced on main: a school administrator's template with `guardian_email` set to
another school's administrator renamed that account and gave it parent access to a child."""

import pytest

from schoolwell.accounts.models import User
from schoolwell.accounts.roles import Role
from schoolwell.roster.importing import ImportRejected, roster_import_oneroster
from schoolwell.roster.importing import roster_import_template as import_template
from schoolwell.roster.models import GuardianLink
from schoolwell.roster.services import school_staff_add
from tests.conftest import make_user
from tests.roster.conftest import template_rows

GUARDIAN_REFUSED = "belongs to a staff account or to a guardian at another school"
TEACHER_REFUSED = "belongs to an account with rights beyond the schools you administer"


@pytest.fixture
def admin_b(school_b):
    user = make_user("admin_b", first_name="Bea", last_name="Boss")
    school_staff_add(school=school_b, user=user, role=Role.SCHOOL_ADMIN)
    return user


def _as_guardian(user, rows=None):
    rows = rows or template_rows()
    rows[0].update(
        guardian_email=user.email.upper(),  # matched whatever the letter case
        guardian_given_name="Renamed",
        guardian_family_name="ByImport",
    )
    return rows


def _fresh(user):
    return User.objects.get(pk=user.pk)


def test_another_schools_administrator_is_not_taken_over_as_a_guardian(
    school_a, school_admin, admin_b, make_template, table_counts
):
    before = table_counts()
    with pytest.raises(ImportRejected) as rejected:
        import_template(path=make_template(_as_guardian(admin_b)), school=school_a, by=school_admin)

    assert [str(e) for e in rejected.value.errors] == [
        "Roster, row 2, guardian_email: This email address belongs to a staff account or to a "
        "guardian at another school; it cannot be linked as a guardian here. Use the "
        "guardian's own email address."
    ]
    assert table_counts() == before
    assert (_fresh(admin_b).first_name, _fresh(admin_b).last_name) == ("Bea", "Boss")
    assert not GuardianLink.objects.filter(guardian=admin_b).exists()


@pytest.mark.parametrize("who", ["teacher", "counsellor", "other_parent", "district_admin"])
def test_staff_and_other_schools_guardians_are_refused_as_guardians(
    request, school_a, school_admin, make_template, table_counts, who
):
    user = request.getfixturevalue(who)
    before = table_counts()
    with pytest.raises(ImportRejected, match=GUARDIAN_REFUSED):
        import_template(path=make_template(_as_guardian(user)), school=school_a, by=school_admin)
    assert table_counts() == before


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_guardian_of_the_same_school_is_linked(
    school_a, school_admin, parent, make_template, kind
):
    result = import_template(
        path=make_template(_as_guardian(parent), kind=kind), school=school_a, by=school_admin
    )
    assert GuardianLink.objects.filter(guardian=parent, student__local_id="1001").exists()
    assert result.kind("guardians").updated == 1  # their name, as the school holds it


@pytest.mark.parametrize("who", ["other_counsellor", "admin_b", "district_admin", "other_parent"])
def test_accounts_beyond_the_school_are_refused_as_teachers(
    request, school_a, school_admin, make_template, table_counts, who
):
    user = request.getfixturevalue(who)
    rows = template_rows()
    for row in rows:
        if row.get("teacher_email"):
            row.update(teacher_email=user.email, teacher_given_name="X", teacher_family_name="Y")
    before = table_counts()
    with pytest.raises(ImportRejected, match=TEACHER_REFUSED) as rejected:
        import_template(path=make_template(rows), school=school_a, by=school_admin)
    assert {e.column for e in rejected.value.errors} == {"teacher_email"}
    assert table_counts() == before


def test_a_teacher_of_the_same_school_may_be_named(
    school_a, school_admin, other_teacher, make_template
):
    # other_teacher teaches class_a2 of school A: within the administrator's school.
    rows = template_rows()
    for row in rows:
        if row.get("teacher_email"):
            row.update(teacher_email=other_teacher.email, teacher_given_name="Olga")
            row["teacher_family_name"] = "Teach"
    import_template(path=make_template(rows), school=school_a, by=school_admin)
    assert _fresh(other_teacher).first_name == "Olga"
    assert _fresh(other_teacher).has_perm(
        "roster.teach_class", school_a.classes.get(class_code="ADV7A")
    )


def test_the_district_administrator_may_link_a_guardian_of_another_school_of_the_district(
    school_a, district_admin, other_parent, make_template
):
    import_template(
        path=make_template(_as_guardian(other_parent)), school=school_a, by=district_admin
    )
    assert GuardianLink.objects.filter(guardian=other_parent, student__local_id="1001").exists()


# -- OneRoster ---------------------------------------------------------------------------------


def _own_school_files(roster_files):
    return {
        k: [r for r in rows if "s2" not in r.values() and r.get("sourcedId") not in ("st3", "te2")]
        for k, rows in roster_files.items()
    }


@pytest.fixture
def admin_s1(district, school_a):
    school_a.sourced_id = "s1"
    school_a.save()
    user = make_user("admin_s1")
    school_staff_add(school=school_a, user=user, role=Role.SCHOOL_ADMIN)
    return user


def test_oneroster_guardian_row_cannot_rewrite_a_staff_account(
    district, admin_s1, teacher, roster_files, make_zip, table_counts
):
    teacher.sourced_id = "p1"  # the file's parent "pat" would rename the teacher
    teacher.save()
    before = table_counts()
    with pytest.raises(ImportRejected, match="This account has rights beyond"):
        roster_import_oneroster(
            path=make_zip(_own_school_files(roster_files)), district=district, by=admin_s1
        )
    assert table_counts() == before
    assert _fresh(teacher).first_name == "Tess"


def test_oneroster_agent_cannot_link_another_schools_guardian(
    district, admin_s1, other_parent, roster_files, make_zip, table_counts
):
    other_parent.sourced_id = "gx"  # not in the file: a delta-style reference to the account
    other_parent.save()
    files = _own_school_files(roster_files)
    files["users"][0]["agentSourcedIds"] = "p1,gx"
    before = table_counts()
    with pytest.raises(ImportRejected) as rejected:
        roster_import_oneroster(path=make_zip(files), district=district, by=admin_s1)
    assert [str(e) for e in rejected.value.errors] == [
        "users.csv, row 2, agentSourcedIds: “gx” is a staff account or a guardian at another "
        "school; it cannot be linked here."
    ]
    assert table_counts() == before


def test_oneroster_agent_may_link_a_guardian_of_the_same_school(
    district, admin_s1, parent, roster_files, make_zip
):
    parent.sourced_id = "gx"
    parent.save()
    files = _own_school_files(roster_files)
    files["users"][0]["agentSourcedIds"] = "p1,gx"
    roster_import_oneroster(path=make_zip(files), district=district, by=admin_s1)
    assert GuardianLink.objects.filter(guardian=parent, student__sourced_id="st1").exists()


def test_a_grant_given_after_the_check_is_still_refused_when_writing(
    school_a, school_admin, admin_b, make_template, table_counts
):
    # Pass 1 runs before the write transaction; the write pass checks again under the lock.
    from unittest import mock

    from schoolwell.roster.importing import template

    before = table_counts()
    with (
        mock.patch.object(template, "_emails_beyond", return_value={}),
        pytest.raises(ImportRejected, match=GUARDIAN_REFUSED),
    ):
        import_template(path=make_template(_as_guardian(admin_b)), school=school_a, by=school_admin)
    assert table_counts() == before
    assert _fresh(admin_b).first_name == "Bea"
