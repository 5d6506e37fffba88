"""A teacher's "I am worried about this student", and what the teacher sees afterwards."""

import pytest
from django.urls import reverse

from schoolwell.referrals.models import Priority, Referral, Source, Status
from schoolwell.referrals.services import referral_claim, referral_close, referral_note_add


def url(student):
    return reverse("referrals:concern", args=[student.pk])


def test_teacher_raises_a_concern_for_a_student_of_their_class(client_for, student_a, teacher):
    response = client_for(teacher).post(
        url(student_a), {"concerns": "withdrawn", "priority": Priority.HIGH, "note": "Quiet."}
    )
    assert response.status_code == 302
    referral = Referral.objects.get(student=student_a)
    assert (referral.source, referral.priority) == (Source.MANUAL, Priority.HIGH)
    reason = referral.reasons.get()
    assert (reason.raised_by, reason.concern_code, reason.note) == (teacher, "withdrawn", "Quiet.")


def test_urgent_concern_shows_what_to_do_now(client_for, student_a, teacher):
    client = client_for(teacher)
    response = client.post(
        url(student_a), {"concerns": "self_harm_concern", "priority": Priority.URGENT}
    )
    assert response.url == reverse("screening:crisis_plan", args=[student_a.school_id])
    page = client.get(response.url).content.decode()
    assert "Stay with the student" in page and "988" in page
    assert "on-call counsellor has been alerted" in page


def test_same_concern_twice_keeps_one_reason(client_for, student_a, teacher):
    client = client_for(teacher)
    data = {"concerns": "withdrawn", "priority": Priority.ROUTINE}
    client.post(url(student_a), data)
    client.post(url(student_a), data)
    assert Referral.objects.get(student=student_a).reasons.count() == 1


def test_student_of_another_class_is_404(client_for, student_a2, teacher):
    response = client_for(teacher).post(
        url(student_a2), {"concerns": "withdrawn", "priority": Priority.ROUTINE}
    )
    assert response.status_code == 404
    assert not Referral.objects.exists()


@pytest.mark.parametrize("who", ["counsellor", "parent", "outsider"])
def test_only_teachers_raise_concerns_here(request, client_for, student_a, who):
    response = client_for(request.getfixturevalue(who)).post(
        url(student_a), {"concerns": "withdrawn", "priority": Priority.ROUTINE}
    )
    assert response.status_code == 403
    assert not Referral.objects.exists()


def test_bad_concern_form_is_400(client_for, student_a, teacher):
    response = client_for(teacher).post(url(student_a), {"concerns": "made-up", "priority": "9"})
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_teacher_sees_only_the_coarse_status(client_for, student_a, teacher, counsellor):
    client = client_for(teacher)
    client.post(
        url(student_a),
        {"concerns": "withdrawn", "priority": Priority.HIGH, "note": "Teacher's words"},
    )
    referral = Referral.objects.get(student=student_a)
    referral_claim(referral=referral, by=counsellor)
    referral_note_add(referral=referral, by=counsellor, body="Counsellor secret", private=False)
    page = client.get(reverse("roster:student_detail", args=[student_a.pk])).content.decode()
    assert "referral open" in page
    for hidden in ("Counsellor secret", "Claimed", "High"):
        assert hidden not in page
    home = client.get(reverse("home")).content.decode()
    assert "referral open" in home and "Counsellor secret" not in home
    referral_close(referral=referral, by=counsellor, outcome="monitoring", note="Closing words")
    page = client.get(reverse("roster:student_detail", args=[student_a.pk])).content.decode()
    assert "referral closed" in page and "Closing words" not in page and "Monitoring" not in page
    klass = client.get(
        reverse("roster:class_detail", args=[student_a.enrollments.get().klass_id])
    ).content.decode()
    assert "referral closed" in klass


def test_teacher_sees_nothing_of_referrals_they_did_not_raise(
    client_for, student_a, teacher, counsellor
):
    from .conftest import open_referral

    open_referral(student_a, Priority.URGENT)
    page = client_for(teacher).get(reverse("roster:student_detail", args=[student_a.pk]))
    body = page.content.decode()
    assert "referral open" not in body and "Urgent" not in body
    assert "Raise a concern" in body


def test_counsellor_student_page_links_open_referral_and_timeline(
    client_for, student_a, counsellor
):
    from .conftest import open_referral

    referral = open_referral(student_a, Priority.URGENT)
    body = (
        client_for(counsellor)
        .get(reverse("roster:student_detail", args=[student_a.pk]))
        .content.decode()
    )
    assert reverse("referrals:detail", args=[referral.pk]) in body
    assert reverse("referrals:timeline", args=[student_a.pk]) in body
    assert str(Status.NEW.label) in body


def test_note_help_text_is_what_aria_describedby_points_at(client_for, student_a, teacher):
    html = client_for(teacher).get(url(student_a)).content.decode()
    assert 'aria-describedby="id_note_helptext"' in html and 'id="id_note_helptext"' in html
