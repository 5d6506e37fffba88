"""Reads of roster data, always scoped to the user asking.

`visible_students` is the one place that decides which students a user may see; every
page, API call, export and dashboard starts from it (or from `visible_classes`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from schoolwell.accounts.roles import STAFF_ROLES, Role, access_scope
from schoolwell.roster.models import Class, Enrollment, GuardianLink, School, Student


def visible_students(user, *, roles: Iterable[Role] | None = None) -> QuerySet[Student]:
    """Students the user may see, through any of `roles` (default: all of theirs).

    Teachers reach students through active enrollments in classes they teach; counsellors
    and administrators through their schools; guardians through their GuardianLinks.
    A single query with small subqueries: no grant per teacher per student.
    """
    scope = access_scope(user)
    wanted = scope.roles if roles is None else scope.roles & frozenset(roles)
    condition = Q(pk__in=[])
    school_ids = set()
    if Role.COUNSELLOR in wanted:
        school_ids |= scope.counsel_school_ids
    if Role.SCHOOL_ADMIN in wanted or Role.DISTRICT_ADMIN in wanted:
        school_ids |= scope.administered_school_ids
    if school_ids:
        condition |= Q(school_id__in=school_ids)
    if Role.TEACHER in wanted:
        condition |= Q(
            pk__in=Enrollment.objects.filter(klass_id__in=scope.class_ids, active=True).values(
                "student_id"
            )
        )
    if Role.PARENT in wanted:
        condition |= Q(pk__in=GuardianLink.objects.filter(guardian=user).values("student_id"))
    return Student.objects.filter(condition)


def staff_visible_students(user) -> QuerySet[Student]:
    """Students the user may see in a staff capacity (never through being a parent)."""
    return visible_students(user, roles=STAFF_ROLES)


def guardian_children(user) -> QuerySet[Student]:
    """A guardian's own children (never any other student)."""
    return visible_students(user, roles=[Role.PARENT])


def visible_classes(user) -> QuerySet[Class]:
    """Classes the user teaches, or all classes of schools they counsel or administer."""
    scope = access_scope(user)
    return Class.objects.filter(
        Q(pk__in=scope.class_ids) | Q(school_id__in=scope.staff_school_ids), active=True
    )


def taught_classes(user) -> QuerySet[Class]:
    return Class.objects.filter(pk__in=access_scope(user).class_ids, active=True)


def visible_schools(user) -> QuerySet[School]:
    scope = access_scope(user)
    return School.objects.filter(pk__in=scope.staff_school_ids)


def administered_schools(user) -> QuerySet[School]:
    return School.objects.filter(pk__in=access_scope(user).administered_school_ids)


def class_roster(klass: Class) -> QuerySet[Student]:
    """The active students of a class, in roll-call order."""
    return Student.objects.filter(
        enrollments__klass=klass, enrollments__active=True, active=True
    ).order_by("family_name", "given_name", "pk")


def school_staff(school: School) -> dict[str, list]:
    """Counsellors and administrators of a school (members of its per-school groups)."""
    from schoolwell.accounts.models import User

    members = (
        User.objects.filter(groups__name__startswith=f"school:{school.code}:")
        .values_list("pk", "groups__name")
        .order_by("last_name", "first_name")
    )
    by_role: dict[str, list[int]] = {Role.COUNSELLOR.value: [], Role.SCHOOL_ADMIN.value: []}
    for user_id, group_name in members:
        role = group_name.rsplit(":", 1)[1]
        if group_name == f"school:{school.code}:{role}" and role in by_role:
            by_role[role].append(user_id)
    users = User.objects.in_bulk([pk for ids in by_role.values() for pk in ids])
    return {role: [users[pk] for pk in ids] for role, ids in by_role.items()}


def who_can_access(student: Student) -> dict[str, list]:
    """Everyone who can open this student's record, by role — so nobody has hidden access.

    Mirrors `visible_students` from the other side: the teachers of the student's active
    classes, the school's counsellors and administrators, the district's administrators,
    and the student's guardians.
    """
    from schoolwell.accounts.models import User

    class_ids = Enrollment.objects.filter(student=student, active=True).values("klass_id")
    teachers = User.objects.filter(
        classuserobjectpermission__content_object_id__in=class_ids,
        classuserobjectpermission__content_object__active=True,
        classuserobjectpermission__permission__codename="teach_class",
    ).distinct()
    district_admins = User.objects.filter(
        Q(
            districtuserobjectpermission__content_object_id=student.school.district_id,
            districtuserobjectpermission__permission__codename="administer_district",
        )
    ).distinct()
    staff = school_staff(student.school)
    return {
        "teachers": list(teachers),
        "counsellors": staff[Role.COUNSELLOR.value],
        "school_admins": staff[Role.SCHOOL_ADMIN.value],
        "district_admins": list(district_admins),
        "guardians": [link.guardian for link in student.guardian_links.select_related("guardian")],
    }
