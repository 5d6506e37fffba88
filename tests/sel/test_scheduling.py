import datetime as dt

import pytest
from django.urls import reverse

from schoolwell.sel.models import LessonSchedule
from schoolwell.sel.services import Cadence, sequence_dates


@pytest.fixture(autouse=True)
def _frozen_today(today):
    """Plans must be within a year of today: freeze it (TODAY = 14 Oct 2026)."""


@pytest.fixture
def unit(make_lesson):
    return [
        make_lesson(f"unit-{n}", unit="respect", unit_title={"en": "Respect"}, sequence=n)
        for n in (1, 2, 3)
    ]


def schedule_url(lesson):
    return reverse("sel:lesson_schedule", args=[lesson.pk])


def test_a_teacher_schedules_a_lesson_for_their_class(client_for, teacher, class_a, make_lesson):
    lesson = make_lesson("one")
    response = client_for(teacher).post(
        schedule_url(lesson), {"klass": class_a.pk, "planned_on": "2026-10-20", "cadence": "weekly"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("sel:week") + "?start=2026-10-20"
    schedule = LessonSchedule.objects.get()
    assert (schedule.klass, schedule.lesson, schedule.planned_on, schedule.scheduled_by) == (
        class_a,
        lesson,
        dt.date(2026, 10, 20),
        teacher,
    )


def test_scheduling_the_same_lesson_twice_on_a_day_keeps_one(
    client_for, teacher, class_a, make_lesson
):
    lesson = make_lesson("one")
    client = client_for(teacher)
    data = {"klass": class_a.pk, "planned_on": "2026-10-20", "cadence": "weekly"}
    client.post(schedule_url(lesson), data)
    client.post(schedule_url(lesson), data)
    assert LessonSchedule.objects.count() == 1


def test_another_teachers_class_is_refused_and_nothing_is_planned(
    client_for, teacher, class_a2, class_b, make_lesson
):
    lesson = make_lesson("one")
    client = client_for(teacher)
    for klass in (class_a2, class_b):
        response = client.post(
            schedule_url(lesson),
            {"klass": klass.pk, "planned_on": "2026-10-20", "cadence": "weekly"},
        )
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
    assert not LessonSchedule.objects.exists()


def test_the_class_choice_lists_only_the_teachers_classes(
    client_for, teacher, class_a, class_a2, make_lesson
):
    response = client_for(teacher).get(schedule_url(make_lesson("one")))
    assert list(response.context["form"].fields["klass"].queryset) == [class_a]


def test_a_school_admin_schedules_for_any_class_of_their_school_only(
    client_for, school_admin, class_a2, class_b, make_lesson
):
    lesson = make_lesson("one")
    client = client_for(school_admin)
    ok = client.post(
        schedule_url(lesson),
        {"klass": class_a2.pk, "planned_on": "2026-10-20", "cadence": "weekly"},
    )
    refused = client.post(
        schedule_url(lesson), {"klass": class_b.pk, "planned_on": "2026-10-20", "cadence": "weekly"}
    )
    assert (ok.status_code, refused.status_code) == (302, 400)
    assert list(LessonSchedule.objects.values_list("klass_id", flat=True)) == [class_a2.pk]


@pytest.mark.parametrize("persona", ["counsellor", "parent", "outsider"])
def test_who_may_not_schedule(client_for, request, class_a, make_lesson, persona):
    lesson = make_lesson("one")
    response = client_for(request.getfixturevalue(persona)).post(
        schedule_url(lesson), {"klass": class_a.pk, "planned_on": "2026-10-20", "cadence": "weekly"}
    )
    assert response.status_code == 403
    assert not LessonSchedule.objects.exists()


def test_a_bad_date_is_a_400(client_for, teacher, class_a, make_lesson):
    response = client_for(teacher).post(
        schedule_url(make_lesson("one")), {"klass": class_a.pk, "planned_on": "20-10-2026"}
    )
    assert response.status_code == 400
    assert not LessonSchedule.objects.exists()


def test_a_unit_is_scheduled_weekly_in_order_from_the_chosen_lesson(
    client_for, teacher, class_a, unit
):
    response = client_for(teacher).post(
        schedule_url(unit[0]),
        {"klass": class_a.pk, "planned_on": "2026-10-21", "whole_unit": "on", "cadence": "weekly"},
    )
    assert response.status_code == 302
    planned = list(
        LessonSchedule.objects.order_by("planned_on").values_list("lesson__slug", "planned_on")
    )
    assert planned == [
        ("unit-1", dt.date(2026, 10, 21)),
        ("unit-2", dt.date(2026, 10, 28)),
        ("unit-3", dt.date(2026, 11, 4)),
    ]


def test_a_unit_on_consecutive_teaching_days_skips_the_weekend(client_for, teacher, class_a, unit):
    # Starting with the unit's second lesson on a Friday: Friday, then Monday.
    client_for(teacher).post(
        schedule_url(unit[1]),
        {"klass": class_a.pk, "planned_on": "2026-10-23", "whole_unit": "on", "cadence": "daily"},
    )
    planned = list(
        LessonSchedule.objects.order_by("planned_on").values_list("lesson__slug", "planned_on")
    )
    assert planned == [("unit-2", dt.date(2026, 10, 23)), ("unit-3", dt.date(2026, 10, 26))]


def test_sequence_dates():
    saturday = dt.date(2026, 10, 24)
    assert sequence_dates(saturday, 3, Cadence.DAILY) == [
        dt.date(2026, 10, 26),
        dt.date(2026, 10, 27),
        dt.date(2026, 10, 28),
    ]
    thursday = dt.date(2026, 10, 22)
    assert sequence_dates(thursday, 3, Cadence.DAILY) == [
        dt.date(2026, 10, 22),
        dt.date(2026, 10, 23),
        dt.date(2026, 10, 26),
    ]
    assert sequence_dates(thursday, 2, Cadence.WEEKLY) == [thursday, dt.date(2026, 10, 29)]


@pytest.mark.parametrize("planned_on", ["2031-01-05", "1999-12-31", "9999-12-31"])
def test_a_date_far_from_today_is_a_400(client_for, teacher, class_a, unit, planned_on):
    response = client_for(teacher).post(
        schedule_url(unit[0]),
        {"klass": class_a.pk, "planned_on": planned_on, "whole_unit": "on", "cadence": "weekly"},
    )
    assert response.status_code == 400
    assert "within a year of today" in response.content.decode()
    assert not LessonSchedule.objects.exists()
