"""School administrators manage their school's counsellors and administrators."""

import pytest
from django.core import mail
from django.urls import reverse

from schoolwell.accounts.models import User
from schoolwell.accounts.roles import Role, access_scope
from schoolwell.roster.selectors import visible_students

pytestmark = pytest.mark.django_db


def staff_url(school):
    return reverse("roster:school_staff", args=[school.pk])


def test_admin_adds_a_new_counsellor_who_is_invited_by_email(
    client_for, school_admin, school_a, student_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(school_admin).post(
            staff_url(school_a),
            {"email": "New.Person@School.org", "first_name": "Nia", "role": "counsellor"},
        )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@school.org")
    assert not user.has_usable_password()  # they choose it through the emailed link
    assert Role.COUNSELLOR in access_scope(user).roles
    assert visible_students(user).filter(pk=student_a.pk).exists()
    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body


def test_admin_adds_an_existing_account_without_a_second_account(
    client_for, school_admin, school_a, teacher
):
    client_for(school_admin).post(
        staff_url(school_a), {"email": teacher.email, "role": "school_admin"}
    )
    assert User.objects.filter(email=teacher.email).count() == 1
    assert school_a.pk in access_scope(User.objects.get(pk=teacher.pk)).admin_school_ids


def test_admin_removes_a_counsellor(client_for, school_admin, school_a, counsellor, student_a):
    response = client_for(school_admin).post(
        reverse("roster:school_staff_remove", args=[school_a.pk]),
        {"user": counsellor.pk, "role": "counsellor"},
    )
    assert response.status_code == 302
    counsellor = User.objects.get(pk=counsellor.pk)
    assert not visible_students(counsellor).filter(pk=student_a.pk).exists()


def test_bad_input_is_a_clear_400_and_changes_nothing(client_for, school_admin, school_a):
    before = User.objects.count()
    response = client_for(school_admin).post(staff_url(school_a), {"email": "nope", "role": "x"})
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert User.objects.count() == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "a" * 300 + "@school.org"}, "email"),  # 312 characters: accepted on main
        ({"email": "b" * 140 + "@school.org"}, "email"),  # fits email, not the username
        ({"email": "ok@school.org", "first_name": "x" * 151}, "first_name"),
    ],
)
def test_overlong_fields_are_form_errors(client_for, school_admin, school_a, data, field):
    before = User.objects.count()
    response = client_for(school_admin).post(staff_url(school_a), {"role": "counsellor", **data})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "Ensure this value has at most" in response.content.decode()
    assert User.objects.count() == before


def test_unknown_role_on_remove_is_404(client_for, school_admin, school_a, counsellor):
    response = client_for(school_admin).post(
        reverse("roster:school_staff_remove", args=[school_a.pk]),
        {"user": counsellor.pk, "role": "superuser"},
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("school_admin", 200),
        ("district_admin", 200),
        ("counsellor", 404),
        ("teacher", 404),
        ("parent", 404),
        ("outsider", 404),
    ],
)
def test_staff_page_permissions(request, client_for, school_a, counsellor, persona, status):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(staff_url(school_a)).status_code == status


def test_admin_of_another_school_cannot_add_staff_here(client_for, school_admin, school_b):
    response = client_for(school_admin).post(
        staff_url(school_b), {"email": "x@y.org", "role": "counsellor"}
    )
    assert response.status_code == 404
    assert not User.objects.filter(email="x@y.org").exists()


@pytest.mark.parametrize("user_id", ["abc", "1e5", "", "-1"])
def test_malformed_user_id_on_remove_is_404(client_for, school_admin, school_a, user_id):
    response = client_for(school_admin).post(
        reverse("roster:school_staff_remove", args=[school_a.pk]),
        {"user": user_id, "role": "counsellor"},
    )
    assert response.status_code == 404
