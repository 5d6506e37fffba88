"""Administrators edit, close early and cancel windows (results kept); an instrument's
grade/age range is enforced; an overlapping window needs an explicit confirmation."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwell.screening.models import ScreeningResult, ScreeningWindow, WindowState
from schoolwell.screening.services import (
    ScreeningInputError,
    screening_result_record,
    screening_window_end,
    screening_window_open,
)
from schoolwell.screening.services.windows import instrument_grades
from tests.screening.conftest import decide_screening
from tests.screening.test_windows_and_results import SRSS_ONES, window_form

TODAY = timezone.localdate


def _open(school, instrument, by, grades=(6, 7, 8), days=(0, 14), **extra):
    today = TODAY()
    return screening_window_open(
        school=school,
        instrument=instrument,
        name=extra.pop("name", "Fall"),
        grades=list(grades),
        opens_on=today + dt.timedelta(days=days[0]),
        closes_on=today + dt.timedelta(days=days[1]),
        by=by,
        **extra,
    )


# ------------------------------------------------------------------ grade and age ranges


def test_grade_ranges_come_from_the_instrument_data(instruments):
    assert instrument_grades(instruments["phq-a"].definition) == (6, 12)  # grades and ages 11–17
    assert instrument_grades(instruments["asq"].definition) == (2, 12)  # ages 8 and up
    assert instrument_grades(instruments["who-5"].definition) == (3, 12)  # ages 9 and up
    assert instrument_grades(instruments["srss-ie"].definition) == (0, 12)
    assert instrument_grades(instruments["gad-7"].definition) is None  # no range recorded


@pytest.mark.parametrize(
    ("code", "grades", "ok"),
    [
        ("phq-a", ["2", "3"], False),  # an adolescent questionnaire for 7-year-olds
        ("phq-a", ["5", "6"], False),
        ("phq-a", ["6", "7", "12"], True),
        ("asq", ["1", "2"], False),
        ("asq", ["2", "3"], True),
        ("who-5", ["2"], False),
    ],
)
def test_window_outside_the_instruments_range_is_refused(
    client_for, school_admin, school_a, instruments, code, grades, ok
):
    response = client_for(school_admin).post(
        reverse("screening:window_new"), window_form(school_a, instruments[code], grades=grades)
    )
    if ok:
        assert response.status_code == 302
    else:
        assert response.status_code == 400
        assert "is for grades" in response.content.decode()
        assert not ScreeningWindow.objects.exists()


# ------------------------------------------------------------------------------ overlap


def test_overlapping_window_needs_a_confirmation(client_for, school_admin, school_a, instruments):
    _open(school_a, instruments["asq"], school_admin, grades=(9, 10))
    client = client_for(school_admin)
    data = window_form(school_a, instruments["asq"], grades=["10", "11"], name="Second ASQ")
    response = client.post(reverse("screening:window_new"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "already screens" in html and 'name="confirm_overlap"' in html
    assert ScreeningWindow.objects.count() == 1
    response = client.post(reverse("screening:window_new"), data | {"confirm_overlap": "on"})
    assert response.status_code == 302
    assert ScreeningWindow.objects.count() == 2


@pytest.mark.parametrize(
    ("grades", "days", "instrument", "other_school"),
    [
        ((11, 12), (0, 14), "asq", False),  # other grades
        ((9, 10), (20, 30), "asq", False),  # after it closes
        ((9, 10), (0, 14), "who-5", False),  # another instrument
        ((9, 10), (0, 14), "asq", True),  # another school
    ],
)
def test_windows_that_do_not_overlap_need_no_confirmation(
    school_admin,
    district_admin,
    school_a,
    school_b,
    instruments,
    grades,
    days,
    instrument,
    other_school,
):
    _open(school_a, instruments["asq"], school_admin, grades=(9, 10))
    school = school_b if other_school else school_a
    _open(school, instruments[instrument], district_admin, grades=grades, days=days)


def test_cancelled_or_closed_windows_do_not_count_as_overlap(school_admin, school_a, instruments):
    first = _open(school_a, instruments["asq"], school_admin, grades=(9,))
    screening_window_end(window=first, by=school_admin, cancel=True)
    _open(school_a, instruments["asq"], school_admin, grades=(9,))


# ------------------------------------------------------------------------ edit, end


def test_admin_edits_a_window(client_for, school_admin, school_a, instruments):
    window = _open(school_a, instruments["srss-ie"], school_admin)
    client = client_for(school_admin)
    url = reverse("screening:window_edit", args=[window.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Fall" in page.content.decode()
    later = (TODAY() + dt.timedelta(days=21)).isoformat()
    data = {"name": "Fall (extended)", "grades": ["6", "7"], "opens_on": TODAY().isoformat()}
    assert client.post(url, data | {"closes_on": later}).status_code == 302
    window.refresh_from_db()
    assert (window.name, window.grades, window.closes_on.isoformat()) == (
        "Fall (extended)",
        [6, 7],
        later,
    )
    # The same safeguards as opening one.
    response = client.post(url, data | {"closes_on": "2020-01-01"})
    assert response.status_code == 400


def test_edit_refuses_grades_outside_the_range(client_for, school_admin, school_a, instruments):
    window = _open(school_a, instruments["phq-a"], school_admin, grades=(7,))
    data = {
        "name": "PHQ-A",
        "grades": ["3", "7"],
        "opens_on": window.opens_on.isoformat(),
        "closes_on": window.closes_on.isoformat(),
    }
    response = client_for(school_admin).post(
        reverse("screening:window_edit", args=[window.pk]), data
    )
    assert response.status_code == 400 and "is for grades 6–12" in response.content.decode()
    window.refresh_from_db()
    assert window.grades == [7]


def test_edit_into_an_overlap_needs_a_confirmation(client_for, school_admin, school_a, instruments):
    _open(school_a, instruments["asq"], school_admin, grades=(9,), name="A")
    other = _open(school_a, instruments["asq"], school_admin, grades=(10,), name="B")
    data = {
        "name": "B",
        "grades": ["9", "10"],
        "opens_on": other.opens_on.isoformat(),
        "closes_on": other.closes_on.isoformat(),
    }
    client = client_for(school_admin)
    url = reverse("screening:window_edit", args=[other.pk])
    assert client.post(url, data).status_code == 400
    assert client.post(url, data | {"confirm_overlap": "on"}).status_code == 302


@pytest.fixture
def window_with_result(school_a, school_admin, teacher, student_a, instruments, class_a):
    window = _open(school_a, instruments["srss-ie"], school_admin, grades=(7,), days=(-3, 14))
    decide_screening([student_a])
    result = screening_result_record(
        student=student_a,
        instrument=instruments["srss-ie"],
        answers=SRSS_ONES,
        by=teacher,
        window=window,
    )
    return window, result


def test_close_early_keeps_results_and_takes_no_more(
    client_for, school_admin, teacher, student_a, instruments, window_with_result
):
    window, result = window_with_result
    client = client_for(school_admin)
    response = client.post(reverse("screening:window_end", args=[window.pk]), {"action": "close"})
    assert response.status_code == 302
    window.refresh_from_db()
    assert window.state == WindowState.CLOSED and window.ended_by == school_admin
    assert window.closes_on == TODAY() and not window.is_open()
    assert ScreeningResult.objects.get(pk=result.pk).window == window
    with pytest.raises(ScreeningInputError, match="not open"):
        screening_result_record(
            student=student_a,
            instrument=instruments["srss-ie"],
            answers=SRSS_ONES,
            by=teacher,
            window=window,
        )
    page = client.get(reverse("screening:window_detail", args=[window.pk])).content.decode()
    assert "Closed early" in page and "Close now" not in page


def test_cancel_needs_a_tick_and_keeps_results(client_for, school_admin, window_with_result):
    window, result = window_with_result
    client = client_for(school_admin)
    url = reverse("screening:window_end", args=[window.pk])
    client.post(url, {"action": "cancel"})
    window.refresh_from_db()
    assert window.state == WindowState.ACTIVE
    client.post(url, {"action": "cancel", "confirm": "on"})
    window.refresh_from_db()
    assert window.state == WindowState.CANCELLED
    assert ScreeningResult.objects.filter(pk=result.pk, window=window).exists()
    # Nothing more can be changed on it.
    edit = client.post(
        reverse("screening:window_edit", args=[window.pk]),
        {
            "name": "x",
            "grades": ["7"],
            "opens_on": window.opens_on.isoformat(),
            "closes_on": window.closes_on.isoformat(),
        },
    )
    assert edit.status_code == 400
    index = client.get(reverse("screening:index")).content.decode()
    assert "Cancelled" in index


def test_a_future_window_is_cancelled_not_closed(school_admin, school_a, instruments):
    window = _open(school_a, instruments["asq"], school_admin, grades=(9,), days=(5, 10))
    with pytest.raises(ScreeningInputError):
        screening_window_end(window=window, by=school_admin, cancel=False)
    screening_window_end(window=window, by=school_admin, cancel=True)


# ------------------------------------------------------------------------------ who may


@pytest.mark.parametrize(
    ("persona", "status"),
    [("teacher", 403), ("counsellor", 403), ("parent", 404), ("outsider", 404)],
)
def test_only_administrators_change_windows(
    request, client_for, school_admin, school_a, instruments, class_a, persona, status
):
    window = _open(school_a, instruments["srss-ie"], school_admin, grades=(7,))
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("screening:window_edit", args=[window.pk])).status_code == status
    url = reverse("screening:window_end", args=[window.pk])
    assert client.post(url, {"action": "cancel", "confirm": "on"}).status_code == status
    window.refresh_from_db()
    assert window.state == WindowState.ACTIVE


def test_another_schools_admin_gets_404(
    client_for, school_admin, district_admin, school_b, instruments
):
    window = _open(school_b, instruments["srss-ie"], district_admin, grades=(8,))
    client = client_for(school_admin)
    assert client.get(reverse("screening:window_edit", args=[window.pk])).status_code == 404
    url = reverse("screening:window_end", args=[window.pk])
    assert client.post(url, {"action": "close"}).status_code == 404
    # The district's administrator manages it.
    assert client_for(district_admin).post(url, {"action": "close"}).status_code == 302
