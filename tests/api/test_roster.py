"""Students and classes: the same scoping as the pages (moved from tests/roster)."""

import pytest
from django.test import Client

from schoolwell.audit.models import AccessLog

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("teacher", {"A1"}),
        ("counsellor", {"A1", "A2"}),
        ("other_counsellor", {"B1"}),
        ("district_admin", {"A1", "A2", "B1"}),
    ],
)
def test_student_list_is_scoped(
    request, client_for, student_a, student_a2, student_b, student_x, persona, expected
):
    response = client_for(request.getfixturevalue(persona)).get("/api/v1/students/")
    assert response.status_code == 200
    assert {row["local_id"] for row in response.json()["results"]} == expected


@pytest.mark.parametrize("persona", ["parent", "outsider"])
def test_non_staff_are_refused(request, client_for, student_a, persona):
    response = client_for(request.getfixturevalue(persona)).get("/api/v1/students/")
    assert response.status_code == 403


def test_detail_outside_scope_is_404_and_not_logged(client_for, teacher, student_a2):
    response = client_for(teacher).get(f"/api/v1/students/{student_a2.pk}/")
    assert response.status_code == 404
    assert not AccessLog.objects.exists()


def test_detail_is_audit_logged(client_for, teacher, student_a):
    response = client_for(teacher).get(f"/api/v1/students/{student_a.pk}/")
    assert response.status_code == 200 and response.json()["local_id"] == "A1"
    assert AccessLog.objects.get().what == "student (API)"


def test_anonymous_gets_401_or_403(client, student_a):
    assert client.get("/api/v1/students/").status_code in {401, 403}


def test_list_query_count_is_constant(
    client_for, counsellor, school_a, class_a, django_assert_max_num_queries
):
    from tests.conftest import enroll, make_student

    client = client_for(counsellor)
    for i in range(3):
        enroll(make_student(school_a, f"f{i}"), class_a)
    with django_assert_max_num_queries(12) as few:
        client.get("/api/v1/students/")
    for i in range(40):
        enroll(make_student(school_a, f"m{i}"), class_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/api/v1/students/")


def test_a_deeply_nested_body_is_a_400_not_a_500(teacher, student_a):
    # With CSRF enforced, as for a browser: the check reads the body, which was parsed
    # without a depth limit (RecursionError, a 500) for any signed-in user.
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)
    client.get("/")  # sets the CSRF cookie
    response = client.post(
        "/api/v1/students/",
        b"[" * 1100,
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["error"]["message"]


@pytest.mark.parametrize("value", ["99999999999999999999", "-1", "1e3", "abc", "0"])
def test_a_bad_class_parameter_is_a_400(client_for, teacher, student_a, value):
    response = client_for(teacher).get("/api/v1/students/", {"class": value})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and list(error["fields"]) == ["class"]


def test_the_class_parameter_filters(client_for, counsellor, student_a, student_a2, class_a):
    response = client_for(counsellor).get("/api/v1/students/", {"class": str(class_a.pk)})
    assert response.status_code == 200
    assert {row["local_id"] for row in response.json()["results"]} == {"A1"}
