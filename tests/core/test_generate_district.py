import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from schoolwell.accounts import gate
from schoolwell.alerts.models import Delivery, Kind, State
from schoolwell.consent.gating import effective_consent_map
from schoolwell.consent.models import (
    ConsentDecision,
    ConsentForm,
    ConsentNotice,
    Decision,
    Purpose,
)
from schoolwell.referrals.content import default_rules
from schoolwell.referrals.models import (
    Referral,
    ReferralEvent,
    ReferralReason,
    Status,
    ThresholdRule,
)
from schoolwell.roster.models import Enrollment, GuardianLink, School, Student
from schoolwell.safety.models import (
    FollowUp,
    GuardianNotification,
    RiskAssessment,
    SafetyPlanRevision,
)
from schoolwell.safety.selectors import critical_reasons_q
from schoolwell.screening.models import CheckIn, ScreeningResult
from schoolwell.sel.models import DeliveryStatus, LessonDelivery
from schoolwell.support.models import Goal, PlanStatus, ProgressCheck, ReviewDecision, SupportPlan
from schoolwell.voice.models import StudentCheckIn, Topic, WantsToTalk

pytestmark = pytest.mark.django_db(transaction=False)


def _generate(code: str, seed: int = 7) -> str:
    out = io.StringIO()
    call_command(
        "generate_district",
        schools=2,
        students=60,
        days=5,
        seed=seed,
        code=code,
        stdout=out,
    )
    return out.getvalue()


def _signature(code: str) -> dict:
    """The generated data without ids or names that carry the district's code."""
    district = {"student__school__district__code": code}
    return {
        "students": list(
            Student.objects.filter(school__district__code=code)
            .order_by("pk")
            .values_list("given_name", "family_name", "grade", "date_of_birth")
        ),
        "checkins": list(
            CheckIn.objects.filter(**district)
            .order_by("student_id", "date")
            .values_list("date", "wellbeing", "absent", "tags")
        ),
        "results": list(
            ScreeningResult.objects.filter(**district)
            .order_by("student_id")
            .values_list("total", "band", "critical")
        ),
        "referrals": list(
            Referral.objects.filter(**district)
            .order_by("student_id")
            .values_list("status", "priority", "opened_at")
        ),
        "consent": list(
            ConsentDecision.objects.filter(**district)
            .order_by("student_id", "at")
            .values_list("decision", "channel", "at")
        ),
        "plans": list(
            SupportPlan.objects.filter(**district)
            .order_by("student_id")
            .values_list("tier", "status", "start_date", "next_review_on", "outcome")
        ),
        "checks": list(
            ProgressCheck.objects.filter(goal__plan__student__school__district__code=code)
            .order_by("goal__plan__student_id", "date")
            .values_list("date", "value")
        ),
        "assessments": list(
            RiskAssessment.objects.filter(**district)
            .order_by("student_id")
            .values_list("assessed_at", "risk_level", "ideation")
        ),
        "alerts": list(
            Delivery.objects.filter(school__district__code=code)
            .order_by("created_at", "channel", "kind")
            .values_list("kind", "channel", "state", "attempts", "created_at")
        ),
        "own_checkins": list(
            StudentCheckIn.objects.filter(**district)
            .order_by("student_id", "date")
            .values_list(
                "date", "feeling", "energy", "topics", "message", "wants_to_talk", "crisis"
            )
        ),
    }


def test_a_tiny_district_has_every_kind_of_row():
    output = _generate("tiny")
    students = Student.objects.filter(school__district__code="tiny")
    assert School.objects.filter(district__code="tiny").count() == 2
    assert students.count() == 60
    assert Enrollment.objects.filter(student__in=students).count() == 60
    # One guardian each, a second for every third student.
    assert GuardianLink.objects.filter(student__in=students).count() >= 60
    # A check-in for every student on each of the 5 school days, some absent, some declining.
    checkins = CheckIn.objects.filter(student__in=students)
    assert checkins.count() == 60 * 5
    assert checkins.values("date").distinct().count() == 5
    assert set(checkins.exclude(absent=True).values_list("wellbeing", flat=True)) >= {2, 3, 4, 5}
    # Screening only where a guardian granted consent, and every PHQ-A band present.
    results = ScreeningResult.objects.filter(student__in=students)
    screening = ConsentDecision.objects.filter(
        student__in=students, form__purpose=Purpose.UNIVERSAL_SCREENING
    )
    granted = set(
        screening.filter(decision=Decision.GRANTED).values_list("student_id", flat=True)
    ) - set(screening.exclude(decision=Decision.GRANTED).values_list("student_id", flat=True))
    assert set(results.values_list("student_id", flat=True)) <= granted
    bands = set(results.values_list("band", flat=True))
    definition = results.first().instrument.definition
    assert bands == {band["key"] for band in definition["scoring"]["total"]["bands"]}
    # Referrals in every state, each with its reason and its opening event.
    referrals = Referral.objects.filter(student__in=students)
    assert set(referrals.values_list("status", flat=True)) == set(Status.values)
    assert all(r.reasons.exists() for r in referrals)
    assert ReferralEvent.objects.filter(referral__in=referrals, kind="created").count() == (
        referrals.count()
    )
    deliveries = LessonDelivery.objects.filter(schedule__klass__school__district__code="tiny")
    assert deliveries.filter(status=DeliveryStatus.DELIVERED).exists()
    assert deliveries.filter(status=DeliveryStatus.DELIVERED).first().students_present.exists()
    assert "checkins             300" in output
    # Each school runs the shipped threshold rules, as a live school does.
    shipped = {rule["code"] for rule in default_rules()}
    for school in School.objects.filter(district__code="tiny"):
        assert set(ThresholdRule.objects.filter(school=school).values_list("code", flat=True)) == (
            shipped
        )


