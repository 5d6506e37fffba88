"""`seed_demo` builds the whole demo district, prints a login per role, and is idempotent.

One test runs the (slow, ~10 s) command twice and checks everything, rather than several
tests each seeding their own database.
"""

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count

from schoolwell.accounts.models import User
from schoolwell.accounts.roles import Role, access_scope
from schoolwell.core import demo
from schoolwell.roster.models import GuardianLink, School, Student

pytestmark = pytest.mark.django_db

OUR_APPS = {
    "accounts",
    "roster",
    "audit",
    "screening",
    "referrals",
    "alerts",
    "consent",
    "sel",
    "reports",
    "support",
    "lifecycle",
    "voice",
    "community",
    "api",
}
LOGIN_ROLES = {
    "teacher": Role.TEACHER,
    "counsellor": Role.COUNSELLOR,
    "parent": Role.PARENT,
    "schooladmin": Role.SCHOOL_ADMIN,
    "districtadmin": Role.DISTRICT_ADMIN,
}


def table_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS
    }


def test_seed_demo_builds_everything_once_and_prints_logins():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    assert demo.DEMO_PASSWORD in text
    assert "Two-step sign-in is off" in text  # the logins above need the password only
    for username, role in LOGIN_ROLES.items():
        assert username in text
        user = User.objects.get(username=username)
        assert role in access_scope(user).roles, username
        assert user.check_password(demo.DEMO_PASSWORD)

    assert School.objects.count() == 2
    assert 550 <= Student.objects.count() <= 650
    assert set(Student.objects.values_list("grade", flat=True)) == set(range(3, 13))
    per_student = GuardianLink.objects.values("student").annotate(n=Count("pk"))
    assert any(row["n"] == 2 for row in per_student)  # some students have two guardians
    assert GuardianLink.objects.filter(may_consent=False).exists()

    before = table_counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert table_counts() == before  # re-running changes nothing
