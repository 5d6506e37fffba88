"""Staff pages: paper/phone entry, coverage, awaiting list, reminders."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from schoolwell.audit.models import AccessLog
from schoolwell.consent.gating import ConsentState, effective_consent
from schoolwell.consent.models import Channel, ConsentDecision, ConsentNotice, Purpose
from schoolwell.consent.services import consent_grant
from schoolwell.roster.models import Enrollment, GuardianLink, Student

pytestmark = pytest.mark.django_db
SCREENING = Purpose.UNIVERSAL_SCREENING


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def record_url(student):
    return reverse("consent:record", args=[student.pk])


def paper(form, guardian, decision="granted"):
    return {
        "form": form.pk,
        "guardian": guardian.pk,
        "decision": decision,
        "channel": Channel.PAPER,
        "note": "Signed form returned",
    }


@pytest.mark.parametrize("persona", ["school_admin", "counsellor", "district_admin"])
def test_staff_record_paper_consent(client_for, request, persona, student_a, parent, live_form):
    staff = request.getfixturevalue(persona)
    client = client_for(staff)
    page = client.get(record_url(student_a))
    assert page.status_code == 200 and "Record a decision" in page.content.decode()
    assert AccessLog.objects.filter(student=student_a, what="consent record").exists()
    response = client.post(record_url(student_a), paper(live_form, parent))
    assert response.status_code == 302
    decision = ConsentDecision.objects.get()
    assert (decision.channel, decision.recorded_by, decision.guardian) == (
        Channel.PAPER,
        staff,
        parent,
    )
    assert effective_consent(student_a, SCREENING).allowed is True


@pytest.mark.parametrize(
    "persona",
    ["teacher", "other_teacher", "other_counsellor", "parent", "other_parent", "outsider"],
)
def test_others_may_not_record(client_for, request, persona, student_a, parent, live_form):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(record_url(student_a)).status_code == 404
    assert client.post(record_url(student_a), paper(live_form, parent)).status_code == 404
    assert not ConsentDecision.objects.exists()


def test_record_refuses_a_guardian_without_consent_rights(
    client_for, school_admin, student_a, parent, live_form
):
    GuardianLink.objects.filter(guardian=parent).update(may_consent=False)
    response = client_for(school_admin).post(record_url(student_a), paper(live_form, parent))
    assert response.status_code == 400
    assert not ConsentDecision.objects.exists()


def test_record_refuses_another_familys_guardian(
    client_for, school_admin, student_a, other_parent, live_form
):
    response = client_for(school_admin).post(record_url(student_a), paper(live_form, other_parent))
    assert response.status_code == 400
    assert not ConsentDecision.objects.exists()


def test_staff_revoke_by_phone(client_for, counsellor, student_a, parent, live_form):
    consent_grant(
        student=student_a, guardian=parent, form=live_form, channel="portal", recorded_by=parent
    )
    data = paper(live_form, parent, "revoked") | {"channel": Channel.PHONE}
    client_for(counsellor).post(record_url(student_a), data)
    assert effective_consent(student_a, SCREENING).state == ConsentState.REVOKED


def _class_of(school, klass, count, prefix, guardian_language="en"):
    from schoolwell.accounts.models import User

    students = []
    for i in range(count):
        s = Student.objects.create(
            school=school,
            local_id=f"{prefix}{i}",
            given_name="Kid",
            family_name=f"{prefix}{i}",
            grade=7 + i % 2,
        )
        Enrollment.objects.create(student=s, klass=klass)
        g = User.objects.create_user(
            username=f"{prefix}g{i}",
            email=f"{prefix}g{i}@example.org",
            preferred_language=guardian_language,
        )
        GuardianLink.objects.create(guardian=g, student=s)
        students.append((s, g))
    return students


def test_coverage_counts_and_constant_queries(
    client_for, school_admin, school_a, class_a, live_form, django_assert_max_num_queries
):
    client = client_for(school_admin)
    url = reverse("consent:coverage") + f"?school={school_a.pk}&purpose={SCREENING}"
    family = _class_of(school_a, class_a, 5, "c")
    consent_grant(
        student=family[0][0],
        guardian=family[0][1],
        form=live_form,
        channel="portal",
        recorded_by=family[0][1],
    )
    client.get(url)
    with django_assert_max_num_queries(30) as small:
        response = client.get(url)
    body = response.content.decode()
    assert "1</strong> / 5" in body
    _class_of(school_a, class_a, 30, "d")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert "1</strong> / 35" in response.content.decode()
    assert "Advisory 7-A" in response.content.decode()


@pytest.mark.parametrize("persona", ["teacher", "counsellor", "parent", "outsider"])
def test_coverage_is_for_administrators(client_for, request, persona, school_a, live_form):
    client = client_for(request.getfixturevalue(persona))
    for name in ("consent:coverage", "consent:awaiting", "consent:form_list"):
        assert client.get(reverse(name)).status_code in (404, 302)
    assert client.post(reverse("consent:reminders"), {"school": school_a.pk}).status_code == 404


def test_other_schools_coverage_is_404(client_for, school_admin, school_b):
    url = reverse("consent:coverage") + f"?school={school_b.pk}"
    assert client_for(school_admin).get(url).status_code == 404


def test_awaiting_list_logs_views_and_is_constant(
    client_for, school_admin, school_a, class_a, live_form, django_assert_max_num_queries
):
    client = client_for(school_admin)
    url = reverse("consent:awaiting") + f"?school={school_a.pk}&purpose={SCREENING}"
    _class_of(school_a, class_a, 5, "e")
    client.get(url)
    with django_assert_max_num_queries(40) as small:
        response = client.get(url)
    assert response.content.decode().count("/record/") == 5
    _class_of(school_a, class_a, 30, "f")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)
    assert AccessLog.objects.filter(what="consent status (awaiting list)").count() >= 5


def test_reminders_email_families_who_have_not_answered(
    client_for, school_admin, school_a, class_a, live_form, django_capture_on_commit_callbacks
):
    family = _class_of(school_a, class_a, 3, "r", guardian_language="es")
    answered, answerer = family[0]
    consent_grant(
        student=answered, guardian=answerer, form=live_form, channel="portal", recorded_by=answerer
    )
    client = client_for(school_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("consent:reminders"), {"school": school_a.pk, "purpose": SCREENING}
        )
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["rg1@example.org", "rg2@example.org"]
    assert all("Necesitamos su decisión" in m.subject for m in mail.outbox)
    assert ConsentNotice.objects.filter(form=live_form).count() == 2
    # Nobody is emailed twice within a day.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("consent:reminders"), {"school": school_a.pk, "purpose": SCREENING})
    assert len(mail.outbox) == 2
