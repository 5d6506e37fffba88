"""Data for the production-stack smoke test: one school, a teacher, an on-call counsellor,
one student, the default rules. Run under the production settings against the smoke test's
own PostgreSQL database; prints the ids the test needs as JSON."""

import datetime as dt
import json
import os

import django

django.setup()

from django.utils import timezone  # noqa: E402

from schoolwell.accounts.models import User  # noqa: E402
from schoolwell.accounts.roles import Role  # noqa: E402
from schoolwell.referrals.demo import rules_install_defaults  # noqa: E402
from schoolwell.referrals.models import OnCall  # noqa: E402
from schoolwell.roster.models import (  # noqa: E402
    AcademicTerm,
    Class,
    District,
    Enrollment,
    School,
    Student,
)
from schoolwell.roster.services import class_set_teachers, school_staff_add  # noqa: E402

password = os.environ["SMOKE_PASSWORD"]
district = District.objects.create(name="Smoke District", code="smoke")
school = School.objects.create(district=district, name="Smoke High", code="smoke-high")
today = timezone.localdate()
term = AcademicTerm.objects.create(
    district=district,
    title="Smoke year",
    kind=AcademicTerm.Kind.SCHOOL_YEAR,
    start_date=today - dt.timedelta(days=60),
    end_date=today + dt.timedelta(days=200),
    school_year=today.year + 1,
)
klass = Class.objects.create(school=school, term=term, title="Advisory 9", grades="09")
teacher = User.objects.create_user("smoke-teacher", "teacher@smoke.example", password)
counsellor = User.objects.create_user("smoke-counsellor", "oncall@smoke.example", password)
class_set_teachers(klass=klass, teachers=[teacher])
school_staff_add(school=school, user=counsellor, role=Role.COUNSELLOR)
OnCall.objects.create(school=school, counsellor=counsellor)
rules_install_defaults(school=school)
student = Student.objects.create(
    school=school,
    local_id="S1",
    given_name="Sam",
    family_name="Smoke",
    grade=9,
    date_of_birth=dt.date(2011, 3, 1),
)
Enrollment.objects.create(student=student, klass=klass)
print(json.dumps({"class": klass.pk, "student": student.pk}))
