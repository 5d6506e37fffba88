"""Integration tokens: stored hashed, narrowed to their schools, expiring, revocable,
with a last-used time written at most once a minute; the command and the page."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from schoolwell.api.models import ApiToken
from schoolwell.api.services import api_token_issue, api_token_revoke
from tests.api.conftest import error_of, token_client

pytestmark = pytest.mark.django_db


def _local_ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["local_id"] for row in response.json()["results"]}


def test_only_the_hash_is_stored(counsellor):
    token, key = api_token_issue(user=counsellor, name="SIS")
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {token.key_hash, token.prefix} and key.startswith(token.prefix)
    assert not ApiToken.objects.filter(key_hash=key).exists()


def test_a_token_acts_as_its_user(counsellor, student_a, student_a2, student_b):
    assert _local_ids(token_client(counsellor).get("/api/v1/students/")) == {"A1", "A2"}


def test_a_token_narrowed_to_a_school_sees_only_that_school(
    district_admin, school_a, student_a, student_a2, student_b
):
    everything = token_client(district_admin)
    assert _local_ids(everything.get("/api/v1/students/")) == {"A1", "A2", "B1"}
    narrowed = token_client(district_admin, schools=[school_a])
    assert _local_ids(narrowed.get("/api/v1/students/")) == {"A1", "A2"}
    response = narrowed.get(f"/api/v1/students/{student_b.pk}/")
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"


def test_narrowing_to_a_school_the_user_has_no_grant_at_grants_nothing(
    counsellor, school_b, student_a, student_b
):
    client = token_client(counsellor, schools=[school_b])
    assert client.get("/api/v1/students/").status_code == 403


def test_a_narrowed_teacher_keeps_only_that_schools_classes(teacher, school_b, student_a):
    assert token_client(teacher, schools=[school_b]).get("/api/v1/classes/").status_code == 403


def test_a_revoked_token_is_refused_at_once(counsellor, student_a):
    token, key = api_token_issue(user=counsellor, name="SIS")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/students/").status_code == 200
    api_token_revoke(token=token, by=counsellor)
    response = client.get("/api/v1/students/")
    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"
    assert response["WWW-Authenticate"] == "Token"


def test_an_expired_token_is_refused(counsellor, student_a):
    token, key = api_token_issue(user=counsellor, name="SIS", days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/students/").status_code == 401


def test_a_deactivated_users_token_is_refused(counsellor, student_a):
    client = token_client(counsellor)
    counsellor.is_active = False
    counsellor.save()
    assert client.get("/api/v1/students/").status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Token", "Token a b", "Token nonsense", "Token " + "x" * 5000, "token \u00e9\u00e9"],
)
def test_a_bad_authorization_header_is_a_401(counsellor, header):
    client = APIClient()
    response = client.get("/api/v1/students/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    error_of(response)


def test_last_used_is_written_at_most_once_a_minute(
    counsellor, student_a, django_assert_num_queries
):
    token, key = api_token_issue(user=counsellor, name="SIS")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    client.get("/api/v1/students/")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get("/api/v1/students/")
    token.refresh_from_db()
    assert token.last_used_at == first  # within the minute: not written again
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    client.get("/api/v1/students/")
    token.refresh_from_db()
    assert token.last_used_at > first - dt.timedelta(minutes=1)


def test_the_command_prints_the_key_once(counsellor, school_a, student_a, student_a2):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "api_token", "counsellor", "--days", "7", "--school", "school-a", stdout=out, stderr=err
    )
    key = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert list(token.schools.all()) == [school_a]
    assert (token.expires_at - timezone.now()).days in {6, 7}
    assert key not in err.getvalue()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert _local_ids(client.get("/api/v1/students/")) == {"A1", "A2"}


@pytest.mark.parametrize(
    "args", [["nobody"], ["counsellor", "--school", "no-such"], ["counsellor", "--days", "0"]]
)
def test_the_command_refuses_bad_arguments(counsellor, args):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("api_token", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert not ApiToken.objects.exists()


# --- The administrators' page ---


def test_an_administrator_issues_a_token_and_sees_its_key_once(
    client_for, school_admin, counsellor, school_a
):
    client = client_for(school_admin)
    response = client.post(
        "/api/tokens/",
        {"name": "SIS", "user": counsellor.pk, "schools": [school_a.pk], "days": 30},
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    key = response.context["key"]
    assert token.user == counsellor and token.created_by == school_admin
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in client.get("/api/tokens/").content.decode()


def test_an_administrator_cannot_issue_for_another_school(
    client_for, school_admin, other_counsellor, school_b
):
    response = client_for(school_admin).post(
        "/api/tokens/",
        {"name": "SIS", "user": other_counsellor.pk, "schools": [school_b.pk], "days": 30},
    )
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("persona", ["teacher", "counsellor", "parent", "outsider"])
def test_only_administrators_reach_the_token_page(request, client_for, persona):
    response = client_for(request.getfixturevalue(persona)).get("/api/tokens/")
    assert response.status_code == 403


def test_an_administrator_revokes_a_token(client_for, school_admin, counsellor, school_a):
    token, _key = api_token_issue(user=counsellor, name="SIS", schools=[school_a], by=school_admin)
    response = client_for(school_admin).post(f"/api/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == school_admin


def test_another_schools_administrator_cannot_revoke_it(
    client_for, school_admin, counsellor, school_a, school_b
):
    from schoolwell.accounts.roles import Role
    from schoolwell.roster.services import school_staff_add
    from tests.conftest import make_user

    admin_b = make_user("admin_b")
    school_staff_add(school=school_b, user=admin_b, role=Role.SCHOOL_ADMIN)
    token, _key = api_token_issue(user=counsellor, name="SIS", schools=[school_a], by=school_admin)
    assert client_for(admin_b).post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
