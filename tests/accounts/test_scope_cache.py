"""The access scope is computed once per grants change, not per request: it is cached under
the user's grants version, which every grant service bumps in the grant's own transaction."""

import pytest
from django.urls import reverse

from schoolwell.accounts import gate
from schoolwell.accounts.models import User
from schoolwell.accounts.roles import Role, access_scope
from schoolwell.roster.services import (
    class_set_teachers,
    class_teachers_add_many,
    class_teachers_remove_many,
    district_admin_add,
    guardian_link_set,
    guardian_links_remove_many,
    school_staff_add,
    school_staff_remove,
)
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def fresh(user) -> User:
    """The user as the next request loads it (a new object: nothing kept from before)."""
    return User.objects.get(pk=user.pk)


def test_the_scope_is_computed_once_across_requests(counsellor, django_assert_num_queries):
    access_scope(fresh(counsellor))
    again = fresh(counsellor)
    with django_assert_num_queries(0):
        assert access_scope(again).has(Role.COUNSELLOR)


def test_a_page_after_the_first_reads_no_grant_tables(client_for, counsellor, student_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(counsellor)
    url = reverse("roster:student_list")
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert not [q for q in queries.captured_queries if "objectpermission" in q["sql"]]


def test_a_grant_is_seen_at_the_next_request(school_a, school_b, counsellor, student_b):
    assert not gate.may(fresh(counsellor), "school.view", student_b)  # cached now
    school_staff_add(school=school_b, user=fresh(counsellor), role=Role.COUNSELLOR)
    assert gate.may(fresh(counsellor), "school.view", student_b)
    school_staff_remove(school=school_b, user=fresh(counsellor), role=Role.COUNSELLOR)
    assert not gate.may(fresh(counsellor), "school.view", student_b)


def test_a_withdrawn_class_is_seen_at_the_next_page(client_for, teacher, class_a, student_a):
    client = client_for(teacher)
    url = reverse("roster:student_detail", args=[student_a.pk])
    assert client.get(url).status_code == 200
    class_set_teachers(klass=class_a, teachers=[])  # the removed teacher's version moves too
    assert client.get(url).status_code == 404


def bump_cases():
    def staff_add(u, ctx):
        school_staff_add(school=ctx["school_a"], user=u, role=Role.COUNSELLOR)

    def staff_remove(u, ctx):
        school_staff_remove(school=ctx["school_a"], user=u, role=Role.COUNSELLOR)

    def district(u, ctx):
        district_admin_add(district=ctx["district"], user=u)

    def teach(u, ctx):
        class_set_teachers(klass=ctx["class_a"], teachers=[u])

    def teach_many(u, ctx):
        class_teachers_add_many(pairs=[(u.pk, ctx["class_a"].pk)])

    def untach_many(u, ctx):
        class_teachers_add_many(pairs=[(u.pk, ctx["class_a"].pk)])
        class_teachers_remove_many(class_ids=[ctx["class_a"].pk])

    def link(u, ctx):
        guardian_link_set(guardian=u, student=ctx["student_a"])

    def unlink(u, ctx):
        guardian_link_set(guardian=u, student=ctx["student_a"])
        guardian_links_remove_many(guardian_ids=[u.pk], district=ctx["district"])

    return [staff_add, staff_remove, district, teach, teach_many, untach_many, link, unlink]


@pytest.mark.parametrize("grant", bump_cases(), ids=lambda f: f.__name__)
def test_every_grant_service_bumps_the_version(grant, district, school_a, class_a, student_a):
    user = make_user("someone")
    before = fresh(user).grants_version
    grant(
        user,
        {"district": district, "school_a": school_a, "class_a": class_a, "student_a": student_a},
    )
    assert fresh(user).grants_version > before


def test_the_in_memory_scope_of_the_granted_object_is_dropped(school_a, student_a):
    user = make_user("someone")
    assert not gate.may(user, "school.view", student_a)
    school_staff_add(school=school_a, user=user, role=Role.SCHOOL_ADMIN)
    assert gate.may(user, "school.view", student_a)
