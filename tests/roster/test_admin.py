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


# Grants are made only by the roster services: the admin offers no way around them.


@pytest.fixture
def superuser(db):
    from schoolwell.accounts.models import User

    return User.objects.create_superuser("root", "root@example.org", "pw-for-tests-only")


def test_no_admin_page_offers_object_permission_screens():
    from django.contrib import admin
    from guardian.admin import GuardedModelAdminMixin

    guarded = [m for m, a in admin.site._registry.items() if isinstance(a, GuardedModelAdminMixin)]
    assert guarded == []


@pytest.mark.parametrize("model", ["school", "district"])
def test_the_permissions_url_grants_nothing(client_for, superuser, school_a, model):
    pk = school_a.pk if model == "school" else school_a.district_id
    client = client_for(superuser)
    response = client.get(f"/admin/roster/{model}/{pk}/permissions/", follow=True)
    assert b"user_permissions" not in response.content
    assert b"Object permissions" not in response.content
    response = client.post(
        f"/admin/roster/{model}/{pk}/permissions/",
        {"user": "root", "submit_manage_user": "1"},
    )
    from schoolwell.roster.models import DistrictUserObjectPermission, SchoolUserObjectPermission

    assert not SchoolUserObjectPermission.objects.exists()
    assert not DistrictUserObjectPermission.objects.exists()


def test_user_admin_does_not_edit_groups(client_for, superuser, counsellor):
    response = client_for(superuser).get(
        reverse("admin:accounts_user_change", args=[counsellor.pk])
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "groups" not in form.fields
    assert "user_permissions" not in form.fields


def test_guardian_links_are_shown_not_edited(client_for, staff_admin, student_a, parent):
    response = client_for(staff_admin).get(
        reverse("admin:roster_student_change", args=[student_a.pk])
    )
    html = response.content.decode()
    assert "parent" in html  # the link is listed
    assert 'name="guardian_links-0-guardian"' not in html
    assert 'name="guardian_links-__prefix__-guardian"' not in html
