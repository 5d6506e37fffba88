import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count

from schoolwell.accounts.roles import Role, access_scope
from schoolwell.core import demo

pytestmark = pytest.mark.django_db

OUR_APPS = {"accounts", "roster", "audit", "screening", "referrals", "consent", "sel", "reports"}


def table_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS
    }


def test_seed_demo_builds_the_district_and_prints_logins():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    for login in demo.DEMO_LOGINS:
        assert login.username in text
    assert demo.DEMO_PASSWORD in text
    from schoolwell.roster.models import GuardianLink, School, Student

    assert School.objects.count() == 2
    assert 550 <= Student.objects.count() <= 650
    assert set(Student.objects.values_list("grade", flat=True)) == set(range(3, 13))
    per_student = GuardianLink.objects.values("student").annotate(n=Count("pk"))
    assert any(row["n"] == 2 for row in per_student)  # some students have two guardians
    assert GuardianLink.objects.filter(may_consent=False).exists()


@pytest.mark.parametrize(
    ("username", "role"),
    [
        ("teacher", Role.TEACHER),
        ("counsellor", Role.COUNSELLOR),
        ("parent", Role.PARENT),
        ("schooladmin", Role.SCHOOL_ADMIN),
        ("districtadmin", Role.DISTRICT_ADMIN),
    ],
)
def test_each_demo_login_has_its_role_and_password(client, username, role):
    call_command("seed_demo", stdout=io.StringIO())
    from schoolwell.accounts.models import User

    user = User.objects.get(username=username)
    assert role in access_scope(user).roles
    assert user.check_password(demo.DEMO_PASSWORD)


def test_seed_demo_is_idempotent():
    call_command("seed_demo", stdout=io.StringIO())
    before = table_counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert table_counts() == before
