"""The export sheet (labels, not codes; a disclosure per student) and the program
indicators on the school dashboard (participation by class with small-cell suppression,
how fast "Yes, today" was answered)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwell.audit.models import AccessLog
from schoolwell.consent.models import Decision
from schoolwell.reports.models import Export
from schoolwell.roster.services import guardian_link_set
from schoolwell.voice import selectors
from schoolwell.voice.models import Topic, WantsToTalk
from schoolwell.voice.services import talk_request_answer
from tests.conftest import enroll, make_student
from tests.consent.conftest import decide
from tests.voice.conftest import record

pytestmark = pytest.mark.django_db


def test_the_export_has_labels_and_logs_each_student(run_export, load_rows, consented, counsellor):
    record(
        consented,
        feeling="worried",
        energy="low",
        topics=[Topic.SLEEP, Topic.FRIENDS],
        message="=cmd|' /C calc'!A0",
        wants_to_talk=WantsToTalk.SOON,
    )
    export = run_export(counsellor, kind="student_checkins")
    assert export.status == Export.Status.DONE
    rows = load_rows(export)["Student check-ins"]
    header, row = rows[0], rows[1]
    values = dict(zip(header, row, strict=False))
    assert values["Feeling"] == "Worried" and values["Energy"] == "Low"
    assert values["On their mind"] == "Sleep, Friends"
    assert values["Wants to talk"] == "Yes, soon" and values["Way in"] == "Personal link"
    assert values["Message"].startswith("'=")  # never a formula
    assert AccessLog.objects.filter(
        user=counsellor, student=consented, action=AccessLog.Action.EXPORT
    ).exists()


def test_teachers_and_administrators_cannot_export_it(teacher, school_admin, consented):
    from schoolwell.reports.exports import KINDS

    kind = KINDS["student_checkins"]
    assert not kind.allowed_for(teacher) and not kind.allowed_for(school_admin)


def _students(n, klass, school, parent, form):
    made = []
    for index in range(n):
        student = make_student(school, f"P{klass.pk}-{index}")
        enroll(student, klass)
        guardian_link_set(guardian=parent, student=student)
        decide(student, parent, form, Decision.GRANTED)
        made.append(student)
    return made


def test_participation_by_class_hides_small_classes(
    client_for, school_admin, school_a, class_a, class_a2, parent, checkin_form, consented
):
    big = _students(11, class_a, school_a, parent, checkin_form)
    _students(3, class_a2, school_a, parent, checkin_form)
    now = timezone.now()
    for student in big[:6]:
        record(student, now=now)
    rows = {
        r.klass.pk: r
        for r in selectors.participation_by_class(
            school=school_a, start=timezone.localdate(now), end=timezone.localdate(now)
        )
    }
    assert rows[class_a.pk].students == 12  # 11 + student_a
    page = client_for(school_admin).get(reverse("reports:school", args=[school_a.pk]))
    body = page.content.decode()
    assert "Student check-ins (last six weeks)" in body
    assert class_a.title in body and class_a2.title in body
    # 3 students: hidden ("<10"), and its participation with it.
    assert "&lt;10" in body


def test_the_median_time_to_an_adult(consented, teacher, school_a):
    now = timezone.now().replace(hour=9, minute=0)
    checkin = record(
        consented, wants_to_talk=WantsToTalk.TODAY, trusted_adult_id=teacher.pk, now=now
    ).checkin
    talk_request_answer(checkin=checkin, by=teacher, now=now + dt.timedelta(hours=2))
    found = selectors.talk_response(
        school=school_a, start=timezone.localdate(now), end=timezone.localdate(now)
    )
    assert (found.asked, found.answered, found.same_day) == (1, 1, 1)
    assert found.median_hours == 2


def test_an_answer_the_next_day_is_not_the_same_day(
    consented, teacher, school_a, class_a, parent, checkin_form
):
    """Counted by the database: asked, answered, answered the same local day, median."""
    now = timezone.now().replace(hour=9, minute=0)
    (other,) = _students(1, class_a, school_a, parent, checkin_form)
    answered, _unanswered = (
        record(s, wants_to_talk=WantsToTalk.TODAY, trusted_adult_id=teacher.pk, now=now).checkin
        for s in (consented, other)
    )
    talk_request_answer(checkin=answered, by=teacher, now=now + dt.timedelta(days=1))
    found = selectors.talk_response(
        school=school_a, start=timezone.localdate(now), end=timezone.localdate(now)
    )
    assert (found.asked, found.answered, found.same_day) == (2, 1, 0)
    assert found.median_hours == 24


def test_disclosure_rows_read_in_the_readers_language():
    from django.utils import translation

    from schoolwell.audit.texts import what_label
    from schoolwell.voice.views import WHAT_CLASS, WHAT_TALK

    with translation.override("es"):
        assert what_label(WHAT_CLASS) == "registros de los estudiantes (clase)"
        assert what_label(WHAT_TALK) == "pedido para hablar"
        assert what_label("export: student_checkins") == (
            "exportación: Registros de los estudiantes"
        )


def test_the_export_is_in_the_requesters_language(run_export, load_rows, consented, counsellor):
    """Labels are looked up as each cell is written: a Spanish reader's workbook is in
    Spanish even though the export kind was built at start-up, in English."""
    from django.utils import translation

    from schoolwell.voice.models import Energy, Feeling

    record(consented, feeling="worried", energy="low", topics=[Topic.SLEEP])
    counsellor.preferred_language = "es"
    counsellor.save(update_fields=["preferred_language"])
    export = run_export(counsellor, kind="student_checkins")
    with translation.override("es"):
        feeling, energy = str(Feeling.WORRIED.label), str(Energy.LOW.label)
        topic = str(Topic.SLEEP.label)
        title, headers = (
            translation.gettext("Student check-ins"),
            [translation.gettext(h) for h in ("Feeling", "Energy", "On their mind")],
        )
    assert feeling != "Worried" and title != "Student check-ins" and headers[0] != "Feeling"
    rows = load_rows(export)[title]  # the sheet and its columns are named in Spanish too
    values = dict(zip(rows[0], rows[1], strict=False))
    assert [values[h] for h in headers] == [feeling, energy, topic]
