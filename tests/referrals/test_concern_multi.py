"""The concern form: nothing preselected, several concerns at once, each a reason on the
student's one open referral (rule 3), priority from the most severe concern; an urgent
concern leads with the school's crisis steps (rule 4)."""

import re

import pytest
from django.urls import reverse

from schoolwell.referrals.models import OnCall, Priority, Referral
from schoolwell.referrals.services import concerns_raise

from .conftest import open_referral


def url(student):
    return reverse("referrals:concern", args=[student.pk])


def test_form_preselects_nothing_and_groups_the_concerns(client_for, student_a, teacher):
    html = client_for(teacher).get(url(student_a)).content.decode()
    form = html[html.index('class="stack narrow-form"') :]
    assert "checked" not in form and "selected" not in form
    assert "<legend>What worries you? Tick every concern that applies.</legend>" in html
    assert len(re.findall(r'type="checkbox" name="concerns"', html)) >= 10
    assert 'type="radio" name="priority"' in html


def test_at_least_one_concern(client_for, student_a, teacher):
    response = client_for(teacher).post(url(student_a), {"priority": Priority.ROUTINE})
    assert response.status_code == 400
    assert "Choose at least one concern." in response.content.decode()
    assert not Referral.objects.exists()


def test_each_concern_is_a_reason_on_one_referral(client_for, student_a, teacher):
    response = client_for(teacher).post(
        url(student_a),
        {"concerns": ["withdrawn", "tearful"], "priority": Priority.ROUTINE, "note": "Quiet."},
    )
    assert response.url == reverse("roster:student_detail", args=[student_a.pk])
    referral = Referral.objects.get(student=student_a)
    assert referral.priority == Priority.ROUTINE
    reasons = referral.reasons.order_by("concern_code")
    assert [r.concern_code for r in reasons] == ["tearful", "withdrawn"]
    assert {r.note for r in reasons} == {"Quiet."}


def test_concerns_join_the_open_referral(client_for, student_a, teacher):
    existing = open_referral(student_a, Priority.HIGH, key="rule:1")
    client_for(teacher).post(
        url(student_a), {"concerns": ["tired", "withdrawn"], "priority": Priority.ROUTINE}
    )
    assert Referral.objects.get() == existing
    assert existing.reasons.count() == 3


def test_priority_follows_the_most_severe_concern(client_for, student_a, teacher, rules_a):
    """The school's concern-tag rules say self-harm is urgent: so is the concern, even
    with "routine" chosen; the teacher is shown the crisis steps."""
    response = client_for(teacher).post(
        url(student_a),
        {"concerns": ["withdrawn", "self_harm_concern"], "priority": Priority.ROUTINE},
    )
    referral = Referral.objects.get(student=student_a)
    assert referral.priority == Priority.URGENT
    by_code = {r.concern_code: r.priority for r in referral.reasons.all()}
    assert by_code == {"withdrawn": Priority.ROUTINE, "self_harm_concern": Priority.URGENT}
    assert response.url == reverse("screening:crisis_plan", args=[student_a.school_id])


def test_teacher_urgency_is_kept_when_higher(student_a, teacher, rules_a):
    outcome = concerns_raise(
        student=student_a,
        by=teacher,
        concern_codes=["withdrawn", "family_change"],
        note="",
        priority=Priority.HIGH,
    )
    assert outcome.priority == Priority.HIGH == outcome.referral.priority


def test_urgent_concern_leads_with_the_crisis_steps(
    client_for, student_a, teacher, counsellor, school_a
):
    OnCall.objects.create(school=school_a, counsellor=counsellor, phone="555-010-0142")
    client = client_for(teacher)
    response = client.post(url(student_a), {"concerns": ["other"], "priority": Priority.URGENT})
    page = client.get(response.url).content.decode()
    card = page.index('id="crisis-card"')
    alerted = page.index("The on-call counsellor has been alerted about")
    assert card < page.index("Stay with the student.") < page.index("Who to call now") < alerted
    assert 'href="tel:5550100142"' in page and "Call Cora Counsellor (on call)" in page
    assert 'href="tel:988"' in page and "What happens next" in page
    assert alerted < page.index("Full guidance")


def test_urgent_concern_with_nobody_on_call_shows_the_fallback(client_for, student_a, teacher):
    client = client_for(teacher)
    response = client.post(
        url(student_a), {"concerns": ["self_harm_concern"], "priority": Priority.URGENT}
    )
    page = client.get(response.url).content.decode()
    assert "No counsellor is on call right now." in page
    assert "Call instead:" in page and 'href="tel:988"' in page


def test_others_urgent_referral_is_not_revealed(client_for, student_a, teacher, rules_a):
    """A routine concern on a student whose referral is already urgent (someone else's
    reason) is thanked as routine: the teacher does not learn the referral's priority."""
    open_referral(student_a, Priority.URGENT, key="rule:critical")
    response = client_for(teacher).post(
        url(student_a), {"concerns": ["tired"], "priority": Priority.ROUTINE}
    )
    assert response.url == reverse("roster:student_detail", args=[student_a.pk])


@pytest.mark.parametrize("concerns", [["withdrawn", "made-up"], ["'; drop table"], []])
def test_unknown_or_missing_concerns_are_400(client_for, student_a, teacher, concerns):
    response = client_for(teacher).post(
        url(student_a), {"concerns": concerns, "priority": Priority.ROUTINE}
    )
    assert response.status_code == 400
    assert not Referral.objects.exists()
