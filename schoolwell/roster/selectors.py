"""Reads of roster data, always scoped to the user asking.

`visible_students` (the gate's `students`) decides which students a user may see; every
page, API call, export and dashboard starts from it (or from `visible_classes`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from schoolwell.accounts import gate
from schoolwell.accounts.roles import Role
from schoolwell.roster.models import Class, School, Student


def visible_students(user, *, roles: Iterable[Role] | None = None) -> QuerySet[Student]:
    """Students the user may see, through any of `roles` (default: all of theirs).

    Teachers reach students through active enrollments in classes they teach; counsellors
    and administrators through their schools; guardians through their GuardianLinks.
    A single query with small subqueries: no grant per teacher per student. The rule
    itself lives in the gate (`gate.students`).
    """
    return gate.students(user, roles=Role if roles is None else roles)


def staff_visible_students(user) -> QuerySet[Student]:
    """Students the user may see in a staff capacity (never through being a parent)."""
    return gate.students(user, "student.view_staff")


def guardian_children(user) -> QuerySet[Student]:
    """A guardian's own children (never any other student)."""
    return gate.students(user, "student.guard")


def visible_classes(user) -> QuerySet[Class]:
    """Classes the user teaches, or all classes of schools they counsel or administer."""
    return gate.classes(user, "class.view")


def taught_classes(user) -> QuerySet[Class]:
    return gate.classes(user, "class.teach")


def visible_schools(user) -> QuerySet[School]:
    return gate.schools(user, "school.view")


def administered_schools(user) -> QuerySet[School]:
    return gate.schools(user, "school.administer")


def class_roster(klass: Class) -> QuerySet[Student]:
    """The active students of a class, in roll-call order."""
    return Student.objects.filter(
        enrollments__klass=klass, enrollments__active=True, active=True
    ).order_by("family_name", "given_name", "pk")


def school_staff(school: School) -> dict[str, list]:
    """Counsellors and administrators of a school, over every grant source (the gate's)."""
    return {
        Role.COUNSELLOR.value: list(gate.counsellors_of([school.pk])),
        Role.SCHOOL_ADMIN.value: list(gate.administrators_of([school.pk])),
    }


def who_can_access(student: Student) -> dict[str, list]:
    """Everyone who can open this student's record, by role — so nobody has hidden access
    (the gate's answer, the mirror of `visible_students`)."""
    return gate.who_can_access(student)
