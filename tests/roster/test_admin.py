"""The roster in the Django admin: administrators edit their own schools only."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_admin(school_admin):
    school_admin.is_staff = True
    school_admin.save()
    return school_admin


def test_school_admin_sees_only_their_students(client_for, staff_admin, student_a, student_b):
    html = client_for(staff_admin).get(reverse("admin:roster_student_changelist")).content.decode()
    assert student_a.family_name in html
    assert student_b.family_name not in html


def test_school_admin_edits_own_student(client_for, staff_admin, student_a):
    client = client_for(staff_admin)
    url = reverse("admin:roster_student_change", args=[student_a.pk])
    assert client.get(url).status_code == 200


def test_other_schools_student_is_not_reachable(client_for, staff_admin, student_b):
    url = reverse("admin:roster_student_change", args=[student_b.pk])
    response = client_for(staff_admin).get(url)
    assert response.status_code == 302  # the admin redirects unknown ids to the index
    assert student_b.family_name not in response.content.decode()


def test_school_admin_cannot_delete_students(client_for, staff_admin, student_a):
    url = reverse("admin:roster_student_delete", args=[student_a.pk])
    assert client_for(staff_admin).get(url).status_code == 403


@pytest.mark.parametrize("persona", ["teacher", "counsellor", "parent", "outsider"])
def test_non_administrators_have_no_roster_admin(request, client_for, persona, student_a):
    user = request.getfixturevalue(persona)
    user.is_staff = True  # even a staff flag grants nothing without an administrator role
    user.save()
    response = client_for(user).get(reverse("admin:roster_student_changelist"))
    assert response.status_code == 403
