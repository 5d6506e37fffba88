"""The authorization gate: one vocabulary of actions, answered per persona; unknown actions
and unknown permissions grant nothing; out of scope is a 404, in scope but not allowed a 403."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import Http404
from guardian.shortcuts import assign_perm

from schoolwell.accounts import gate
from schoolwell.accounts.models import User
from schoolwell.accounts.roles import Role, access_scope
from schoolwell.roster.selectors import visible_students
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

PERSONAS = [
    "teacher",
    "counsellor",
    "other_counsellor",
    "parent",
    "other_parent",
    "school_admin",
    "district_admin",
    "outsider",
]

# What each persona may do to student_a (of school_a, in class_a taught by `teacher`).
ON_STUDENT_A = {
    "student.view": {"teacher", "counsellor", "parent", "school_admin", "district_admin"},
    "student.view_staff": {"teacher", "counsellor", "school_admin", "district_admin"},
    "student.teach": {"teacher"},
    "student.guard": {"parent"},
    "consent.decide": {"parent"},
    "student.view_sensitive": {"counsellor"},
    "student.view_disclosures": {"parent", "school_admin", "district_admin"},
    "school.view": {"counsellor", "school_admin", "district_admin"},
    "school.administer": {"school_admin", "district_admin"},
    "referral.work": {"counsellor"},
    "consent.record": {"counsellor", "school_admin", "district_admin"},
    "consent.manage": {"school_admin", "district_admin"},
    # The apps that came later: the safety pathway is the school's counsellors' alone.
    "safety.read": {"counsellor"},
    "safety.write": {"counsellor"},
    "safety.settings": {"school_admin", "district_admin"},
    "support.plan.view": {"counsellor", "school_admin", "district_admin"},
    "support.plan.edit": {"counsellor"},
    "alerts.receive": {"counsellor", "school_admin", "district_admin"},
    "alerts.deliveries.view": {"school_admin", "district_admin"},
    "crisis.edit": {"school_admin", "district_admin"},
    "rules.edit": {"school_admin", "district_admin"},
    "two_factor.reset": {"school_admin", "district_admin"},
    # Family rights and the data lifecycle: the school's administrators decide.
    "records.decide": {"school_admin", "district_admin"},
    "records.policy": {"school_admin", "district_admin"},
    "records.erase": {"school_admin", "district_admin"},
    "api.tokens.manage": {"school_admin", "district_admin"},
}


@pytest.mark.parametrize("action", sorted(ON_STUDENT_A))
@pytest.mark.parametrize("persona", PERSONAS)
def test_may_on_a_student(request, persona, action, student_a):
    user = request.getfixturevalue(persona)
    assert gate.may(user, action, student_a) is (persona in ON_STUDENT_A[action])


@pytest.mark.parametrize("persona", PERSONAS)
def test_gate_students_agree_with_may(request, persona, student_a, student_b, student_x):
    user = request.getfixturevalue(persona)
    for action in gate.STUDENT_ACTIONS:
        ids = set(gate.students(user, action).values_list("pk", flat=True))
        for student in (student_a, student_b, student_x):
            assert (student.pk in ids) is gate.may(user, action, student), (action, student)


def test_class_actions(teacher, other_teacher, counsellor, school_admin, class_a, class_b):
    assert gate.may(teacher, "class.teach", class_a)
    assert not gate.may(other_teacher, "class.teach", class_a)
    assert gate.may(counsellor, "class.view", class_a)
    assert not gate.may(counsellor, "class.teach", class_a)
    assert not gate.may(counsellor, "class.view", class_b)
    assert gate.may(school_admin, "class.plan_sel", class_a)
    assert not gate.may(counsellor, "class.plan_sel", class_a)
    class_a.active = False  # a deactivated class is nobody's to act on
    assert not gate.may(teacher, "class.teach", class_a)


def test_district_actions(district_admin, school_admin, district, other_district, school_a):
    assert gate.may(district_admin, "district.administer", district)
    assert gate.may(district_admin, "district.administer", school_a)
    assert not gate.may(district_admin, "district.administer", other_district)
    assert not gate.may(school_admin, "district.administer", district)
    assert not gate.may(school_admin, "district.administer")


def test_without_an_object_may_means_anywhere(teacher, counsellor, parent, outsider):
    assert gate.may(teacher, "class.teach") and not gate.may(counsellor, "class.teach")
    assert gate.may(counsellor, "referral.work") and not gate.may(teacher, "referral.work")
    assert gate.may(parent, "student.guard") and not gate.may(teacher, "student.guard")
    assert not any(gate.may(outsider, action) for action in gate.ACTIONS)


def test_a_scope_can_be_asked_directly(parent, student_a, student_b):
    scope = access_scope(parent)
    assert gate.may(scope, "student.guard", student_a)
    assert not gate.may(scope, "student.guard", student_b)


@pytest.mark.parametrize("action", ["student.delete", "school.administer ", "", "admin", "*"])
def test_unknown_actions_grant_nothing_even_to_a_superuser(action, student_a, school_a):
    root = User.objects.create_superuser("root", "root@example.org", "pw-for-tests-only")
    for obj in (None, student_a, school_a):
        assert gate.may(root, action, obj) is False
    with pytest.raises(PermissionDenied):
        gate.require(root, action, student_a)


def test_require_hides_what_is_out_of_scope_and_refuses_what_is_not_allowed(
    teacher, student_a, student_b
):
    gate.require(teacher, "student.view", student_a)
    with pytest.raises(PermissionDenied):
        gate.require(teacher, "student.view_sensitive", student_a)  # visible, not theirs
    with pytest.raises(Http404):
        gate.require(teacher, "student.view", student_b)  # another class: not disclosed
    with pytest.raises(Http404):
        gate.require(teacher, "referral.work", student_b)


def test_export_run_follows_the_kind_roles(teacher, parent):
    class Kind:
        roles = frozenset({Role.TEACHER})

    assert gate.may(teacher, "export.run", Kind())
    assert not gate.may(parent, "export.run", Kind())
    assert not gate.may(teacher, "export.run", object())  # a kind without roles: nobody


# --- The defect: any School permission used to make its holder an administrator. ---


@pytest.mark.parametrize("codename", ["view_school", "change_school", "delete_school"])
def test_other_school_permissions_grant_nothing(codename, school_a, student_a):
    user = make_user("builtin")
    assign_perm(f"roster.{codename}", user, school_a)
    group = Group.objects.create(name=f"odd-{codename}")
    assign_perm(f"roster.{codename}", group, school_a)
    user.groups.add(group)
    scope = access_scope(User.objects.get(pk=user.pk))
    assert scope.roles == frozenset()
    assert not gate.may(scope, "school.administer", school_a)
    assert not gate.may(scope, "school.view", student_a)
    assert not visible_students(User.objects.get(pk=user.pk)).exists()


def test_other_district_and_class_permissions_grant_nothing(district, class_a, student_a):
    user = make_user("builtin")
    assign_perm("roster.view_district", user, district)
    assign_perm("roster.change_class", user, class_a)
    assert access_scope(user).roles == frozenset()
    assert not visible_students(user).exists()


# --- Who holds the grants: one answer over every grant source. ---


def test_counsellors_of_a_school_come_from_groups_and_direct_grants(school_a, counsellor):
    direct = make_user("direct", last_name="Direct")
    assign_perm("roster.counsel_school", direct, school_a)
    assert set(gate.counsellors_of([school_a.pk])) == {counsellor, direct}
    direct.is_active = False
    direct.save()
    assert set(gate.counsellors_of([school_a.pk])) == {counsellor}


def test_who_can_access_lists_every_grant_source(
    student_a, teacher, counsellor, school_admin, district_admin, parent, district, other_teacher
):
    direct = make_user("direct_admin")
    assign_perm("roster.administer_school", direct, student_a.school)
    by_group = make_user("district_group_admin")
    group = Group.objects.create(name="district-admins")
    assign_perm("roster.administer_district", group, district)
    by_group.groups.add(group)
    # Both reach the student's record, so both are disclosed to the family.
    assert visible_students(by_group).filter(pk=student_a.pk).exists()
    assert visible_students(direct).filter(pk=student_a.pk).exists()
    access = gate.who_can_access(student_a)
    assert access["teachers"] == [teacher]
    assert access["counsellors"] == [counsellor]
    assert set(access["school_admins"]) == {school_admin, direct}
    assert set(access["district_admins"]) == {district_admin, by_group}
    assert access["guardians"] == [parent]


def test_on_call_alerts_reach_directly_granted_counsellors(school_a):
    from schoolwell.referrals.alerts import on_call_counsellors

    direct = make_user("direct")
    assign_perm("roster.counsel_school", direct, school_a)
    assert on_call_counsellors(school_a.pk) == [direct]


@pytest.mark.parametrize("persona", PERSONAS)
def test_school_and_disclosure_querysets_agree_with_may(
    request, persona, school_a, school_b, school_x, student_a, student_b, student_x
):
    user = request.getfixturevalue(persona)
    worked = set(gate.schools(user, "school.work").values_list("pk", flat=True))
    for school in (school_a, school_b, school_x):
        assert (school.pk in worked) is gate.may(user, "school.work", school)
    readers = set(gate.students(user, "student.view_disclosures").values_list("pk", flat=True))
    for student in (student_a, student_b, student_x):
        assert (student.pk in readers) is gate.may(user, "student.view_disclosures", student)


def test_a_teacher_works_at_the_school_of_their_class(teacher, school_a, school_b):
    assert gate.may(teacher, "school.work", school_a)
    assert not gate.may(teacher, "school.work", school_b)
    assert not gate.may(teacher, "school.view", school_a)  # but sees only their classes
