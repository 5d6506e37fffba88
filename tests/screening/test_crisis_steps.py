"""Rule 4 where the concern is raised: a check-in saved with an urgent concern tag leads
with the school's crisis steps, who to call (tap to call) and what happens next."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schoolwell.referrals.demo import rules_install_defaults
from schoolwell.referrals.models import OnCall, Priority, Referral, ThresholdRule
from schoolwell.referrals.services import referral_note_add
from schoolwell.screening.services import checkins_record, crisis_plans_sync
from schoolwell.screening.services.checkins import CheckInEntry
from tests.conftest import enroll, make_student

SELF_HARM = "self_harm_concern"


def url(klass):
    return reverse("screening:checkin_class", args=[klass.pk])


@pytest.fixture
def rules(school_a):
    rules_install_defaults(school=school_a)


@pytest.fixture
def on_call(counsellor, school_a):
    return OnCall.objects.create(school=school_a, counsellor=counsellor, phone="+1 555 010 0142")


def save(client, klass, students, tags=None):
    """Post the whole-class form, everyone "3", with tags for some; follow the redirect."""
    data = {f"w-{s.pk}": "3" for s in students}
    for student, codes in (tags or {}).items():
        data[f"tags-{student.pk}"] = codes
    response = client.post(url(klass), data)
    assert response.status_code == 302
    return client.get(response.url).content.decode()


def test_critical_check_in_leads_with_the_crisis_steps(
    client_for, teacher, class_a, student_a, concern_tags, rules, on_call
):
    calm = make_student(class_a.school, "A9", given_name="Calm", family_name="Pupil")
    enroll(calm, class_a)
    page = save(client_for(teacher), class_a, [student_a, calm], {student_a: [SELF_HARM]})
    card = page.index('id="crisis-card"')
    # The steps first, then the ordinary summary (which also tells the draft script to go).
    assert card < page.index("Check-in saved (2 changed).") < page.index('id="checkin-form"')
    assert page.index("Stay with the student.") > card
    assert page.count("<li>", card, page.index("Who to call now")) == 5
    assert 'href="tel:+15550100142"' in page and "Call Cora Counsellor (on call)" in page
    assert "If you cannot reach them:" in page and 'href="tel:988"' in page
    assert "The counsellor comes to you" in page  # what happens next
    # Only the student this teacher flagged is named.
    assert f"You flagged: <strong>{student_a.display_name}</strong></p>" in page
    assert Referral.objects.get(student=student_a).priority == Priority.URGENT


def test_nobody_on_call_gives_the_fallback_number(
    client_for, teacher, class_a, student_a, concern_tags, rules
):
    page = save(client_for(teacher), class_a, [student_a], {student_a: [SELF_HARM]})
    assert "No counsellor is on call right now." in page
    assert "Call instead:" in page and 'href="tel:988"' in page
    assert 'class="button call secondary"' not in page  # the fallback is the main button


def test_on_call_without_a_phone_is_named_and_the_fallback_is_the_number(
    client_for, teacher, class_a, student_a, counsellor, school_a, concern_tags, rules
):
    OnCall.objects.create(school=school_a, counsellor=counsellor)
    crisis_plans_sync()
    school_a.crisis_plan.__class__.objects.filter(school=school_a).update(
        fallback_phone="(555) 010-0100", fallback_name={"en": "Front office", "es": "Dirección"}
    )
    page = save(client_for(teacher), class_a, [student_a], {student_a: [SELF_HARM]})
    assert "Cora Counsellor is on call but has no phone number here." in page
    assert "Call instead:" in page and 'href="tel:5550100100"' in page
    assert "Call Front office" in page


def test_an_on_call_counsellor_who_left_the_school_is_not_offered(
    client_for, teacher, class_a, student_a, other_counsellor, school_a, concern_tags, rules
):
    OnCall.objects.create(school=school_a, counsellor=other_counsellor, phone="555 010 0199")
    page = save(client_for(teacher), class_a, [student_a], {student_a: [SELF_HARM]})
    assert "0199" not in page and "No counsellor is on call right now." in page


@pytest.mark.parametrize("codes", [[], ["tired"], ["tired", "withdrawn", "family_change"]])
def test_no_crisis_steps_for_ordinary_saves(
    client_for, teacher, class_a, student_a, concern_tags, rules, on_call, codes
):
    page = save(client_for(teacher), class_a, [student_a], {student_a: codes})
    assert "Check-in saved (1 changed)." in page
    assert "crisis-card" not in page and "tel:" not in page


def test_a_tag_is_critical_only_while_the_schools_rule_makes_it_urgent(
    client_for, teacher, class_a, student_a, concern_tags, rules, on_call, school_a
):
    ThresholdRule.objects.filter(school=school_a, code="concern-self-harm").update(
        priority=Priority.HIGH
    )
    page = save(client_for(teacher), class_a, [student_a], {student_a: [SELF_HARM]})
    assert "crisis-card" not in page


def test_steps_in_the_teachers_language(
    client_for, teacher, class_a, student_a, concern_tags, rules, on_call
):
    teacher.preferred_language = "es"
    teacher.save()
    client = client_for(teacher)
    client.cookies["django_language"] = "es"
    page = save(client, class_a, [student_a], {student_a: [SELF_HARM]})
    assert "Quédese con el estudiante." in page and "A quién llamar ahora" in page
    assert "Llamar a Cora Counsellor (de guardia)" in page


def test_the_confirmation_shows_nothing_the_teacher_may_not_see(
    client_for,
    teacher,
    other_teacher,
    class_a,
    class_a2,
    student_a,
    student_a2,
    counsellor,
    concern_tags,
    rules,
    on_call,
):
    # Another teacher flagged their own student; a counsellor wrote on student_a's referral.
    checkins_record(
        klass=class_a2,
        teacher=other_teacher,
        date=timezone.localdate(),
        entries=[CheckInEntry(student_id=student_a2.pk, wellbeing=2, tags=[SELF_HARM])],
    )
    page = save(client_for(teacher), class_a, [student_a], {student_a: [SELF_HARM]})
    referral_note_add(
        referral=Referral.objects.get(student=student_a),
        by=counsellor,
        body="Counsellor secret",
        private=False,
    )
    page += save(client_for(teacher), class_a, [student_a], {student_a: [SELF_HARM, "tired"]})
    assert "crisis-card" in page
    assert student_a2.display_name not in page and "Counsellor secret" not in page
    assert "Urgent" not in page  # the referral's priority stays with the counsellors


def test_draft_script_sees_the_confirmation(
    client_for, teacher, class_a, student_a, concern_tags, rules
):
    """checkin.js clears the tab's draft only on `.message.success`: it must be there."""
    page = save(client_for(teacher), class_a, [student_a], {student_a: [SELF_HARM]})
    assert '<li class="message success">Check-in saved (1 changed).</li>' in page