def test_the_same_seed_gives_the_same_district_and_a_taken_code_is_refused():
    _generate("first", seed=3)
    _generate("second", seed=3)
    first = _signature("first")
    assert first == _signature("second")
    assert len(first["checkins"]) == 300 and first["referrals"] and first["own_checkins"]
    with pytest.raises(CommandError):
        _generate("first", seed=3)
    assert Student.objects.filter(school__district__code="first").count() == 60


def test_casework_follows_the_referrals_as_the_demo_shows_it(client):
    _generate("cases")
    district = {"student__school__district__code": "cases"}
    referrals = Referral.objects.filter(**district)
    from schoolwell.referrals import content, texts

    # Every reason and event reads in words, as the queue and the referral page show them.
    for reason in ReferralReason.objects.filter(referral__in=referrals).select_related("raised_by"):
        assert texts.reason_text(reason)
    for event in ReferralEvent.objects.filter(referral__in=referrals):
        assert texts.event_text(event)
    closed = referrals.filter(status=Status.CLOSED)
    assert set(closed.values_list("outcome", flat=True)) <= set(content.outcomes())
    # Support plans on worked referrals: a rating goal with weekly checks, reviews when due.
    plans = SupportPlan.objects.filter(**district).select_related("referral")
    assert plans.exists()
    for plan in plans:
        assert plan.referral.student_id == plan.student_id
        assert plan.referral.status in (Status.IN_PROGRESS, Status.REFERRED_OUT, Status.CLOSED)
        assert plan.status == PlanStatus.ACTIVE or plan.outcome
    goals = Goal.objects.filter(plan__in=plans)
    assert goals.count() == plans.count()
    assert ProgressCheck.objects.filter(goal__in=goals).exists()
    for review in ReviewDecision.objects.filter(plan__in=plans):
        assert review.date >= review.due_on
    # The pathway only on critical referrals, in order: assessment, plan, guardian, follow-up.
    critical = set(referrals.filter(reasons__in=_critical_reasons()).values_list("pk", flat=True))
    assessed = set(RiskAssessment.objects.filter(**district).values_list("referral_id", flat=True))
    assert assessed and assessed <= critical
    for assessment in RiskAssessment.objects.filter(**district):
        plan = SafetyPlanRevision.objects.get(referral_id=assessment.referral_id)
        assert plan.version == 1 and plan.created_at > assessment.assessed_at
        assert GuardianNotification.objects.filter(referral_id=assessment.referral_id).exists()
        assert FollowUp.objects.filter(referral_id=assessment.referral_id).count() == 1
    # Alerts: urgent referrals by app and email, high in the app; one email given up and
    # escalated to the school's administrator.
    deliveries = Delivery.objects.filter(school__district__code="cases")
    assert deliveries.filter(state=State.SENT).exists()
    failed = deliveries.filter(state=State.GAVE_UP)
    assert failed.exists() and all(d.channel == "email" and d.attempts == 6 for d in failed)
    escalation = deliveries.filter(kind=Kind.DELIVERY_FAILED)
    assert set(escalation.values_list("escalated_from_id", flat=True)) == set(
        failed.values_list("pk", flat=True)
    )
    assert all(d.referral_event_id for d in deliveries)
    # The pages counsellors and administrators open read the generated rows without error.
    case = Referral.objects.get(pk=min(assessed))
    counsellor = Delivery.objects.filter(referral=case).exclude(kind=Kind.DELIVERY_FAILED)
    client.force_login(counsellor.first().recipient)
    for url in (
        reverse("referrals:queue"),
        reverse("referrals:detail", args=[case.pk]),
        reverse("safety:plan", args=[case.pk]),
        reverse("support:detail", args=[plans.first().pk]),
        reverse("referrals:timeline", args=[case.student_id]),
    ):
        assert client.get(url).status_code == 200, url
    client.force_login(escalation.first().recipient)
    assert client.get(reverse("alerts:deliveries")).status_code == 200
    _own_checkins_render(client, "cases")


