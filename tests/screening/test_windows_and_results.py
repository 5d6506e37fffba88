"""Windows (administrators open them), who is due/done/not consented/absent, and who may
see which results: counsellors everything, teachers only their own ratings."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from schoolwell.audit.models import AccessLog
from schoolwell.screening.models import CheckIn, ScreeningWindow
from schoolwell.screening.services import (
    CheckInEntry,
    checkins_record,
    screening_result_record,
)
from tests.conftest import enroll, make_student
from tests.screening.conftest import decide_screening

SRSS_ONES = dict.fromkeys(
    ["steal", "lie-cheat-sneak", "behavior-problem", "peer-rejection",
     "low-academic-achievement", "negative-attitude", "aggressive-behavior",
     "emotionally-flat", "shy-withdrawn", "sad-depressed", "anxious", "lonely"], 1,
)  # fmt: skip


def window_form(school, instrument, **extra):
    today = timezone.localdate()
    return {
        "school": school.pk,
        "instrument": instrument.pk,
        "name": "Fall 2026",
        "grades": ["6", "7", "8"],
        "opens_on": today.isoformat(),
        "closes_on": (today + dt.timedelta(days=14)).isoformat(),
    } | extra


def test_school_admin_opens_a_window(client_for, school_admin, school_a, instruments):
    response = client_for(school_admin).post(
        reverse("screening:window_new"), window_form(school_a, instruments["srss-ie"])
    )
    assert response.status_code == 302
    window = ScreeningWindow.objects.get()
    assert (window.grades, window.created_by, window.school) == ([6, 7, 8], school_admin, school_a)


@pytest.mark.parametrize(
    "extra, message",
    [
        (
            {"closes_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat()},
            "must close on or after",
        ),
        ({"opens_on": "0001-01-01"}, "within a year before or two after today"),  # was saved
        ({"closes_on": "9999-12-31"}, "within a year before or two after today"),
        (
            {"closes_on": (timezone.localdate() + dt.timedelta(days=400)).isoformat()},
            "at most a school year",
        ),
        ({"grades": []}, "This field is required"),
        ({"name": ""}, "This field is required"),
    ],
)
def test_bad_window_is_a_400(client_for, school_admin, school_a, instruments, extra, message):
    response = client_for(school_admin).post(
        reverse("screening:window_new"), window_form(school_a, instruments["srss-ie"], **extra)
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not ScreeningWindow.objects.exists()


def test_admin_cannot_open_a_window_for_another_school(
    client_for, school_admin, school_b, instruments
):
    response = client_for(school_admin).post(
        reverse("screening:window_new"), window_form(school_b, instruments["srss-ie"])
    )
    assert response.status_code == 400 and not ScreeningWindow.objects.exists()


@pytest.mark.parametrize("persona", ["teacher", "counsellor", "parent", "outsider"])
def test_only_administrators_open_windows(request, client_for, school_a, instruments, persona):
    client = client_for(request.getfixturevalue(persona))
    response = client.post(
        reverse("screening:window_new"), window_form(school_a, instruments["srss-ie"])
    )
    assert response.status_code == 403 and not ScreeningWindow.objects.exists()


def test_class_status_shows_due_done_not_consented_absent(
    client_for, teacher, class_a, student_a, srss_window, django_assert_max_num_queries
):
    names = ["Done", "Refused", "Away"]
    done, refused, away = (make_student(class_a.school, n, family_name=n) for n in names)
    for student in (done, refused, away):
        enroll(student, class_a)
    decide_screening([student_a, done, away])
    screening_result_record(
        student=done, instrument=srss_window.instrument, answers=SRSS_ONES, by=teacher,
        window=srss_window,
    )  # fmt: skip
    checkins_record(
        klass=class_a, teacher=teacher, date=timezone.localdate(),
        entries=[CheckInEntry(student_id=away.pk, absent=True)],
    )  # fmt: skip
    url = reverse("screening:window_class", args=[srss_window.pk, class_a.pk])
    client = client_for(teacher)
    with django_assert_max_num_queries(22):
        body = client.get(url).content.decode()
    rows = {n: body.split(f"<td>{n}, ", 1)[1].split("</tr>", 1)[0] for n in names}
    assert "Done" in rows["Done"] and "Moderate risk" in rows["Done"]
    assert "Not consented" in rows["Refused"]
    assert "Absent today" in rows["Away"]
    assert "Due</td>" in body.split(f"<td>{student_a.family_name}, ", 1)[1].split("</tr>")[0]
    assert AccessLog.objects.filter(user=teacher, student=done).exists()


def test_teacher_never_sees_self_report_results(
    client_for, teacher, counsellor, class_a, student_a, phqa_window
):
    decide_screening([student_a])
    answers = {f"q{i}": 2 for i in range(1, 10)}
    screening_result_record(
        student=student_a, instrument=phqa_window.instrument, answers=answers, by=counsellor,
        window=phqa_window, respondent="student",
    )  # fmt: skip
    url = reverse("screening:window_class", args=[phqa_window.pk, class_a.pk])
    teacher_page = client_for(teacher).get(url).content.decode()
    assert "Done" in teacher_page and "Moderately severe" not in teacher_page
    counsellor_page = client_for(counsellor).get(url).content.decode()
    assert "Moderately severe" in counsellor_page
    student_page = client_for(teacher).get(reverse("roster:student_detail", args=[student_a.pk]))
    assert "PHQ" not in student_page.content.decode()
    student_page = client_for(counsellor).get(reverse("roster:student_detail", args=[student_a.pk]))
    assert "PHQ-A" in student_page.content.decode()


@pytest.mark.parametrize("persona", ["other_teacher", "other_counsellor", "parent", "outsider"])
def test_other_classes_and_schools_get_404(
    request, client_for, class_a, student_a, srss_window, persona
):
    client = client_for(request.getfixturevalue(persona))
    url = reverse("screening:window_class", args=[srss_window.pk, class_a.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("screening:class_results", args=[class_a.pk])).status_code == 404


def test_student_panel_shows_teachers_only_their_own_checkins(
    client_for, teacher, other_teacher, counsellor, class_a, class_a2, student_a
):
    enroll(student_a, class_a2)
    today = timezone.localdate()
    checkins_record(
        klass=class_a, teacher=teacher, date=today,
        entries=[CheckInEntry(student_id=student_a.pk, wellbeing=2, note="mine")],
    )  # fmt: skip
    checkins_record(
        klass=class_a2, teacher=other_teacher, date=today,
        entries=[CheckInEntry(student_id=student_a.pk, wellbeing=4, note="theirs")],
    )  # fmt: skip
    url = reverse("roster:student_detail", args=[student_a.pk])
    page = client_for(teacher).get(url).content.decode()
    assert "mine" in page and "theirs" not in page
    page = client_for(counsellor).get(url).content.decode()
    assert "mine" in page and "theirs" in page
    assert AccessLog.objects.filter(user=counsellor, what="screening history").exists()


@pytest.mark.parametrize(
    ("language", "shown", "not_shown"),
    [
        ("en", "Thoughts of death or self-harm: item 9", "Pensamientos de muerte"),
        (
            "es",
            "Pensamientos de muerte o de hacerse daño: ítem 9 “¿Pensamientos de que estarías "
            "mejor muerto(a), o de hacerte daño de alguna manera?”, respuesta “Varios días” (1)",
            "Thoughts of death",
        ),
    ],
)
def test_counsellor_reads_critical_reasons_in_their_language(
    client_for, counsellor, student_a, phqa_window, language, shown, not_shown
):
    decide_screening([student_a])
    result = screening_result_record(
        student=student_a, instrument=phqa_window.instrument, by=counsellor, window=phqa_window,
        answers={**{f"q{n}": 0 for n in range(1, 9)}, "q9": 1}, respondent="student",
    )  # fmt: skip
    client = client_for(counsellor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("roster:student_detail", args=[student_a.pk])).content.decode()
    assert shown in page and not_shown not in page
    # The stored record stays English whoever reads it.
    assert result.critical_reasons[0].startswith("Thoughts of death or self-harm: item 9")


def test_class_trends_mark_a_declining_student(client_for, teacher, class_a, student_a):
    today = timezone.localdate()
    for days_ago, value in [(30, 4), (25, 4), (20, 4), (5, 2), (2, 2)]:
        CheckIn.objects.create(
            student=student_a, teacher=teacher, klass=class_a,
            date=today - dt.timedelta(days=days_ago), wellbeing=value,
        )  # fmt: skip
    body = client_for(teacher).get(reverse("screening:class_results", args=[class_a.pk]))
    assert "declining" in body.content.decode() and "<polyline" in body.content.decode()


def test_crisis_plan_page_for_the_schools_staff_only(
    client_for, teacher, counsellor, other_counsellor, parent, school_a
):
    url = reverse("screening:crisis_plan", args=[school_a.pk])
    for user in (teacher, counsellor):
        body = client_for(user).get(url).content.decode()
        assert "Stay with the student" in body and "988" in body
    for user in (other_counsellor, parent):
        assert client_for(user).get(url).status_code == 404


def test_school_admin_switches_a_tag_off_for_their_school(
    client_for, school_admin, counsellor, school_a, concern_tags, teacher, class_a
):
    url = reverse("screening:concern_tags", args=[school_a.pk])
    client = client_for(school_admin)
    response = client.post(url, {"code": "tired", "label_en": "Very tired", "active": "off"})
    assert response.status_code == 302
    checkin_page = client_for(teacher).get(reverse("screening:checkin_class", args=[class_a.pk]))
    assert 'value="tired"' not in checkin_page.content.decode()
    assert client_for(counsellor).get(url).status_code == 404
    client = client_for(school_admin)
    assert client.post(url, {"code": "", "label_en": ""}).status_code == 400


@pytest.mark.parametrize("persona", ["parent", "outsider"])
def test_screening_pages_are_for_staff(request, client_for, srss_window, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("screening:index")).status_code == 403
    assert client.get(reverse("screening:window_detail", args=[srss_window.pk])).status_code == 404


def test_window_page_shows_staff_the_school_and_teachers_their_classes(
    client_for,
    teacher,
    counsellor,
    other_counsellor,
    class_a,
    class_a2,
    student_a,
    student_a2,
    srss_window,
):
    url = reverse("screening:window_detail", args=[srss_window.pk])
    teacher_page = client_for(teacher).get(url).content.decode()
    assert class_a.title in teacher_page and class_a2.title not in teacher_page
    assert "Whole school" not in teacher_page
    counsellor_page = client_for(counsellor).get(url).content.decode()
    assert class_a2.title in counsellor_page and "Whole school" in counsellor_page
    assert client_for(other_counsellor).get(url).status_code == 404


def test_window_form_help_text_is_what_aria_describedby_points_at(client_for, school_admin):
    html = client_for(school_admin).get(reverse("screening:window_new")).content.decode()
    assert 'aria-describedby="id_name_helptext"' in html and 'id="id_name_helptext"' in html


def test_window_page_lists_only_classes_with_students_in_its_grades(
    client_for, counsellor, school_a, term, student_a, srss_window
):
    from schoolwell.roster.models import Class

    seniors = Class.objects.create(school=school_a, term=term, title="Advisory 12-Z")
    enroll(make_student(school_a, "senior", grade=12), seniors)
    page = client_for(counsellor).get(reverse("screening:window_detail", args=[srss_window.pk]))
    html = page.content.decode()
    assert student_a.enrollments.get().klass.title in html
    assert "Advisory 12-Z" not in html  # grade 12 is outside the window (6–9)


@pytest.mark.parametrize("name", ["screening:window_class", "screening:class_results"])
def test_class_pages_use_the_same_queries_for_5_and_30_students(
    client_for, teacher, other_teacher, school_a, class_a, class_a2, srss_window, name
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for user, klass, n in ((teacher, class_a, 5), (other_teacher, class_a2, 30)):
        students = [make_student(school_a, f"{klass.pk}-{i}") for i in range(n)]
        for student in students:
            enroll(student, klass)
        decide_screening(students[:3] + students[4::2])
        for student in students[:3]:
            screening_result_record(
                student=student, instrument=srss_window.instrument, answers=SRSS_ONES,
                by=user, window=srss_window,
            )  # fmt: skip
        checkins_record(
            klass=klass, teacher=user, date=timezone.localdate(),
            entries=[CheckInEntry(student_id=s.pk, wellbeing=3) for s in students],
        )  # fmt: skip
        args = [srss_window.pk, klass.pk] if name == "screening:window_class" else [klass.pk]
        client = client_for(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name, args=args)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_class_and_home_panels_lead_the_teacher_to_todays_check_in(
    client_for, teacher, counsellor, class_a, student_a, srss_window
):
    page = client_for(teacher).get(reverse("roster:class_detail", args=[class_a.pk]))
    body = page.content.decode()
    assert "Start today&#x27;s check-in" in body or "Start today's check-in" in body
    assert reverse("screening:window_class", args=[srss_window.pk, class_a.pk]) in body
    home = client_for(teacher).get(reverse("home")).content.decode()
    assert "Today&#x27;s check-ins" in home or "Today's check-ins" in home
    assert "not yet" in home
    page = client_for(counsellor).get(reverse("roster:class_detail", args=[class_a.pk]))
    assert "check-in</a>" not in page.content.decode()  # counsellors do not check in


def test_school_admin_edits_only_their_schools_crisis_plan(client_for, school_admin, school_a,
                                                           school_b):  # fmt: skip
    from schoolwell.accounts.models import User
    from schoolwell.screening.services import crisis_plans_sync

    crisis_plans_sync()
    User.objects.filter(pk=school_admin.pk).update(is_staff=True)
    client = client_for(school_admin)
    listing = client.get("/admin/screening/crisisplan/").content.decode()
    assert "School A" in listing and "School B" not in listing
    other = school_b.crisis_plan.pk
    assert client.get(f"/admin/screening/crisisplan/{other}/change/").status_code == 302


@pytest.mark.parametrize(("persona", "linked"), [("school_admin", True), ("counsellor", False)])
def test_screening_page_links_administrators_to_tags_and_crisis_steps(
    request, client_for, school_a, persona, linked
):
    html = client_for(request.getfixturevalue(persona)).get(reverse("screening:index"))
    html = html.content.decode()
    assert (reverse("screening:concern_tags", args=[school_a.pk]) in html) is linked
    assert (reverse("screening:crisis_plan", args=[school_a.pk]) in html) is linked