def test_a_failed_save_shows_no_crisis_steps_and_keeps_the_draft(
    client_for, teacher, class_a, student_a, concern_tags, rules, on_call
):
    response = client_for(teacher).post(
        url(class_a), {f"w-{student_a.pk}": "9", f"tags-{student_a.pk}": SELF_HARM}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "crisis-card" not in page and "message success" not in page


def test_save_costs_no_more_queries_with_concern_tags(
    client_for, teacher, class_a, concern_tags, rules, on_call, school_a
):
    """Deciding on the crisis steps costs the save nothing (the page it redirects to
    decides). Measured on main before this feature (SQLite): 19 queries without tags, 20
    with (the referral rules' own read)."""
    students = [make_student(school_a, f"Q{i}") for i in range(20)]
    for student in students:
        enroll(student, class_a)
    client = client_for(teacher)
    counts = []
    for index, tags in enumerate(([], ["tired"], ["tired", "withdrawn"])):
        data = {f"w-{s.pk}": str(1 + index) for s in students}
        data[f"tags-{students[0].pk}"] = tags
        with CaptureQueriesContext(connection) as queries:
            assert client.post(url(class_a), data).status_code == 302
        counts.append(len(queries))
    assert counts[0] <= 19 and counts[1] <= 20 and counts[2] == counts[1]


@pytest.mark.parametrize("size", [10, 40])
def test_confirmation_page_queries_do_not_grow_with_the_class(
    client_for, teacher, class_a, concern_tags, rules, on_call, school_a, size,
    django_assert_max_num_queries,
):  # fmt: skip
    students = [make_student(school_a, f"C{i}") for i in range(size)]
    for student in students:
        enroll(student, class_a)
    client = client_for(teacher)
    data = {f"w-{s.pk}": "2" for s in students}
    for student in students[: size // 5]:
        data[f"tags-{student.pk}"] = [SELF_HARM]
    response = client.post(url(class_a), data)
    with django_assert_max_num_queries(16):
        page = client.get(response.url).content.decode()
    assert page.count("<strong>Given") == size // 5
