"""The pathway's order and records: assessment first, then the plan (versioned), the
guardian notification the school's policy calls for, and the follow-up."""

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwell.referrals.services import referral_close
from schoolwell.safety import services
from schoolwell.safety.models import (
    FollowUp,
    GuardianNotification,
    GuardianPolicy,
    RiskAssessment,
    SafetyPlanRevision,
    SafetySettings,
)

from .conftest import ASSESSMENT, PLAN


def detail(client, referral):
    return client.get(reverse("referrals:detail", args=[referral.pk]))


def test_a_critical_referral_leads_with_the_assessment_step(client_for, critical, counsellor):
    response = detail(client_for(counsellor), critical)
    html = response.content.decode()
    assert [p.template for p in response.context["lead_panels"]] == ["safety/panel_referral.html"]
    # The pathway comes before the referral's reasons, and its next step is the assessment.
    assert html.index("Suicide-risk pathway") < html.index('id="reasons-h"')
    assert html.index("Start the risk assessment") < html.index("After the risk assessment")
    assert response.context["lead_panels"][0].context["pathway"].next_step == "assessment"


def test_after_the_assessment_the_plan_is_next(client_for, assessed, counsellor):
    response = detail(client_for(counsellor), assessed)
    assert response.context["lead_panels"][0].context["pathway"].next_step == "plan"
    assert "Write the safety plan with the student" in response.content.decode()


def test_a_routine_referral_does_not_lead_with_the_pathway(client_for, student_a, counsellor):
    from tests.referrals.conftest import open_referral

    referral = open_referral(student_a)
    response = detail(client_for(counsellor), referral)
    assert response.context["lead_panels"] == []
    # The pathway's panel is with the others (below the referral's facts), not first.
    assert "safety/panel_referral.html" in [p.template for p in response.context["panels"]]


def test_the_plan_needs_an_assessment_first(client_for, critical, counsellor):
    response = client_for(counsellor).post(reverse("safety:plan", args=[critical.pk]), PLAN)
    assert response.status_code == 400
    assert not SafetyPlanRevision.objects.exists()
    with pytest.raises(services.SafetyError):
        services.safety_plan_revise(referral=critical, by=counsellor, parts=PLAN)


