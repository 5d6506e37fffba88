import datetime as dt

import pytest
from django.urls import reverse

from schoolwell.sel.models import DeliveryStatus
from tests.sel.conftest import log

WEEK = reverse("sel:week")
MONDAY = dt.date(2026, 10, 12)  # the week of TODAY (Wednesday 14 October)


def statuses(response):
    return {
        (day.date, item.schedule.lesson.slug): item.status.value
        for day in response.context["plan"].days
        for item in day.lessons
    }


def test_the_week_shows_each_days_lessons_with_their_status(
    client_for, teacher, class_a, class_a2, make_lesson, schedule, today
):
    lessons = [make_lesson(slug) for slug in ("mon", "tue", "wed", "thu", "fri", "other-class")]
    delivered = schedule(class_a, lessons[0], MONDAY)
    log(delivered)
    skipped = schedule(class_a, lessons[1], MONDAY + dt.timedelta(days=1))
    log(skipped, status=DeliveryStatus.SKIPPED, reason="Assembly")
    schedule(class_a, lessons[2], MONDAY + dt.timedelta(days=2))  # today: planned
    schedule(class_a, lessons[3], MONDAY + dt.timedelta(days=3))
    schedule(class_a2, lessons[5], MONDAY + dt.timedelta(days=3))  # not this teacher's class
    schedule(class_a, lessons[4], MONDAY - dt.timedelta(days=3))  # last Friday, not logged

    response = client_for(teacher).get(WEEK, {"start": "2026-10-14"})
    assert response.context["plan"].start == MONDAY
    assert statuses(response) == {
        (MONDAY, "mon"): "delivered",
        (MONDAY + dt.timedelta(days=1), "tue"): "skipped",
        (MONDAY + dt.timedelta(days=2), "wed"): "planned",
        (MONDAY + dt.timedelta(days=3), "thu"): "planned",
    }
    previous = client_for(teacher).get(WEEK, {"start": "2026-10-05"})
    assert statuses(previous) == {(MONDAY - dt.timedelta(days=3), "fri"): "overdue"}
    html = response.content.decode()
    assert "?start=2026-10-05" in html and "?start=2026-10-19" in html


def test_without_a_start_the_week_is_the_current_one(client_for, teacher, today):
    response = client_for(teacher).get(WEEK)
    assert response.context["plan"].start == MONDAY


@pytest.mark.parametrize(
    ("start", "message"),
    [
        ("next week", "YYYY-MM-DD"),
        ("9999-12-31", "between 2000 and 2100"),
        ("0001-01-01", "between"),
    ],
)
def test_a_bad_start_is_a_400(client_for, teacher, start, message):
    response = client_for(teacher).get(WEEK, {"start": start})
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize("per_day", [1, 8])
def test_week_query_count_is_constant(
    client_for,
    teacher,
    class_a,
    make_lesson,
    schedule,
    today,
    per_day,
    django_assert_max_num_queries,
):
    lessons = [make_lesson(f"l{i}") for i in range(per_day)]
    for offset in range(5):
        for index, lesson in enumerate(lessons):
            s = schedule(class_a, lesson, MONDAY + dt.timedelta(days=offset))
            if offset < 2 and index % 2:
                log(s)
    client = client_for(teacher)
    with django_assert_max_num_queries(8):
        response = client.get(WEEK, {"start": MONDAY.isoformat()})
    assert sum(len(day.lessons) for day in response.context["plan"].days) == 5 * per_day


@pytest.mark.parametrize("persona", ["parent", "outsider"])
def test_parents_and_outsiders_have_no_week(client_for, request, persona):
    assert client_for(request.getfixturevalue(persona)).get(WEEK).status_code == 403