def _own_checkins_render(client, code: str) -> None:
    """Every student's own check-in on their counsellor's timeline, each referral that
    "feeling unsafe" opened on its page, each request to talk for the adult asked."""
    own = StudentCheckIn.objects.filter(school__district__code=code)
    assert own.filter(crisis=True).exists()
    for school in School.objects.filter(district__code=code):
        client.force_login(gate.counsellors_of([school.pk]).first())
        mine = own.filter(school=school)
        for student_id in set(mine.values_list("student_id", flat=True)):
            page = client.get(reverse("referrals:timeline", args=[student_id]))
            assert page.status_code == 200
            shown = page.content.decode().count("Own check-in")
            assert shown == mine.filter(student_id=student_id).count(), student_id
        for checkin in mine.filter(crisis=True):
            reason = ReferralReason.objects.get(trigger_key=f"voice:{checkin.pk}")
            page = client.get(reverse("referrals:detail", args=[reason.referral_id]))
            assert page.status_code == 200
            assert "chose “feeling unsafe”" in page.content.decode()
    for checkin in own.exclude(wants_to_talk=WantsToTalk.NOT_NOW).select_related("trusted_adult"):
        client.force_login(checkin.trusted_adult)
        assert client.get(reverse("voice:talk", args=[checkin.pk])).status_code == 200


def _critical_reasons():
    from schoolwell.referrals.models import ReferralReason

    return ReferralReason.objects.filter(critical_reasons_q())


def test_students_check_in_only_on_days_their_consent_is_in_effect():
    _generate("voice", seed=5)
    students = list(Student.objects.filter(school__district__code="voice"))
    own = StudentCheckIn.objects.filter(student__in=students)
    # The shipped passive form, its notice to every guardian, and some families' answers.
    form = ConsentForm.objects.get(
        school__district__code="voice", school__code="voice-1", purpose=Purpose.STUDENT_CHECKIN
    )
    assert form.passive and form.text("es").title != form.text("en").title
    assert (
        ConsentNotice.objects.filter(form=form).count()
        == GuardianLink.objects.filter(student__school=form.school).count()
    )
    decisions = ConsentDecision.objects.filter(form__purpose=Purpose.STUDENT_CHECKIN)
    assert decisions.filter(decision=Decision.DENIED).exists()
    # Rule 2 as the gate reads it: on each day, only students whose consent was in effect.
    for day in sorted(set(own.values_list("date", flat=True))):
        allowed = {
            pk
            for pk, c in effective_consent_map(students, Purpose.STUDENT_CHECKIN, on=day).items()
            if c.allowed
        }
        assert set(own.filter(date=day).values_list("student_id", flat=True)) <= allowed
    refused = {
        pk
        for pk, c in effective_consent_map(students, Purpose.STUDENT_CHECKIN).items()
        if not c.allowed
    }
    assert refused and not own.filter(student_id__in=refused).exists()
    # About two school days in three, with the demo's spread of feelings and answers.
    allowed_days = 5 * (len(students) - len(refused))
    assert 0.45 < own.count() / allowed_days < 0.95
    assert len(set(own.values_list("feeling", flat=True))) >= 5
    asked = own.exclude(wants_to_talk=WantsToTalk.NOT_NOW)
    assert asked.exists() and all(c.trusted_adult_id for c in asked)
    assert asked.exclude(talk_answered_at=None).exists()
    # "Feeling unsafe" took the safety path: an urgent referral naming the check-in.
    unsafe = own.filter(crisis=True)
    assert unsafe.exists()
    for checkin in unsafe:
        assert checkin.topics == [Topic.FEELING_UNSAFE]
        reason = ReferralReason.objects.get(trigger_key=f"voice:{checkin.pk}")
        assert reason.code == "student_voice" and reason.params["checkin"] == checkin.pk
        assert reason.referral.student_id == checkin.student_id
        assert reason.referral.source == "student" and reason.referral.priority == 1
    calm = own.filter(crisis=False).values_list("topics", flat=True)
    assert not any(Topic.FEELING_UNSAFE in topics for topics in calm)


def _table_shape(*models) -> list:
    """Every index and foreign key of these tables, as PostgreSQL defines them."""
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = ANY(%s) UNION ALL"
            " SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid::regclass::text = ANY(%s) ORDER BY 1",
            [tables, tables],
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL loads the check-in tables without their indexes and keys",
)
def test_the_check_in_tables_get_their_indexes_and_foreign_keys_back():
    before = _table_shape(CheckIn, StudentCheckIn)
    assert len(before) > 10
    _generate("shape")
    assert _table_shape(CheckIn, StudentCheckIn) == before
