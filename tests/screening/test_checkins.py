"""Whole-class check-ins: one request, constant queries, one per student per teacher per
day, corrections keep history, only the class's teachers, bad input changes nothing."""

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwell.audit.models import AccessLog
from schoolwell.core import registry
from schoolwell.screening.models import CheckIn, CheckInRevision
from schoolwell.screening.services import CheckInEntry, ScreeningInputError, checkins_record
from tests.conftest import enroll, make_student


def url(klass):
    return reverse("screening:checkin_class", args=[klass.pk])


def fill_class(school, klass, n, prefix="S"):
    students = [make_student(school, f"{prefix}{i}") for i in range(n)]
    for student in students:
        enroll(student, klass)
    return students


def test_teacher_saves_whole_class_in_one_request(
    client_for, teacher, class_a, student_a, concern_tags
):
    other = fill_class(class_a.school, class_a, 2)
    response = client_for(teacher).post(
        url(class_a),
        {
            f"w-{student_a.pk}": "2",
            f"tags-{student_a.pk}": ["tearful", "tired"],
            f"note-{student_a.pk}": "Quiet after lunch",
            f"w-{other[0].pk}": "absent",
            f"w-{other[1].pk}": "",  # left blank: skipped
        },
    )
    assert response.status_code == 302
    rows = {c.student_id: c for c in CheckIn.objects.all()}
    assert set(rows) == {student_a.pk, other[0].pk}
    assert rows[student_a.pk].wellbeing == 2
    assert rows[student_a.pk].tags == ["tearful", "tired"]
    assert rows[student_a.pk].note == "Quiet after lunch"
    assert rows[student_a.pk].teacher == teacher
    assert rows[other[0].pk].absent and rows[other[0].pk].wellbeing is None


def test_correction_keeps_history_and_stays_one_per_day(teacher, class_a, student_a):
    today = timezone.localdate()
    checkins_record(
        klass=class_a,
        teacher=teacher,
        date=today,
        entries=[CheckInEntry(student_id=student_a.pk, wellbeing=4)],
    )
    saved = checkins_record(
        klass=class_a,
        teacher=teacher,
        date=today,
        entries=[CheckInEntry(student_id=student_a.pk, wellbeing=2, note="upset")],
    )
    assert len(saved) == 1
    checkin = CheckIn.objects.get()
    assert (checkin.wellbeing, checkin.note) == (2, "upset")
    revision = CheckInRevision.objects.get()
    assert (revision.checkin, revision.wellbeing, revision.note) == (checkin, 4, "")
    # Saving the same values again is no change: no revision, nothing passed to the hooks.
    again = checkins_record(
        klass=class_a,
        teacher=teacher,
        date=today,
        entries=[CheckInEntry(student_id=student_a.pk, wellbeing=2, note="upset")],
    )
    assert again == [] and CheckInRevision.objects.count() == 1


def test_hooks_get_the_saved_checkins_inside_the_transaction(
    teacher, class_a, student_a, monkeypatch
):
    seen = []
    monkeypatch.setattr(registry, "checkin_hooks", [])
    registry.checkin_hooks.append(lambda rows: seen.append([c.pk for c in rows]))
    # The service imported the list object itself, so patch that reference too.
    from schoolwell.screening.services import checkins as module

    monkeypatch.setattr(module, "checkin_hooks", registry.checkin_hooks)
    saved = checkins_record(
        klass=class_a,
        teacher=teacher,
        date=timezone.localdate(),
        entries=[CheckInEntry(student_id=student_a.pk, wellbeing=1)],
    )
    assert seen == [[saved[0].pk]] and saved[0].pk is not None


@pytest.mark.parametrize(
    "data, message",
    [
        ({"w-{a}": "7"}, "wellbeing must be 1 to 5"),
        ({"w-{a}": "high"}, "wellbeing must be 1 to 5"),
        ({"w-{a}": "3", "tags-{a}": "made_up"}, "unknown concern tags"),
        ({"w-{a}": "3", "note-{a}": "x" * 281}, "longer than 280"),
        # PostgreSQL cannot store NUL: it was a 500 there.
        ({"w-{a}": "3", "note-{a}": "tired\x00"}, "cannot be saved"),
    ],
)
def test_bad_input_is_a_400_and_nothing_is_saved(
    client_for, teacher, class_a, student_a, concern_tags, data, message
):
    other = fill_class(class_a.school, class_a, 1)
    post = {k.format(a=student_a.pk): v for k, v in data.items()}
    post[f"w-{other[0].pk}"] = "4"  # a good row alongside: still nothing saved
    response = client_for(teacher).post(url(class_a), post)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CheckIn.objects.exists()


def test_student_of_another_class_cannot_be_checked_in(teacher, class_a, student_a, student_a2):
    with pytest.raises(ScreeningInputError) as exc:
        checkins_record(
            klass=class_a,
            teacher=teacher,
            date=timezone.localdate(),
            entries=[CheckInEntry(student_id=student_a2.pk, wellbeing=3)],
        )
    assert student_a2.pk in exc.value.errors
    assert not CheckIn.objects.exists()


