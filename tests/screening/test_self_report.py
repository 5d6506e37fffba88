"""Student self-report without a password: kiosk sessions and single-use links.

Students see only their questionnaire, one question at a time; a critical answer shows the
calm message from the crisis plan and never a score; results need consent (rule 2)."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from schoolwell.consent.models import Decision
from schoolwell.screening.models import KioskSession, ScreeningResult, SelfReportAssignment
from schoolwell.screening.services import (
    ScreeningInputError,
    selfreport_answer,
    selfreport_link_create,
)
from schoolwell.screening.services import results as results_module
from schoolwell.screening.services.selfreport import items_to_ask
from tests.conftest import enroll, make_student
from tests.screening.conftest import decide_screening

PHQA_CALM = ["0"] * 9 + ["no", "0", "no", "no"]


def start_kiosk(client, window, klass, students):
    return client.post(
        reverse("screening:kiosk_start", args=[window.pk, klass.pk]),
        {"students": [s.pk for s in students]},
    )


def answer_all(client, url, values):
    """Answer each question in turn as a student would, then finish."""
    for value in values:
        page = client.get(url).content.decode()
        item = page.split('name="item" value="', 1)[1].split('"', 1)[0]
        assert client.post(url, {"item": item, "value": value}).status_code == 302
    return client.post(url, {"action": "finish"})


@pytest.fixture
def hooked(monkeypatch):
    seen = []
    monkeypatch.setattr(results_module, "screening_result_hooks", [seen.append])
    return seen


@pytest.fixture
def kiosk(client_for, teacher, class_a, student_a, phqa_window):
    decide_screening([student_a])
    client = client_for(teacher)
    assert start_kiosk(client, phqa_window, class_a, [student_a]).status_code == 302
    return client, KioskSession.objects.get()


def test_kiosk_signs_the_device_out_and_shows_only_the_named_students(
    client_for, teacher, class_a, student_a, phqa_window
):
    refused = make_student(class_a.school, "A20", given_name="Nora", family_name="Noconsent")
    enroll(refused, class_a)
    decide_screening([student_a])
    client = client_for(teacher)
    response = start_kiosk(client, phqa_window, class_a, [student_a, refused])
    assert response["Location"] == reverse("screening:kiosk_home")
    home = client.get(reverse("screening:kiosk_home")).content.decode()
    assert f"{student_a.given_name} {student_a.family_name[0]}." in home
    assert "Nora" not in home  # no consent: never offered the questionnaire
    assert student_a.family_name not in home  # first name and initial only
    # The teacher's login is gone from the device: staff pages need a sign-in again.
    assert client.get(reverse("roster:student_list")).status_code == 302
    assert client.get(reverse("screening:index")).status_code == 302


def test_student_answers_one_question_at_a_time_and_sees_no_score(
    kiosk, student_a, teacher, hooked
):
    client, session = kiosk
    assignment = SelfReportAssignment.objects.get(kiosk=session, student=student_a)
    url = reverse("screening:kiosk_questionnaire", args=[assignment.pk])
    first = client.get(url).content.decode()
    assert "Question 1 of 13" in first and "not a test" in first
    done = answer_all(client, url, ["1", "2", "1", "1", "0", "0", "1", "0", "0"] + PHQA_CALM[9:])
    body = done.content.decode()
    assert done.status_code == 200 and "Thank you" in body
    result = ScreeningResult.objects.get()
    assert (result.total, result.respondent, result.administered_by) == (6, "student", teacher)
    assert result.kiosk_session == session and not result.critical
    assert result.band_label not in body and "6" not in body.split("<main", 1)[1]
    assert hooked == [result]
    # Done: the student's entry is gone from the picker and the page is closed.
    assert client.get(url).status_code == 404


def test_critical_answer_shows_the_calm_message_and_fires_the_hooks(kiosk, student_a, hooked):
    client, session = kiosk
    assignment = SelfReportAssignment.objects.get(kiosk=session)
    url = reverse("screening:kiosk_questionnaire", args=[assignment.pk])
    answers = ["0"] * 8 + ["1"] + ["no", "0", "yes", "no"]  # item 9 and a suicide question
    body = answer_all(client, url, answers).content.decode()
    assert "A caring adult from our school will come and talk with you today" in body
    assert "988" in body and "Tess Teacher" in body
    result = ScreeningResult.objects.get()
    assert result.critical and len(result.critical_reasons) >= 2
    assert hooked == [result]
    for word in ("score", "band", "critical", "Minimal"):
        assert word not in body.split("<main", 1)[1]


def test_bad_answer_is_a_400_and_saves_nothing(kiosk):
    client, session = kiosk
    assignment = SelfReportAssignment.objects.get(kiosk=session)
    url = reverse("screening:kiosk_questionnaire", args=[assignment.pk])
    for data in ({"item": "q1", "value": "7"}, {"item": "nope", "value": "1"},
                 {"item": "q1", "action": "skip"}):  # fmt: skip
        assert client.post(url, data).status_code == 400
    assignment.refresh_from_db()
    assert assignment.answers == {}


def test_ending_the_kiosk_closes_it_and_keeps_a_half_done_critical_answer(
    kiosk, client_for, teacher, student_a, hooked
):
    client, session = kiosk
    assignment = SelfReportAssignment.objects.get(kiosk=session)
    url = reverse("screening:kiosk_questionnaire", args=[assignment.pk])
    for item, value in (("q1", "1"), ("q9", "2")):
        client.post(url, {"item": item, "value": value})
    staff = client_for(teacher)  # from the teacher's own device
    assert staff.post(reverse("screening:kiosk_end", args=[session.pk])).status_code == 302
    result = ScreeningResult.objects.get()
    assert result.critical and not result.complete  # the counsellor still hears of it
    assert hooked == [result]
    assert client.get(reverse("screening:kiosk_home")).status_code in (404, 410)


def test_kiosk_pages_need_the_kiosk_session(client, kiosk, student_a2):
    _client, session = kiosk
    assignment = SelfReportAssignment.objects.get(kiosk=session)
    stranger = Client()
    url = reverse("screening:kiosk_questionnaire", args=[assignment.pk])
    assert stranger.get(url).status_code == 410
    assert stranger.get(reverse("screening:kiosk_home")).status_code == 404


@pytest.mark.parametrize("persona", ["other_teacher", "other_counsellor", "parent", "outsider"])
def test_wrong_people_cannot_start_or_end_kiosks(
    request, client_for, class_a, student_a, phqa_window, persona
):
    decide_screening([student_a])
    client = client_for(request.getfixturevalue(persona))
    assert start_kiosk(client, phqa_window, class_a, [student_a]).status_code == 404
    assert not KioskSession.objects.exists()


def test_counsellor_can_start_and_end_a_kiosk(
    client_for, counsellor, class_a, student_a, phqa_window, other_teacher
):
    decide_screening([student_a])
    client = client_for(counsellor)
    assert start_kiosk(client, phqa_window, class_a, [student_a]).status_code == 302
    session = KioskSession.objects.get()
    assert (
        client_for(other_teacher)
        .post(reverse("screening:kiosk_end", args=[session.pk]))
        .status_code
        == 404
    )
    assert (
        client_for(counsellor).post(reverse("screening:kiosk_end", args=[session.pk])).status_code
        == 302
    )


def test_single_use_link_works_once_in_one_browser(client_for, counsellor, student_a, phqa_window):
    decide_screening([student_a])
    response = client_for(counsellor).post(
        reverse("screening:link_create", args=[phqa_window.pk, student_a.pk])
    )
    assert response.status_code == 200
    url = response.content.decode().split('readonly value="http://testserver', 1)[1].split('"')[0]
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 40
    assignment = SelfReportAssignment.objects.get()
    assert token not in (assignment.token_hash, str(assignment.pk))  # only its hash is kept
    student = Client()
    assert Client().get(url).status_code == 200  # a link preview: the start page, nothing used
    assert "Start" in student.get(url).content.decode()
    assert student.post(url, {"action": "start"}).status_code == 302
    assert Client().get(url).status_code == 410  # a second browser: refused
    assert answer_all(student, url, PHQA_CALM).status_code == 200
    assert ScreeningResult.objects.get().respondent == "student"
    assert student.get(url).status_code == 410  # used


def test_expired_or_unknown_link_is_refused(counsellor, student_a, phqa_window):
    decide_screening([student_a])
    assignment, token = selfreport_link_create(
        student=student_a, instrument=phqa_window.instrument, by=counsellor, window=phqa_window
    )
    SelfReportAssignment.objects.filter(pk=assignment.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert Client().get(reverse("screening:link_open", args=[token])).status_code == 410
    assert Client().get(reverse("screening:link_open", args=["x" * 43])).status_code == 410


def test_no_link_without_consent(client_for, counsellor, student_a, phqa_window):
    response = client_for(counsellor).post(
        reverse("screening:link_create", args=[phqa_window.pk, student_a.pk])
    )
    assert response.status_code == 400 and "No screening consent" in response.content.decode()
    assert not SelfReportAssignment.objects.exists()


@pytest.mark.parametrize("persona", ["teacher", "other_counsellor", "school_admin", "parent",
                                     "outsider"])  # fmt: skip
def test_only_the_schools_counsellors_make_links(
    request, client_for, student_a, phqa_window, persona
):
    decide_screening([student_a])
    client = client_for(request.getfixturevalue(persona))
    response = client.post(reverse("screening:link_create", args=[phqa_window.pk, student_a.pk]))
    assert response.status_code == 404
    assert not SelfReportAssignment.objects.exists()


def test_revocation_before_finishing_stores_nothing(client_for, counsellor, student_a, phqa_window):
    decide_screening([student_a])
    _assignment, token = selfreport_link_create(
        student=student_a, instrument=phqa_window.instrument, by=counsellor, window=phqa_window
    )
    url = reverse("screening:link_open", args=[token])
    student = Client()
    student.post(url, {"action": "start"})
    for value in PHQA_CALM:
        page = student.get(url).content.decode()
        item = page.split('name="item" value="', 1)[1].split('"', 1)[0]
        student.post(url, {"item": item, "value": value})
    decide_screening([student_a], Decision.REVOKED)  # a guardian withdraws meanwhile
    body = student.post(url, {"action": "finish"}).content.decode()
    assert "Thank you" in body
    assert not ScreeningResult.objects.exists()


def test_questionnaire_speaks_the_students_language(client_for, teacher, class_a, student_a,
                                                    phqa_window):  # fmt: skip
    student_a.preferred_language = "es"
    student_a.save(update_fields=["preferred_language"])
    decide_screening([student_a])
    client = client_for(teacher)
    start_kiosk(client, phqa_window, class_a, [student_a])
    assignment = SelfReportAssignment.objects.get()
    page = client.get(reverse("screening:kiosk_questionnaire", args=[assignment.pk]))
    body = page.content.decode()
    assert "Pregunta 1 de 13" in body and "No es un examen" in body
    assert "¿Sentirte decaído(a), deprimido(a), irritable o sin esperanza?" in body


@pytest.fixture
def asq_window(instruments, school_a, school_admin):
    from tests.screening.conftest import open_window

    return open_window(school_a, instruments["asq"], by=school_admin, name="Fall ASQ")


def test_asq_asks_the_acuity_question_only_after_a_positive_answer(
    counsellor, student_a, asq_window
):
    decide_screening([student_a])
    cases = [
        (["no"] * 4, False, "negative"),
        (["no", "yes", "no", "no"], True, "non-acute-positive"),
        (["no", "no", "refused", "no"], True, "non-acute-positive"),  # refusal is positive
    ]
    for answers, acuity_asked, band in cases:
        _assignment, token = selfreport_link_create(
            student=student_a, instrument=asq_window.instrument, by=counsellor, window=asq_window
        )
        student = Client()
        url = reverse("screening:link_open", args=[token])
        student.post(url, {"action": "start"})
        for value in answers:
            page = student.get(url).content.decode()
            item = page.split('name="item" value="', 1)[1].split('"', 1)[0]
            student.post(url, {"item": item, "value": value})
        page = student.get(url).content.decode()
        assert ("right now" in page) == acuity_asked
        assert ("All done?" in page) == (not acuity_asked)
        if acuity_asked:
            student.post(url, {"item": "q5", "value": "no"})
        assert "Thank you" in student.post(url, {"action": "finish"}).content.decode()
        result = ScreeningResult.objects.latest("pk")
        assert (result.band, result.complete) == (band, True)
        assert ("q5" in result.answers and result.answers["q5"] is not None) == acuity_asked


def test_which_questions_are_asked_comes_from_the_stored_definition(asq_window):
    # No table in code: the version's own ask_if decides (without one, question 5 is asked).
    instrument = asq_window.instrument
    all_no = dict.fromkeys(["q1", "q2", "q3", "q4"], "no")
    assert [i["id"] for i in items_to_ask(instrument, all_no)] == ["q1", "q2", "q3", "q4"]
    del instrument.definition["items"][4]["ask_if"]
    assert [i["id"] for i in items_to_ask(instrument, all_no)][-1] == "q5"


def test_an_answer_to_a_question_no_longer_asked_is_refused(counsellor, student_a, asq_window):
    decide_screening([student_a])
    assignment, _token = selfreport_link_create(
        student=student_a, instrument=asq_window.instrument, by=counsellor, window=asq_window
    )
    for item in ("q1", "q2", "q3", "q4"):
        selfreport_answer(assignment=assignment, item_id=item, value="no")
    with pytest.raises(ScreeningInputError):
        selfreport_answer(assignment=assignment, item_id="q5", value="yes")
    assert "q5" not in assignment.answers
