"""The role × object matrix: who may see which student (DESIGN: visible_students)."""

import pytest
from django.urls import reverse

from schoolwell.roster.selectors import guardian_children, staff_visible_students, visible_students
from schoolwell.roster.services import class_set_teachers

pytestmark = pytest.mark.django_db


@pytest.fixture
def everyone(student_a, student_a2, student_b, student_x):
    return {"a": student_a, "a2": student_a2, "b": student_b, "x": student_x}


def visible_keys(user, everyone, selector=visible_students):
    ids = set(selector(user).values_list("pk", flat=True))
    return {key for key, student in everyone.items() if student.pk in ids}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("teacher", {"a"}),  # only the class they teach
        ("other_teacher", {"a2"}),
        ("counsellor", {"a", "a2"}),  # their school, every class
        ("other_counsellor", {"b"}),
        ("school_admin", {"a", "a2"}),
        ("district_admin", {"a", "a2", "b"}),  # every school of the district, not another's
        ("parent", {"a"}),  # their own child only
        ("other_parent", {"b"}),
        ("outsider", set()),
    ],
)
def test_visible_students_per_role(request, everyone, persona, expected):
    user = request.getfixturevalue(persona)
    assert visible_keys(user, everyone) == expected


def test_parent_role_gives_no_staff_view(parent, everyone):
    assert visible_keys(parent, everyone, staff_visible_students) == set()
    assert visible_keys(parent, everyone, guardian_children) == {"a"}


def test_teacher_who_is_also_a_parent_sees_child_only_as_parent(teacher, student_b, everyone):
    from schoolwell.roster.services import guardian_link_set

    guardian_link_set(guardian=teacher, student=student_b)
    assert visible_keys(teacher, everyone, staff_visible_students) == {"a"}
    assert visible_keys(teacher, everyone, guardian_children) == {"b"}


def test_ended_enrollment_removes_teacher_access(teacher, student_a, everyone):
    student_a.enrollments.update(active=False)
    assert visible_keys(teacher, everyone) == set()


def test_removing_teacher_from_class_removes_access(teacher, class_a, everyone):
    class_set_teachers(klass=class_a, teachers=[])
    teacher.refresh_from_db()
    assert visible_keys(teacher, everyone) == set()


def test_visible_students_is_one_query(teacher, everyone, django_assert_num_queries):
    visible_students(teacher)  # computes and caches the scope
    with django_assert_num_queries(1):
        list(visible_students(teacher))


STAFF_PAGE_EXPECTATIONS = [
    ("teacher", {"a": 200, "a2": 404, "b": 404, "x": 404}),
    ("counsellor", {"a": 200, "a2": 200, "b": 404, "x": 404}),
    ("other_counsellor", {"a": 404, "a2": 404, "b": 200, "x": 404}),
    ("school_admin", {"a": 200, "a2": 200, "b": 404, "x": 404}),
    ("district_admin", {"a": 200, "a2": 200, "b": 200, "x": 404}),
    ("parent", {"a": 404, "a2": 404, "b": 404, "x": 404}),  # parents use their own portal
    ("outsider", {"a": 404, "a2": 404, "b": 404, "x": 404}),
]


@pytest.mark.parametrize(("persona", "expected"), STAFF_PAGE_EXPECTATIONS)
def test_student_page_matrix(request, client_for, everyone, persona, expected):
    client = client_for(request.getfixturevalue(persona))
    for key, status in expected.items():
        response = client.get(reverse("roster:student_detail", args=[everyone[key].pk]))
        assert response.status_code == status, (persona, key)
        if status == 404:
            assert everyone[key].family_name not in response.content.decode()


def test_unknown_student_id_is_404(client_for, counsellor):
    assert (
        client_for(counsellor).get(reverse("roster:student_detail", args=[99999])).status_code
        == 404
    )


def test_anonymous_is_sent_to_login(client, student_a):
    response = client.get(reverse("roster:student_detail", args=[student_a.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("teacher", {"a"}), ("counsellor", {"a", "a2"}), ("parent", set()), ("outsider", set())],
)
def test_student_list_is_scoped(request, client_for, everyone, persona, expected):
    page = client_for(request.getfixturevalue(persona)).get(reverse("roster:student_list"))
    assert page.status_code == 200
    html = page.content.decode()
    shown = {key for key, s in everyone.items() if f"/roster/students/{s.pk}/" in html}
    assert shown == expected


def test_student_list_filters_by_grade(client_for, counsellor, student_a, student_a2):
    student_a2.grade = 8
    student_a2.save()
    html = client_for(counsellor).get(reverse("roster:student_list"), {"grade": "8"}).content
    assert f"/roster/students/{student_a2.pk}/".encode() in html
    assert f"/roster/students/{student_a.pk}/".encode() not in html


@pytest.mark.parametrize("grade", ["99999999999999999999", "14", "-2", "seventh"])
def test_a_bad_grade_filter_is_a_400(client_for, counsellor, student_a, grade):
    # 99999999999999999999 was a 500 (OverflowError on SQLite).
    response = client_for(counsellor).get(reverse("roster:student_list"), {"grade": grade})
    assert response.status_code == 400
    assert "“grade” must be a whole number from -1 to 13" in response.content.decode()


def test_student_list_query_count_is_constant(
    client_for, counsellor, school_a, class_a, django_assert_max_num_queries
):
    from tests.conftest import enroll, make_student

    client = client_for(counsellor)
    for i in range(5):
        enroll(make_student(school_a, f"few{i}"), class_a)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("roster:student_list"))
    for i in range(45):
        enroll(make_student(school_a, f"many{i}"), class_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("roster:student_list"))


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("teacher", 200),
        ("other_teacher", 404),
        ("counsellor", 200),
        ("other_counsellor", 404),
        ("parent", 404),
        ("outsider", 404),
    ],
)
def test_class_page_matrix(request, client_for, class_a, student_a, persona, status):
    response = client_for(request.getfixturevalue(persona)).get(
        reverse("roster:class_detail", args=[class_a.pk])
    )
    assert response.status_code == status


def test_who_can_access_mirrors_visible_students(
    teacher,
    other_teacher,
    counsellor,
    other_counsellor,
    school_admin,
    district_admin,
    parent,
    other_parent,
    outsider,
    student_a,
):
    from schoolwell.roster.selectors import who_can_access

    access = who_can_access(student_a)
    listed = {user for users in access.values() for user in users}
    assert listed == {teacher, counsellor, school_admin, district_admin, parent}
    # And each listed person really can see the student; those not listed cannot.
    for user in [teacher, counsellor, school_admin, district_admin, parent]:
        assert visible_students(user).filter(pk=student_a.pk).exists()
    for user in [other_teacher, other_counsellor, other_parent, outsider]:
        assert not visible_students(user).filter(pk=student_a.pk).exists()


def test_search_ignores_nul_characters(client_for, counsellor, student_a):
    # PostgreSQL refuses NUL in a query: a pasted or tampered search was a 500.
    page = client_for(counsellor).get(reverse("roster:student_list"), {"q": "Family\x00A1"})
    assert page.status_code == 200
    assert f"/roster/students/{student_a.pk}/" in page.content.decode()
