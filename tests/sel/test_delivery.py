import datetime as dt

import pytest
from django.urls import reverse

from schoolwell.sel.models import DeliveryStatus, LessonDelivery
from tests.conftest import enroll, make_student


@pytest.fixture
def roster(school_a, class_a, student_a):
    extra = [make_student(school_a, f"A1{n}") for n in range(3)]
    for student in extra:
        enroll(student, class_a)
    return [student_a, *extra]


@pytest.fixture
def planned(class_a, make_lesson, schedule, roster):
    return schedule(class_a, make_lesson("calm", minutes=30), dt.date(2026, 10, 13))


def url(schedule):
    return reverse("sel:delivery", args=[schedule.pk])


def test_the_form_starts_with_everyone_present(client_for, teacher, planned, roster, today):
    response = client_for(teacher).get(url(planned))
    form = response.context["form"]
    assert {s.pk for s in form.initial["present"]} == {s.pk for s in roster}
    html = response.content.decode()
    assert html.count('name="present"') == 4 and html.count("checked") >= 5  # + "All present"
    assert form.initial["minutes"] == 30
    assert form.initial["delivered_on"] == dt.date(2026, 10, 13)


def test_delivered_with_partial_attendance(client_for, teacher, planned, roster, today):
    present = roster[:3]
    response = client_for(teacher).post(
        url(planned),
        {
            "status": "delivered",
            "delivered_on": "2026-10-13",
            "minutes": "25",
            "present": [s.pk for s in present],
            "reflection": "They loved the breathing part.",
        },
    )
    assert response.status_code == 302
    delivery = LessonDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert (delivery.delivered_on, delivery.minutes, delivery.roster_size) == (
        dt.date(2026, 10, 13),
        25,
        4,
    )
    assert set(delivery.students_present.all()) == set(present)
    assert delivery.recorded_by == teacher
    assert delivery.reflection == "They loved the breathing part."


def test_skipped_with_a_reason_then_corrected_to_delivered(
    client_for, teacher, planned, roster, today
):
    client = client_for(teacher)
    client.post(url(planned), {"status": "skipped", "skip_reason": "Assembly"})
    delivery = LessonDelivery.objects.get()
    assert (delivery.status, delivery.skip_reason, delivery.minutes) == (
        "skipped",
        "Assembly",
        None,
    )
    client.post(
        url(planned),
        {
            "status": "delivered",
            "delivered_on": "2026-10-14",
            "minutes": "30",
            "present": [roster[0].pk],
        },
    )
    delivery = LessonDelivery.objects.get()
    assert (delivery.status, delivery.skip_reason) == ("delivered", "")
    assert list(delivery.students_present.all()) == [roster[0]]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "skipped", "skip_reason": "  "}, "Say why the lesson was skipped."),
        (
            {"status": "delivered", "delivered_on": "2026-10-13", "minutes": "30"},
            "Tick the students",
        ),
        ({"status": "delivered", "minutes": "30", "present": "ROSTER"}, "Required when"),
        (
            {
                "status": "delivered",
                "delivered_on": "2026-10-13",
                "minutes": "0",
                "present": "ROSTER",
            },
            "greater than",
        ),
        (
            {
                "status": "delivered",
                "delivered_on": "2026-10-15",
                "minutes": "30",
                "present": "ROSTER",
            },
            "future date",
        ),
        ({"status": "done"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_a_400_and_changes_nothing(
    client_for, teacher, planned, roster, today, data, message
):
    if data.get("present") == "ROSTER":
        data["present"] = [s.pk for s in roster]
    response = client_for(teacher).post(url(planned), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LessonDelivery.objects.exists()


def test_a_student_of_another_class_cannot_be_marked_present(
    client_for, teacher, planned, student_a2, today
):
    response = client_for(teacher).post(
        url(planned),
        {
            "status": "delivered",
            "delivered_on": "2026-10-13",
            "minutes": "30",
            "present": [student_a2.pk],
        },
    )
    assert response.status_code == 400
    assert not LessonDelivery.objects.exists()


@pytest.mark.parametrize("persona", ["school_admin", "district_admin"])
def test_the_schools_administrators_may_log(client_for, request, planned, roster, today, persona):
    response = client_for(request.getfixturevalue(persona)).post(
        url(planned), {"status": "skipped", "skip_reason": "Fire drill"}
    )
    assert response.status_code == 302
    assert LessonDelivery.objects.get().skip_reason == "Fire drill"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("other_teacher", 404),
        ("counsellor", 404),
        ("other_counsellor", 404),
        ("parent", 403),
        ("other_parent", 403),
        ("outsider", 403),
    ],
)
def test_nobody_else_may_log_or_see_the_form(client_for, request, planned, today, persona, status):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(url(planned)).status_code == status
    assert (
        client.post(url(planned), {"status": "skipped", "skip_reason": "x"}).status_code == status
    )
    assert not LessonDelivery.objects.exists()


def test_another_schools_admin_may_not_log(client_for, planned, school_b, today):
    from schoolwell.accounts.roles import Role
    from schoolwell.roster.services import school_staff_add
    from tests.conftest import make_user

    admin_b = make_user("admin_b")
    school_staff_add(school=school_b, user=admin_b, role=Role.SCHOOL_ADMIN)
    assert client_for(admin_b).get(url(planned)).status_code == 404