def test_assessment_form_saves_and_moves_to_the_plan(client_for, critical, counsellor):
    response = client_for(counsellor).post(
        reverse("safety:assessment", args=[critical.pk]), ASSESSMENT
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("safety:plan", args=[critical.pk])
    saved = RiskAssessment.objects.get()
    assert (saved.risk_level, saved.assessed_by, saved.student) == (
        "moderate",
        counsellor,
        critical.student,
    )


def test_assessment_form_requires_the_judgement(client_for, critical, counsellor):
    data = ASSESSMENT | {"risk_level": "", "rationale": ""}
    response = client_for(counsellor).post(reverse("safety:assessment", args=[critical.pk]), data)
    assert response.status_code == 400
    assert not RiskAssessment.objects.exists()


def test_a_reassessment_keeps_the_first(assessed, counsellor):
    services.risk_assessment_record(
        referral=assessed, by=counsellor, data=ASSESSMENT | {"risk_level": "high"}
    )
    assert sorted(RiskAssessment.objects.values_list("risk_level", flat=True)) == [
        "high",
        "moderate",
    ]


def test_revising_the_plan_keeps_every_version(client_for, planned, counsellor):
    client = client_for(counsellor)
    form = client.get(reverse("safety:plan", args=[planned.pk])).context["form"]
    assert form.initial["warning_signs"] == PLAN["warning_signs"]  # starts from the latest
    response = client.post(
        reverse("safety:plan", args=[planned.pk]), PLAN | {"help_contacts": "Ana and my aunt."}
    )
    assert response.status_code == 302
    versions = list(SafetyPlanRevision.objects.order_by("version"))
    assert [(v.version, v.help_contacts) for v in versions] == [
        (1, "My sister Ana."),
        (2, "Ana and my aunt."),
    ]
    assert FollowUp.objects.count() == 1  # the follow-up is scheduled once


def test_a_new_plan_offers_988_and_the_schools_on_call_contact(client_for, assessed, counsellor):
    SafetySettings.objects.create(school=assessed.school, on_call_contact="Ms. Rivera, 555-0100")
    form = client_for(counsellor).get(reverse("safety:plan", args=[assessed.pk])).context["form"]
    assert "988" in form.initial["professionals"]
    assert "Ms. Rivera, 555-0100" in form.initial["professionals"]


def test_the_printed_plan_is_in_the_students_language(client_for, planned, counsellor):
    student = planned.student
    student.preferred_language = "es"
    student.save()
    response = client_for(counsellor).get(reverse("safety:plan_print", args=[planned.pk]))
    html = response.content.decode()
    assert "Mi plan de seguridad" in html
    assert "Señales de advertencia" in html
    assert PLAN["warning_signs"] in html  # the student's own words, as written
    assert 'media="print"' in html


def test_an_earlier_version_can_be_printed(client_for, planned, counsellor):
    services.safety_plan_revise(
        referral=planned, by=counsellor, parts=PLAN | {"warning_signs": "New words."}
    )
    client = client_for(counsellor)
    url = reverse("safety:plan_print", args=[planned.pk])
    assert "New words." in client.get(url).content.decode()
    assert PLAN["warning_signs"] in client.get(url, {"version": 1}).content.decode()
    assert client.get(url, {"version": 9}).status_code == 404
    assert client.get(url, {"version": "x"}).status_code == 200  # ignored: the latest


def test_guardian_notified_records_who_when_how(client_for, planned, counsellor):
    response = client_for(counsellor).post(
        reverse("safety:guardian", args=[planned.pk]),
        {
            "decision": "notified",
            "guardian_name": "Maria (mother)",
            "method": "phone",
            "notified_at": "2026-11-18T10:30",
        },
    )
    assert response.status_code == 302
    note = GuardianNotification.objects.get()
    assert (note.guardian_name, note.method, note.policy, note.recorded_by) == (
        "Maria (mother)",
        "phone",
        GuardianPolicy.ALWAYS,
        counsellor,
    )
    assert timezone.localtime(note.notified_at).hour == 10


def test_notified_needs_who_and_how(planned, counsellor):
    with pytest.raises(services.SafetyError):
        services.guardian_notification_record(referral=planned, by=counsellor, decision="notified")


def test_withholding_is_refused_when_the_policy_is_always(client_for, planned, counsellor):
    response = client_for(counsellor).post(
        reverse("safety:guardian", args=[planned.pk]),
        {"decision": "withheld", "reason": "Father is the danger."},
    )
    assert response.status_code == 400
    assert not GuardianNotification.objects.exists()
    with pytest.raises(services.SafetyError):
        services.guardian_notification_record(
            referral=planned, by=counsellor, decision="withheld", reason="Father is the danger."
        )


def test_withholding_needs_a_reason_where_the_policy_allows_it(planned, counsellor):
    SafetySettings.objects.create(
        school=planned.school, guardian_policy=GuardianPolicy.UNLESS_ENDANGERS
    )
    with pytest.raises(services.SafetyError):
        services.guardian_notification_record(referral=planned, by=counsellor, decision="withheld")
    note = services.guardian_notification_record(
        referral=planned, by=counsellor, decision="withheld", reason="Disclosed abuse at home."
    )
    assert (note.decision, note.policy) == ("withheld", GuardianPolicy.UNLESS_ENDANGERS)


def test_a_closed_referral_takes_no_new_assessment(assessed, counsellor):
    from schoolwell.referrals.services import referral_claim

    referral_claim(referral=assessed, by=counsellor)
    referral_close(referral=assessed, by=counsellor, outcome="monitoring", note="Safe at home.")
    assessed.refresh_from_db()
    with pytest.raises(services.SafetyError):
        services.risk_assessment_record(referral=assessed, by=counsellor, data=ASSESSMENT)


def test_records_are_append_only(planned):
    from schoolwell.audit.models import AppendOnlyError

    plan = SafetyPlanRevision.objects.get()
    plan.warning_signs = "changed"
    with pytest.raises(AppendOnlyError):
        plan.save()
    with pytest.raises(AppendOnlyError):
        RiskAssessment.objects.all().delete()


def test_follow_up_done_leaves_the_list(client_for, planned, counsellor):
    follow_up = FollowUp.objects.get()
    response = client_for(counsellor).post(reverse("safety:follow_up_done", args=[follow_up.pk]))
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.done_by == counsellor
    assert follow_up.done_at is not None
    assert (
        client_for(counsellor)
        .get(reverse("safety:follow_up_done", args=[follow_up.pk]))
        .status_code
        == 405
    )


def test_the_pathway_view_is_logged(client_for, planned, counsellor):
    from schoolwell.audit.models import AccessLog

    detail(client_for(counsellor), planned)
    assert AccessLog.objects.filter(user=counsellor, what="safety pathway").count() == 1
