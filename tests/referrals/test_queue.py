"""Rule 6: the queue orders by priority, then due time, then age; overdue stands out;
filters and counts; a constant number of queries whatever its length."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwell.audit.models import AccessLog
from schoolwell.referrals.models import Priority, Referral, Source, Status
from schoolwell.referrals.selectors import QueueFilters, queue_counts, referral_queue
from schoolwell.roster.models import Student

from .conftest import NOW, open_referral

URL = reverse("referrals:queue")


def bulk_referrals(school, n: int, *, now=NOW, grade=7):
    """n students with one open referral each, of mixed priority, status and due time."""
    start = Student.objects.count()
    students = Student.objects.bulk_create(
        Student(
            school=school,
            local_id=f"Q{start + i}",
            given_name="Q",
            family_name=f"S{i:05d}",
            grade=grade,
        )
        for i in range(n)
    )
    statuses = [Status.NEW, Status.CLAIMED, Status.TRIAGE, Status.IN_PROGRESS, Status.REFERRED_OUT]
    return Referral.objects.bulk_create(
        Referral(
            school=school,
            student=s,
            source=Source.RULE,
            priority=Priority.values[i % 3],
            status=statuses[i % len(statuses)],
            opened_at=now - dt.timedelta(hours=i),
            due_at=now + dt.timedelta(hours=(i % 7) - 3),
        )
        for i, s in enumerate(students)
    )


def test_order_is_priority_then_due_then_age(school_a, counsellor):
    def make(local_id, priority, due_hours, age_hours):
        student = Student.objects.create(
            school=school_a, local_id=local_id, given_name="G", family_name=local_id, grade=7
        )
        return Referral.objects.create(
            school=school_a,
            student=student,
            source=Source.RULE,
            priority=priority,
            opened_at=NOW - dt.timedelta(hours=age_hours),
            due_at=NOW + dt.timedelta(hours=due_hours),
        )

    routine_soon = make("r1", Priority.ROUTINE, 1, 1)
    urgent_late = make("u1", Priority.URGENT, 5, 1)
    urgent_soon_new = make("u2", Priority.URGENT, 2, 1)
    urgent_soon_old = make("u3", Priority.URGENT, 2, 9)
    high = make("h1", Priority.HIGH, 0, 1)
    order = list(referral_queue(user=counsellor, filters=QueueFilters(), now=NOW))
    assert order == [urgent_soon_old, urgent_soon_new, urgent_late, high, routine_soon]


def test_closed_and_other_schools_are_not_in_the_queue(student_a, student_b, counsellor):
    mine = open_referral(student_a)
    open_referral(student_b)
    closed_student = Student.objects.create(
        school=mine.school, local_id="c", given_name="C", family_name="C", grade=7
    )
    closed = open_referral(closed_student)
    Referral.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    assert list(referral_queue(user=counsellor, filters=QueueFilters(), now=NOW)) == [mine]


def test_overdue_stands_out_with_a_badge_and_text(client_for, student_a, student_a2, counsellor):
    now = timezone.now()
    late = open_referral(student_a, Priority.URGENT, now=now - dt.timedelta(hours=2))
    open_referral(student_a2, Priority.ROUTINE, now=now)
    page = client_for(counsellor).get(URL).content.decode()
    assert page.count('class="badge overdue-badge">Overdue<') == 1
    assert page.index("Overdue") < page.index(student_a2.family_name)
    assert late.due_at < now


def test_filters(school_a, counsellor, colleague):
    referrals = bulk_referrals(school_a, 30)
    Referral.objects.filter(pk=referrals[1].pk).update(assignee=counsellor)
    Referral.objects.filter(pk=referrals[6].pk).update(assignee=colleague)

    def pks(**filters):
        return {
            r.pk for r in referral_queue(user=counsellor, filters=QueueFilters(**filters), now=NOW)
        }

    assert pks(status="triage") == {r.pk for r in referrals if r.status == Status.TRIAGE}
    assert pks(priority=Priority.URGENT) == {
        r.pk for r in referrals if r.priority == Priority.URGENT
    }
    assert pks(mine=True) == {referrals[1].pk}
    assert pks(assignee=colleague.pk) == {referrals[6].pk}
    assert pks(overdue=True) == {r.pk for r in referrals if r.due_at < NOW}
    assert pks(grade=7) == {r.pk for r in referrals}
    assert pks(grade=8) == set()


def test_counts_per_status(school_a, counsellor):
    bulk_referrals(school_a, 10)
    assert queue_counts(user=counsellor) == {
        "new": 2,
        "claimed": 2,
        "triage": 2,
        "in_progress": 2,
        "referred_out": 2,
    }


def test_filter_form_with_bad_values_shows_the_whole_queue(client_for, school_a, counsellor):
    bulk_referrals(school_a, 5)
    response = client_for(counsellor).get(URL, {"priority": "nope", "grade": "x"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 5


def test_queue_page_queries_are_constant(
    client_for, school_a, counsellor, django_assert_max_num_queries
):
    client = client_for(counsellor)
    bulk_referrals(school_a, 5)
    client.get(URL)  # the scope is cached across requests from then on: measure both warm
    with django_assert_max_num_queries(20) as few:
        assert client.get(URL).status_code == 200
    bulk_referrals(school_a, 1000, grade=8)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(URL, {"page": "3"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 50
    assert len(many.captured_queries) == len(few.captured_queries)


def test_queue_view_is_logged_for_the_students_shown(client_for, school_a, counsellor):
    bulk_referrals(school_a, 3)
    client_for(counsellor).get(URL)
    assert AccessLog.objects.filter(user=counsellor, what="referral queue").count() == 3


@pytest.mark.parametrize("who", ["teacher", "parent", "outsider"])
def test_queue_is_403_for_teachers_parents_outsiders(request, client_for, student_a, who):
    open_referral(student_a)
    response = client_for(request.getfixturevalue(who)).get(URL)
    assert response.status_code == 403


def test_other_school_counsellor_sees_an_empty_queue(client_for, student_a, other_counsellor):
    open_referral(student_a)
    response = client_for(other_counsellor).get(URL)
    assert response.status_code == 200
    assert student_a.family_name not in response.content.decode()
