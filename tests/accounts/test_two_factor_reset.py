"""Administrators reset a colleague's second factor (lost phone); never their own."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from schoolwell.accounts.models import SecondFactorEvent
from schoolwell.accounts.roles import Role
from schoolwell.audit.models import AppendOnlyError
from schoolwell.roster.services import school_staff_add
from tests.accounts.conftest import code_for, enrol, sign_in
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

STAFF = reverse("accounts:two_factor_staff")


def reset_url(user):
    return reverse("accounts:two_factor_staff_reset", args=[user.pk])


@pytest.fixture
def admin_b(school_b):
    user = make_user("admin_b")
    school_staff_add(school=school_b, user=user, role=Role.SCHOOL_ADMIN)
    return user


@pytest.mark.parametrize("actor", ["school_admin", "district_admin"])
def test_admin_resets_a_counsellor_with_a_record(request, client_for, actor, counsellor):
    enrol(counsellor)
    admin = request.getfixturevalue(actor)
    client = client_for(admin)
    assert "Cora Counsellor" in client.get(STAFF).content.decode()
    response = client.post(reset_url(counsellor), REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=counsellor).exists()
    assert not StaticDevice.objects.filter(user=counsellor).exists()
    event = SecondFactorEvent.objects.get()
    assert (event.user, event.by, event.kind) == (counsellor, admin, SecondFactorEvent.Kind.RESET)
    assert event.ip_address == "198.51.100.7"
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_reset_user_enrols_again_and_loses_verified_sessions(
    client, settings, required, counsellor, school_admin
):
    device = enrol(counsellor)
    sign_in(client, counsellor)
    client.post(reverse("accounts:two_factor_verify"), {"code": code_for(device)})
    assert client.get(reverse("referrals:queue")).status_code == 200
    admin_client = Client()
    admin_client.force_login(school_admin)
    settings.REQUIRE_2FA_FOR_STAFF = False  # (the administrator's own second step aside)
    assert admin_client.post(reset_url(counsellor)).status_code == 302
    settings.REQUIRE_2FA_FOR_STAFF = True
    # The counsellor's open session no longer counts as verified: sent to enrol anew.
    response = client.get(reverse("referrals:queue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_enrol"))


def test_other_schools_admin_is_refused(client_for, admin_b, counsellor):
    enrol(counsellor)
    client = client_for(admin_b)
    assert "Cora Counsellor" not in client.get(STAFF).content.decode()
    assert client.post(reset_url(counsellor)).status_code == 404
    assert TOTPDevice.objects.filter(user=counsellor).exists()
    assert not SecondFactorEvent.objects.exists()


def test_nobody_resets_their_own(client, school_admin):
    device = enrol(school_admin)
    sign_in(client, school_admin)
    client.post(reverse("accounts:two_factor_verify"), {"code": code_for(device)})
    assert client.get(STAFF).status_code == 200
    assert client.post(reset_url(school_admin)).status_code == 404
    assert TOTPDevice.objects.filter(user=school_admin).exists()


def test_school_admin_cannot_reset_a_district_admin(client_for, school_admin, district_admin):
    enrol(district_admin)
    assert client_for(school_admin).post(reset_url(district_admin)).status_code == 404
    assert TOTPDevice.objects.filter(user=district_admin).exists()


def test_staff_working_beyond_the_admins_schools_need_the_district(
    client_for, school_admin, district_admin, counsellor, school_b
):
    school_staff_add(school=school_b, user=counsellor, role=Role.COUNSELLOR)
    enrol(counsellor)
    response = client_for(school_admin).post(reset_url(counsellor), follow=True)
    assert "ask a district administrator" in response.content.decode()
    assert TOTPDevice.objects.filter(user=counsellor).exists()
    client_for(district_admin).post(reset_url(counsellor))
    assert not TOTPDevice.objects.filter(user=counsellor).exists()


def test_enrolled_teacher_can_be_reset_by_their_school_admin(client_for, school_admin, teacher):
    enrol(teacher)
    client_for(school_admin).post(reset_url(teacher))
    assert not TOTPDevice.objects.filter(user=teacher).exists()


@pytest.mark.parametrize("persona", ["teacher", "counsellor", "parent", "outsider"])
def test_non_administrators_get_404(request, client_for, persona, other_counsellor):
    enrol(other_counsellor)
    client = client_for(request.getfixturevalue(persona))
    assert client.get(STAFF).status_code == 404
    assert client.post(reset_url(other_counsellor)).status_code == 404
    assert TOTPDevice.objects.filter(user=other_counsellor).exists()


@pytest.mark.parametrize("size", [2, 8])
def test_staff_list_query_count_is_constant(
    client_for, django_assert_max_num_queries, school_admin, school_a, size
):
    for i in range(size):
        user = make_user(f"c{i}")
        school_staff_add(school=school_a, user=user, role=Role.COUNSELLOR)
        enrol(user)
    client = client_for(school_admin)
    with django_assert_max_num_queries(14):
        html = client.get(STAFF).content.decode()
    assert html.count("Reset<span") == size


def test_the_database_refuses_to_rewrite_a_record(counsellor, school_admin):
    event = SecondFactorEvent.objects.create(
        user=counsellor, kind=SecondFactorEvent.Kind.RESET, by=school_admin
    )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_secondfactorevent SET by_id = NULL WHERE id = %s", [event.pk]
        )
    assert SecondFactorEvent.objects.get(pk=event.pk).by == school_admin


@pytest.mark.postgres
def test_postgres_refuses_to_delete_a_record(counsellor, school_admin):
    event = SecondFactorEvent.objects.create(
        user=counsellor, kind=SecondFactorEvent.Kind.RESET, by=school_admin
    )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_secondfactorevent WHERE id = %s", [event.pk])
    assert SecondFactorEvent.objects.filter(pk=event.pk).exists()
