"""Erasure of one student's data: two administrators, refused under a legal hold, the
disclosure record and the request kept as the audit record; everything else goes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from schoolwell.audit.models import AccessLog
from schoolwell.consent.models import ConsentDecision
from schoolwell.lifecycle import services
from schoolwell.lifecycle.models import ErasureRequest, ErasureStatus, PurgeLog
from schoolwell.referrals.models import Referral, ReferralNote
from schoolwell.roster.models import GuardianLink, Student
from schoolwell.safety.models import RiskAssessment
from schoolwell.screening.models import CheckIn, ScreeningResult

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(record, student_a, school_admin):
    return services.erasure_request(
        student=student_a, by=school_admin, verification="Signed letter, ID checked 1 Dec"
    )


def test_a_second_administrator_erases(asked, record, student_a, second_admin, student_a2):
    logs_before = AccessLog.objects.filter(student=student_a).count()
    services.erasure_approve(erasure=asked, by=second_admin)
    for model in (CheckIn, ScreeningResult, ConsentDecision, RiskAssessment, GuardianLink):
        assert not model.objects.filter(student=student_a).exists(), model
    assert not Referral.objects.filter(student=student_a).exists()
    assert not ReferralNote.objects.exists()
    student = Student.objects.get(pk=student_a.pk)
    assert "Given" not in student.display_name and student.date_of_birth is None
    assert not student.active
    # The audit record: the disclosure record (plus the erasure itself) and the request.
    assert AccessLog.objects.filter(student=student_a).count() == logs_before + 1
    asked.refresh_from_db()
    assert (asked.status, asked.decided_by) == (ErasureStatus.DONE, second_admin)
    counts = dict(PurgeLog.objects.filter(erasure=asked).values_list("category", "rows"))
    assert counts == {"checkins": 3, "screening": 1, "support": 1, "consent": 1}
    # Nobody else's data moved.
    assert Student.objects.get(pk=student_a2.pk).given_name == "GivenA2"


def test_the_same_administrator_cannot_approve(asked, school_admin):
    with pytest.raises(PermissionDenied):
        services.erasure_approve(erasure=asked, by=school_admin)
    assert ScreeningResult.objects.exists()


def test_a_legal_hold_refuses_erasure(asked, student_a, school_admin, second_admin):
    services.legal_hold_place(student=student_a, by=school_admin, reason="Litigation")
    with pytest.raises(ValidationError):
        services.erasure_approve(erasure=asked, by=second_admin)
    assert ScreeningResult.objects.filter(student=student_a).exists()
    assert ErasureRequest.objects.get().status == ErasureStatus.REQUESTED


@pytest.mark.parametrize(
    "who", ["teacher", "counsellor", "other_counsellor", "parent", "other_parent", "outsider"]
)
def test_only_administrators_of_the_school(request, asked, student_a, who):
    user = request.getfixturevalue(who)
    with pytest.raises((PermissionDenied, Http404)):
        services.erasure_approve(erasure=asked, by=user)
    with pytest.raises((PermissionDenied, Http404)):
        services.erasure_request(student=student_a, by=user, verification="x")
    assert ScreeningResult.objects.exists()


def test_through_the_pages(client, record, student_a, school_admin, second_admin):
    client.force_login(school_admin)
    response = client.post(
        reverse("lifecycle:erasure_new"), {"student": student_a.pk, "verification": "ID seen"}
    )
    assert response.status_code == 302
    erasure = ErasureRequest.objects.get()
    page = client.get(reverse("lifecycle:policy")).content.decode()
    assert "Waiting for a second administrator." in page
    url = reverse("lifecycle:erasure_decide", args=[erasure.pk])
    assert client.post(url, {"decision": "approve"}).status_code == 403
    client.force_login(second_admin)
    assert client.post(url, {"decision": "approve"}).status_code == 302
    assert not CheckIn.objects.filter(student=student_a).exists()


@pytest.mark.parametrize("data", [{}, {"student": "abc", "verification": "x"}, {"student": 1}])
def test_hostile_input_is_a_clear_400(client, school_admin, data):
    client.force_login(school_admin)
    assert client.post(reverse("lifecycle:erasure_new"), data).status_code == 400
    assert client.post(reverse("lifecycle:hold_place"), data).status_code == 400
    assert not ErasureRequest.objects.exists()


def test_another_schools_student_is_a_404(client, school_admin, student_b):
    client.force_login(school_admin)
    response = client.post(
        reverse("lifecycle:erasure_new"), {"student": student_b.pk, "verification": "x"}
    )
    assert response.status_code == 404
