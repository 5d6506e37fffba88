"""What consent adds to shared pages (student page, home, navigation) and to the demo."""

import io

import pytest
from django.conf import settings
from django.urls import reverse

from schoolwell.consent.gating import ConsentState, effective_consents
from schoolwell.consent.models import ConsentDecision, ConsentForm, Policy, Purpose

from .conftest import make_live_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.mark.parametrize("persona", ["teacher", "counsellor", "school_admin"])
def test_student_page_shows_effective_consent(client_for, request, persona, student_a, live_form):
    body = client_for(request.getfixturevalue(persona)).get(
        reverse("roster:student_detail", args=[student_a.pk])
    )
    text = body.content.decode()
    assert "Wellbeing screening" in text and "No answer yet" in text
    may_record = persona != "teacher"
    assert (reverse("consent:record", args=[student_a.pk]) in text) is may_record


def test_home_lists_what_awaits_a_parent(client_for, parent, student_a, live_form):
    text = client_for(parent).get(reverse("home")).content.decode()
    assert "Consent requests" in text
    assert reverse("consent:form", args=[student_a.pk, live_form.pk]) in text


def test_navigation_per_role(client_for, parent, school_admin, teacher):
    portal, coverage = reverse("consent:portal"), reverse("consent:coverage")
    parent_home = client_for(parent).get(reverse("home")).content.decode()
    assert portal in parent_home and coverage not in parent_home
    admin_home = client_for(school_admin).get(reverse("home")).content.decode()
    assert coverage in admin_home and f'href="{portal}"' not in admin_home
    teacher_home = client_for(teacher).get(reverse("home")).content.decode()
    assert coverage not in teacher_home and f'href="{portal}"' not in teacher_home


def test_demo_shows_both_policies_and_a_realistic_spread():
    from django.core.management import call_command

    from schoolwell.accounts.models import User
    from schoolwell.consent.selectors import guardian_consents
    from schoolwell.roster.models import School, Student

    call_command("seed_demo", stdout=io.StringIO())
    forms = {(f.school.code, f.purpose): f for f in ConsentForm.objects.select_related("school")}
    assert forms[("riverside-secondary", Purpose.UNIVERSAL_SCREENING)].policy == Policy.ACTIVE
    assert forms[("riverside-elementary", Purpose.UNIVERSAL_SCREENING)].policy == Policy.PASSIVE
    secondary = School.objects.get(code="riverside-secondary")
    states = [
        c[Purpose.UNIVERSAL_SCREENING].state
        for c in effective_consents(Student.objects.filter(school=secondary)).values()
    ]
    share = {s: states.count(s) / len(states) for s in set(states)}
    assert share[ConsentState.GRANTED] > 0.5
    for state in (ConsentState.DENIED, ConsentState.REVOKED, ConsentState.NO_ANSWER):
        assert 0.02 < share[state] < 0.3
    assert ConsentDecision.objects.filter(channel__in=["paper", "phone"]).exists()
    older, younger = guardian_consents(User.objects.get(username="parent"))
    if older.student.school_id != secondary.pk:
        older, younger = younger, older
    screening = {r.form.purpose: r for r in older.requests}[Purpose.UNIVERSAL_SCREENING]
    assert screening.effective.state == ConsentState.GRANTED
    assert [r.form.purpose for r in younger.waiting] == [Purpose.UNIVERSAL_SCREENING]

    counts = (ConsentForm.objects.count(), ConsentDecision.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (ConsentForm.objects.count(), ConsentDecision.objects.count()) == counts


def test_student_panel_is_constant_in_queries(
    client_for, counsellor, student_a, school_a, django_assert_max_num_queries
):
    url = reverse("roster:student_detail", args=[student_a.pk])
    make_live_form(school_a)
    client = client_for(counsellor)
    client.get(url)
    with django_assert_max_num_queries(40) as before:
        client.get(url)
    for purpose in (Purpose.COUNSELLING, Purpose.EXTERNAL_SHARING, "photo_release"):
        make_live_form(school_a, purpose)
    with django_assert_max_num_queries(len(before.captured_queries) + 1):
        client.get(url)  # + the minor self-consent setting, once counselling has a form


def test_class_page_shows_who_may_be_screened(
    client_for, teacher, parent, student_a, class_a, live_form, django_assert_max_num_queries
):
    from schoolwell.consent.models import Channel
    from schoolwell.consent.services import consent_grant
    from tests.conftest import enroll, make_student

    url = reverse("roster:class_detail", args=[class_a.pk])
    client = client_for(teacher)
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        text = client.get(url).content.decode()
    assert "0 of 1 students may be screened now." in text
    consent_grant(
        student=student_a,
        guardian=parent,
        form=live_form,
        channel=Channel.PORTAL,
        recorded_by=parent,
    )
    for i in range(25):
        enroll(make_student(class_a.school, f"M{i}"), class_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        text = client.get(url).content.decode()
    assert "1 of 26 students may be screened now." in text
    assert "25 students may not be screened" in text
