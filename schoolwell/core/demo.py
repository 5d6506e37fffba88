"""The demo district: built deterministically so every run shows the same people.

Each app adds its own data through `registry.demo_steps`; every step is idempotent (it
checks for its own data first), so re-running `seed_demo` changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from schoolwell.accounts.models import User
from schoolwell.accounts.roles import Role
from schoolwell.core.demo_names import ADULT_GIVEN, FAMILY, GIVEN
from schoolwell.roster.models import (
    AcademicTerm,
    Class,
    District,
    Enrollment,
    GuardianLink,
    School,
    Student,
)
from schoolwell.roster.services import class_set_teachers, district_admin_add, school_staff_add

DEMO_PASSWORD = "schoolwell-demo"
DISTRICT_CODE = "riverside"
SEED = 2026


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    what: str


DEMO_LOGINS = [
    DemoLogin("teacher", "teacher", "teaches Advisory 7-A and Health 9 at Riverside Secondary"),
    DemoLogin("counsellor", "counsellor", "counsellor at Riverside Secondary (on call)"),
    DemoLogin("parent", "parent", "guardian of two children, one at each school"),
    DemoLogin("schooladmin", "school administrator", "administers Riverside Secondary"),
    DemoLogin("districtadmin", "district administrator", "administers the whole district"),
]


def school_year_bounds(today: dt.date) -> tuple[dt.date, dt.date, int]:
    start_year = today.year if today.month >= 8 else today.year - 1
    return dt.date(start_year, 8, 20), dt.date(start_year + 1, 6, 15), start_year + 1


def _user(username, first, last, *, password_hash, language="en", email=None):
    user, _ = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": email or f"{username}@riverside.example",
            "password": password_hash,
            "preferred_language": language,
        },
    )
    return user


@transaction.atomic
def build_roster(stdout=None) -> District:
    """District, 2 schools, ~600 students in grades 3–12, classes, staff and families."""
    existing = District.objects.filter(code=DISTRICT_CODE).first()
    if existing:
        return existing
    rng = random.Random(SEED)
    demo_hash = make_password(DEMO_PASSWORD)
    district = District.objects.create(name="Riverside Unified School District", code=DISTRICT_CODE)
    elementary = School.objects.create(
        district=district, name="Riverside Elementary", code="riverside-elementary"
    )
    secondary = School.objects.create(
        district=district, name="Riverside Secondary", code="riverside-secondary"
    )
    start, end, year = school_year_bounds(timezone.localdate())
    term = AcademicTerm.objects.create(
        district=district,
        title=f"{year - 1}–{year}",
        kind=AcademicTerm.Kind.SCHOOL_YEAR,
        start_date=start,
        end_date=end,
        school_year=year,
    )

    # Staff: the five demo logins, plus one teacher per other class and a second counsellor.
    teacher = _user("teacher", "Tara", "Lindqvist", password_hash=demo_hash)
    counsellor = _user("counsellor", "Carlos", "Mendoza", password_hash=demo_hash, language="es")
    school_admin = _user("schooladmin", "Sandra", "Okoye", password_hash=demo_hash)
    district_admin = _user("districtadmin", "Daniel", "Reyes", password_hash=demo_hash)
    parent = _user("parent", "Maria", "Garcia", password_hash=demo_hash, language="es")
    elem_counsellor = _user("counsellor.elem", "Grace", "Ito", password_hash="!")
    elem_admin = _user("admin.elem", "Helen", "Brooks", password_hash="!")
    # Administrators edit the roster of their schools in the Django admin too.
    User.objects.filter(pk__in=[school_admin.pk, district_admin.pk]).update(is_staff=True)
    school_staff_add(school=secondary, user=counsellor, role=Role.COUNSELLOR)
    school_staff_add(school=elementary, user=elem_counsellor, role=Role.COUNSELLOR)
    school_staff_add(school=secondary, user=school_admin, role=Role.SCHOOL_ADMIN)
    school_staff_add(school=elementary, user=elem_admin, role=Role.SCHOOL_ADMIN)
    district_admin_add(district=district, user=district_admin)

    # Students: 60 per grade, 3 homerooms/advisories of 20 per grade.
    students_by_class: dict[Class, list[Student]] = {}
    students = []
    serial = 1000
    for grade in range(3, 13):
        school = elementary if grade <= 5 else secondary
        label = "Homeroom" if grade <= 5 else "Advisory"
        for section in "ABC":
            klass = Class.objects.create(
                school=school,
                term=term,
                title=f"{label} {grade}-{section}",
                class_code=f"{label[:3].upper()}{grade}{section}",
                grades=f"{grade:02d}",
            )
            members = []
            for _ in range(20):
                serial += 1
                birth_year = year - 6 - grade
                student = Student(
                    school=school,
                    local_id=f"S{serial}",
                    given_name=rng.choice(GIVEN),
                    family_name=rng.choice(FAMILY),
                    grade=grade,
                    date_of_birth=dt.date(birth_year, rng.randint(1, 12), rng.randint(1, 28)),
                    preferred_language="es" if rng.random() < 0.25 else "en",
                )
                members.append(student)
            students_by_class[klass] = members
            students.extend(members)
    Student.objects.bulk_create(students)
    Enrollment.objects.bulk_create(
        Enrollment(student=s, klass=k) for k, members in students_by_class.items() for s in members
    )

    # Teachers: the demo teacher has Advisory 7-A and a Health 9 class (two 9th-grade advisories).
    classes = list(students_by_class)
    for index, klass in enumerate(classes):
        if klass.title == "Advisory 7-A":
            class_set_teachers(klass=klass, teachers=[teacher])
            continue
        t = _user(
            f"teacher{index + 1:02d}",
            rng.choice(ADULT_GIVEN),
            rng.choice(FAMILY),
            password_hash="!",
        )
        class_set_teachers(klass=klass, teachers=[t])
    health = Class.objects.create(
        school=secondary, term=term, title="Health 9", class_code="HLT9", grades="09"
    )
    class_set_teachers(klass=health, teachers=[teacher])
    ninth = [s for s in students if s.grade == 9][:28]
    Enrollment.objects.bulk_create(Enrollment(student=s, klass=health) for s in ninth)

    # Families: one or two guardians per student; a quarter prefer Spanish.
    guardians = []
    links = []
    for index, student in enumerate(students):
        count = 2 if index % 3 == 0 else 1
        for g in range(count):
            user = User(
                username=f"guardian{index:04d}-{g + 1}",
                first_name=rng.choice(ADULT_GIVEN),
                last_name=student.family_name,
                email=f"guardian{index:04d}-{g + 1}@families.example",
                password="!",
                preferred_language=student.preferred_language,
            )
            guardians.append(user)
            relationship = [GuardianLink.Relationship.MOTHER, GuardianLink.Relationship.FATHER][g]
            # Some second guardians hold no consent rights (e.g. a step-parent).
            links.append((user, student, relationship, not (g == 1 and index % 9 == 0)))
    User.objects.bulk_create(guardians)
    GuardianLink.objects.bulk_create(
        GuardianLink(guardian=u, student=s, relationship=r, may_consent=m) for u, s, r, m in links
    )
    # The demo parent: a child in the demo teacher's advisory and a younger one at the elementary.
    older = students_by_class[next(k for k in classes if k.title == "Advisory 7-A")][0]
    younger = students_by_class[classes[3]][0]
    for child in (older, younger):
        child.family_name = "Garcia"
        child.preferred_language = "es"
        child.save(update_fields=["family_name", "preferred_language"])
        GuardianLink.objects.create(
            guardian=parent, student=child, relationship=GuardianLink.Relationship.MOTHER
        )
    return district