def test_future_or_old_dates_are_refused(client_for, teacher, class_a, student_a):
    client = client_for(teacher)
    for day in ["2999-01-01", "2001-01-01", "not-a-date"]:
        response = client.post(url(class_a), {"date": day, f"w-{student_a.pk}": "3"})
        assert response.status_code == 404
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    "persona",
    ["other_teacher", "counsellor", "school_admin", "district_admin", "parent", "outsider"],
)
def test_only_the_class_teachers_can_check_in(request, client_for, class_a, student_a, persona):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(url(class_a)).status_code == 404
    assert client.post(url(class_a), {f"w-{student_a.pk}": "3"}).status_code == 404
    assert not CheckIn.objects.exists()


def test_anonymous_is_sent_to_login(client, class_a):
    response = client.get(url(class_a))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _post_for(students):
    return {f"w-{s.pk}": str(1 + i % 5) for i, s in enumerate(students)} | {
        f"tags-{students[0].pk}": "tired"
    }


def test_save_uses_the_same_number_of_queries_for_30_and_60_students(
    client_for,
    teacher,
    class_a,
    concern_tags,
    school_a,
    class_a2,
    other_teacher,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = fill_class(school_a, class_a, 30)
    big = fill_class(school_a, class_a2, 60, prefix="B")
    client = client_for(teacher)
    with CaptureQueriesContext(connection) as first:
        assert client.post(url(class_a), _post_for(small)).status_code == 302
    client = client_for(other_teacher)
    with CaptureQueriesContext(connection) as second:
        assert client.post(url(class_a2), _post_for(big)).status_code == 302
    assert len(first) == len(second)
    assert CheckIn.objects.count() == 90
    # Corrections (revisions + one bulk update) are constant too.
    counts = []
    for user, klass, students in ((teacher, class_a, small), (other_teacher, class_a2, big)):
        client = client_for(user)
        changed = {k: ("2" if k.startswith("w-") else v) for k, v in _post_for(students).items()}
        with CaptureQueriesContext(connection) as queries:
            assert client.post(url(klass), changed).status_code == 302
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert CheckInRevision.objects.count() > 0


def test_page_shows_saved_values_and_logs_the_view(client_for, teacher, class_a, student_a):
    checkins_record(
        klass=class_a,
        teacher=teacher,
        date=timezone.localdate(),
        entries=[CheckInEntry(student_id=student_a.pk, wellbeing=5, note="great day")],
    )
    response = client_for(teacher).get(url(class_a))
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="w-{student_a.pk}-5" name="w-{student_a.pk}" value="5" checked' in body
    assert "great day" in body
    assert AccessLog.objects.filter(user=teacher, student=student_a, what="class check-in").exists()


def _real(queries) -> int:
    # The test's own transaction turns the service's atomic block into SAVEPOINT/RELEASE
    # statements; in production those are BEGIN/COMMIT, which Django does not count either.
    return sum(1 for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE")))


@pytest.mark.parametrize("size", [3, 30])
def test_a_whole_class_save_costs_at_most_10_queries(client_for, teacher, class_a, school_a, size):
    """Issue 13: session, user, class, roster (read once, reused by the service and hooks),
    the day's check-ins, the write, rules, their history and support goals; constant."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from schoolwell.referrals.models import Priority
    from schoolwell.referrals.models.rules import DueUnit, RuleKind, ThresholdRule

    ThresholdRule.objects.create(
        school=school_a,
        code="low",
        kind=RuleKind.CHECKIN_LOW,
        threshold=1,
        count=5,
        window_school_days=10,
        priority=Priority.ROUTINE,
        due_within=1,
        due_unit=DueUnit.HOURS,
    )
    students = fill_class(school_a, class_a, size)
    client = client_for(teacher)
    assert client.get(url(class_a)).status_code == 200  # the scope is cached from here on
    for wellbeing in ("4", "5"):  # a first save, then a correction of every row
        data = {f"w-{s.pk}": wellbeing for s in students}
        with CaptureQueriesContext(connection) as queries:
            assert client.post(url(class_a), data).status_code == 302
        assert _real(queries) <= 10, [q["sql"][:80] for q in queries]
    assert CheckIn.objects.filter(wellbeing=5).count() == size
    assert CheckInRevision.objects.count() == size


def test_ids_on_the_page_are_never_localized(client_for, teacher, class_a, school_a, settings):
    # With thousands separators on, a localized id would read "w-12,345" and break the form.
    settings.USE_THOUSAND_SEPARATOR = True
    student = make_student(school_a, "big", pk=12345)
    enroll(student, class_a)
    page = client_for(teacher).get(url(class_a)).content.decode()
    assert 'name="w-12345"' in page and 'id="row-12345"' in page
