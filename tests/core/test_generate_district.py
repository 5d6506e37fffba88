import io

import pytest
from django.core.management import CommandError, call_command

from schoolwell.consent.models import ConsentDecision, Decision
from schoolwell.referrals.models import Referral, ReferralEvent, Status
from schoolwell.roster.models import Enrollment, GuardianLink, School, Student
from schoolwell.screening.models import CheckIn, ScreeningResult
from schoolwell.sel.models import DeliveryStatus, LessonDelivery

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
    granted = set(
        ConsentDecision.objects.filter(student__in=students, decision=Decision.GRANTED)
        .exclude(student__consent_decisions__decision__in=[Decision.DENIED, Decision.REVOKED])
        .values_list("student_id", flat=True)
    )
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


def test_the_same_seed_gives_the_same_district_and_a_taken_code_is_refused():
    _generate("first", seed=3)
    _generate("second", seed=3)
    first = _signature("first")
    assert first == _signature("second")
    assert len(first["checkins"]) == 300 and first["referrals"]
    with pytest.raises(CommandError):
        _generate("first", seed=3)
    assert Student.objects.filter(school__district__code="first").count() == 60
