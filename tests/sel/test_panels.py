import datetime as dt

import pytest
from django.urls import reverse

from tests.sel.conftest import TODAY, log


def nav_urls(response):
    return [
        item.url_name for item in response.context["nav_items"] if item.url_name.startswith("sel:")
    ]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("teacher", ["sel:week", "sel:library"]),
        ("counsellor", ["sel:library", "sel:coverage"]),
        ("school_admin", ["sel:library", "sel:coverage"]),
        ("district_admin", ["sel:library", "sel:coverage"]),
        ("parent", []),
        ("outsider", []),
    ],
)
def test_navigation_per_role(client_for, request, persona, expected):
    response = client_for(request.getfixturevalue(persona)).get(reverse("home"))
    assert nav_urls(response) == expected


def test_the_class_page_lists_the_next_lessons_for_its_teacher(
    client_for, teacher, counsellor, class_a, make_lesson, schedule, today
):
    schedule(class_a, make_lesson("overdue-one"), TODAY - dt.timedelta(days=7))
    log(schedule(class_a, make_lesson("done-one"), TODAY - dt.timedelta(days=14)))
    schedule(class_a, make_lesson("next-one"), TODAY + dt.timedelta(days=1))
    url = reverse("roster:class_detail", args=[class_a.pk])
    html = client_for(teacher).get(url).content.decode()
    assert "Next SEL lessons" in html
    assert "Overdue One" in html and "Next One" in html and "Done One" not in html
    # Counsellors see the class but do not run its lessons.
    assert "Next SEL lessons" not in client_for(counsellor).get(url).content.decode()


def test_the_home_page_shows_a_teachers_lessons_today(
    client_for, teacher, class_a, make_lesson, schedule, today
):
    schedule(class_a, make_lesson("todays-lesson"), TODAY)
    schedule(class_a, make_lesson("tomorrows-lesson"), TODAY + dt.timedelta(days=1))
    html = client_for(teacher).get(reverse("home")).content.decode()
    assert "Today&#x27;s SEL lessons" in html or "Today's SEL lessons" in html
    assert "Todays Lesson" in html and "Tomorrows Lesson" not in html
