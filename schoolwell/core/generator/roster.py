"""The generated district's roster: schools, a term, homeroom classes with their teachers,
students with their guardians, and a counsellor and an administrator for each school."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.db import connection

from schoolwell.accounts.models import User
from schoolwell.accounts.roles import Role
from schoolwell.core.demo_names import FAMILY, GIVEN
from schoolwell.core.generator.copy import copy_rows
from schoolwell.roster.importing.writer import unusable_password
from schoolwell.roster.models import (
    AcademicTerm,
    Class,
    District,
    Enrollment,
    GuardianLink,
    School,
    Student,
)
from schoolwell.roster.services import class_teachers_add_many, school_staff_group

CLASS_SIZE = 25
BATCH = 2000
GRADES = range(6, 13)  # the screeners shipped are validated for adolescents


@dataclass
class GeneratedStudent:
    pk: int
    school_id: int
    grade: int
    class_id: int
    teacher_id: int
    language: str = "en"
    guardian_ids: list[int] = field(default_factory=list)
    # Wellbeing points gained (or lost) over the period: the teacher's and the student's own
    # check-ins follow the same course.
    trend: float = 0.0


@dataclass
class GeneratedRoster:
    district: District
    schools: list[School]
    term: AcademicTerm
    students: list[GeneratedStudent]
    counsellors: dict[int, int]  # school id → counsellor user id
    classes: dict[int, list[int]]  # class id → student ids
    class_teachers: dict[int, int]  # class id → teacher user id
    counts: dict[str, int]
    consented: set[int] = field(default_factory=set)  # students with screening consent
    admins: dict[int, int] = field(default_factory=dict)  # school id → administrator user id


def _batches(items: Iterable, size: int = BATCH) -> Iterator[list]:
    """`items` in lists of `size`: a district's people are built and inserted a batch at a
    time, so memory does not grow with the district."""
    items = iter(items)
    while batch := list(islice(items, size)):
        yield batch


def _users(code: str, kind: str, names: Iterable[tuple[str, str]]) -> list[int]:
    """New users named `names` in turn; returns their ids."""
    pks = []
    for batch in _batches(enumerate(names)):
        users = [
            User(
                username=f"{code}-{kind}-{n}",
                first_name=given,
                last_name=family,
                email=f"{kind}.{n}@{code}.example",
                password=unusable_password(),
            )
            for n, (given, family) in batch
        ]
        User.objects.bulk_create(users)
        if users[0].pk is None:  # a database that returns no ids from a bulk insert
            found = dict(
                User.objects.filter(username__in=[u.username for u in users]).values_list(
                    "username", "pk"
                )
            )
            for user in users:
                user.pk = found[user.username]
        pks.extend(user.pk for user in users)
    return pks


def _name(rng: random.Random) -> tuple[str, str]:
    return rng.choice(GIVEN), rng.choice(FAMILY)


def generate_roster(
    *, code: str, schools: int, students: int, rng: random.Random, today: dt.date
) -> GeneratedRoster:
    district = District.objects.create(code=code, name=f"{code.title()} Unified")
    year = today.year if today.month < 8 else today.year + 1
    term = AcademicTerm.objects.create(
        district=district,
        title=f"{year - 1}-{year}",
        kind=AcademicTerm.Kind.SCHOOL_YEAR,
        start_date=dt.date(year - 1, 8, 20),
        end_date=dt.date(year, 6, 15),
        school_year=year,
    )
    school_rows = School.objects.bulk_create(
        School(district=district, name=f"{code.title()} School {s + 1}", code=f"{code}-{s + 1}")
        for s in range(schools)
    )
    school_rows = list(School.objects.filter(district=district).order_by("code"))
    staff = _users(code, "staff", [_name(rng) for _ in range(2 * schools)])
    counsellors, admins = {}, {}
    for school, counsellor, admin in zip(school_rows, staff[::2], staff[1::2], strict=True):
        school_staff_group(school=school, role=Role.COUNSELLOR).user_set.add(counsellor)
        school_staff_group(school=school, role=Role.SCHOOL_ADMIN).user_set.add(admin)
        counsellors[school.pk] = counsellor
        admins[school.pk] = admin

    # Students of each school, spread over the grades, in homerooms of CLASS_SIZE.
    per_school = [students // schools + (s < students % schools) for s in range(schools)]
    plan = []  # (school, grade, homeroom index)
    for school, count in zip(school_rows, per_school, strict=True):
        for n in range(count):
            grade = GRADES[n % len(GRADES)]
            plan.append((school, grade, n // (CLASS_SIZE * len(GRADES))))
    homerooms = sorted({(s.pk, g, h) for s, g, h in plan})
    teachers = _users(code, "teacher", [_name(rng) for _ in homerooms])
    class_rows = Class.objects.bulk_create(
        Class(
            school_id=school_id,
            term=term,
            title=f"Grade {grade} homeroom {h + 1}",
            class_code=f"G{grade}-{h + 1}",
            grades=f"{grade:02d}",
        )
        for school_id, grade, h in homerooms
    )
    if class_rows and class_rows[0].pk is None:
        class_rows = list(Class.objects.filter(school__district=district).order_by("pk"))
    class_of = {key: klass.pk for key, klass in zip(homerooms, class_rows, strict=True)}
    teacher_of = dict(zip((klass.pk for klass in class_rows), teachers, strict=True))
    class_teachers_add_many(pairs=[(t, c) for c, t in teacher_of.items()])

    generated = []
    for batch in _batches(enumerate(plan)):
        rows = []
        for n, (school, grade, _h) in batch:
            given, family = _name(rng)
            rows.append(
                Student(
                    school=school,
                    local_id=f"{n:07d}",
                    given_name=given,
                    family_name=family,
                    grade=grade,
                    date_of_birth=dt.date(
                        today.year - grade - 6, rng.randint(1, 12), rng.randint(1, 28)
                    ),
                    preferred_language="es" if rng.random() < 0.2 else "en",
                )
            )
        Student.objects.bulk_create(rows)
        if rows[0].pk is None:
            found = dict(
                Student.objects.filter(
                    school__district=district, local_id__in=[r.local_id for r in rows]
                ).values_list("local_id", "pk")
            )
            for row in rows:
                row.pk = found[row.local_id]
        generated.extend(
            GeneratedStudent(
                pk=row.pk,
                school_id=school.pk,
                grade=grade,
                class_id=class_of[(school.pk, grade, h)],
                teacher_id=teacher_of[class_of[(school.pk, grade, h)]],
                language=row.preferred_language,
            )
            for row, (_n, (school, grade, h)) in zip(rows, batch, strict=True)
        )
    enrollments = copy_rows(
        Enrollment,
        ("student_id", "klass_id", "begin_date", "active"),
        ((s.pk, s.class_id, term.start_date, True) for s in generated),
    )
    # Every student has a guardian; every third a second one.
    owners = [s for s in generated for _ in range(1 + (s.pk % 3 == 0))]
    guardians = _users(code, "guardian", (_name(rng) for _ in owners))
    for student, guardian in zip(owners, guardians, strict=True):
        student.guardian_ids.append(guardian)
    links = copy_rows(
        GuardianLink,
        ("guardian_id", "student_id", "relationship", "may_consent"),
        (
            (g, s.pk, GuardianLink.Relationship.PARENT, True)
            for s, g in zip(owners, guardians, strict=True)
        ),
    )
    classes: dict[int, list[int]] = {}
    for s in generated:
        classes.setdefault(s.class_id, []).append(s.pk)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh tables: plan the activity queries on real sizes
    return GeneratedRoster(
        district=district,
        schools=school_rows,
        term=term,
        students=generated,
        counsellors=counsellors,
        admins=admins,
        classes=classes,
        class_teachers=teacher_of,
        counts={
            "schools": len(school_rows),
            "teachers": len(teachers),
            "classes": len(class_rows),
            "students": len(generated),
            "enrollments": enrollments,
            "guardians": len(guardians),
            "guardian_links": links,
        },
    )
