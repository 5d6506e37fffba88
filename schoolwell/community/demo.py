"""The community part of `seed_demo` (order 75): the provider directory, two agreements
(one expiring soon), two closed-loop referrals out (one acknowledged with an outcome, one
overdue and reminded), training records and a closed incident. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from schoolwell.accounts.models import User
from schoolwell.community import services
from schoolwell.community.models import (
    Capacity,
    ConsentScope,
    Cost,
    Course,
    DataCategory,
    FollowUp,
    Incident,
    IncidentKind,
    LoopOutcome,
    Need,
    ProviderConsent,
    ProviderProfile,
    ProviderReferral,
    TrainingRecord,
)
from schoolwell.community.reminders import loops_remind
from schoolwell.community.selectors import school_staff_ids
from schoolwell.referrals import services as referral_services
from schoolwell.referrals.models import OPEN_STATUSES, ExternalProvider, Referral

SECONDARY = "riverside-secondary"
# Directory facts per provider code of referrals' providers.json (fictional providers).
PROFILES = {
    "riverbend-family-counseling": dict(
        category="clinic",
        age_min=5,
        age_max=18,
        cost=Cost.SLIDING,
        insurance="Medicaid, CHIP",
        waiting_weeks=2,
        location="Riverbend",
        contact_name="Intake team",
        capacity=Capacity.OPEN,
    ),
    "northside-youth-wellness": dict(
        category="nonprofit",
        age_min=12,
        age_max=19,
        cost=Cost.FREE,
        insurance="",
        waiting_weeks=1,
        location="Northside",
        contact_name="Jordan Pike",
        capacity=Capacity.WAITLIST,
    ),
    "maplewood-pediatric-behavioral-health": dict(
        category="pediatric",
        age_min=3,
        age_max=17,
        cost=Cost.INSURANCE,
        insurance="Most private plans, Medicaid",
        waiting_weeks=6,
        location="Maplewood",
        contact_name="Referral coordinator",
        capacity=Capacity.FULL,
    ),
}
DEFAULT_PROFILE = dict(
    category="family",
    age_min=0,
    age_max=21,
    cost=Cost.FREE,
    waiting_weeks=0,
    capacity=Capacity.OPEN,
)


@transaction.atomic
def seed_community(district, rng, stdout) -> None:
    school = district.schools.filter(code=SECONDARY).first()
    admin = User.objects.filter(username="districtadmin").first()
    counsellor = User.objects.filter(username="counsellor").first()
    if school is None or admin is None or counsellor is None:
        return
    now = timezone.now()
    today = timezone.localdate()
    providers = list(ExternalProvider.objects.filter(district=district).order_by("pk"))
    for provider in providers:
        if not ProviderProfile.objects.filter(provider=provider).exists():
            services.provider_profile_save(
                provider=provider, by=admin, **PROFILES.get(provider.code, DEFAULT_PROFILE)
            )
    by_code = {p.code: p for p in providers}
    clinic = by_code.get("riverbend-family-counseling")
    youth = by_code.get("northside-youth-wellness")
    if clinic is None or youth is None:
        return
    if not clinic.agreements.exists():
        services.agreement_create(
            provider=clinic,
            by=admin,
            categories=[c.value for c in DataCategory if c != DataCategory.SCREENING],
            purpose="Care coordination for referred students",
            starts_on=today - dt.timedelta(days=200),
            expires_on=today + dt.timedelta(days=165),
            document_ref="DSA-2026-014 (signed PDF, district contract register)",
        )
    if not youth.agreements.exists():
        services.agreement_create(
            provider=youth,
            by=admin,
            categories=[DataCategory.IDENTITY, DataCategory.SCHOOL],
            purpose="Short-term counselling referrals for teens",
            starts_on=today - dt.timedelta(days=340),
            expires_on=today + dt.timedelta(days=25),
            document_ref="DSA-2025-031",
        )
    _loops(school, counsellor, clinic, youth, now, stdout)
    _training(school, admin, today, rng)
    for other in district.schools.exclude(pk=school.pk):
        _training(other, admin, today, rng)
    _incident(school, counsellor, youth, clinic, now)


def _candidates(school) -> list:
    """Students of the school whose families consented to external sharing (the consent
    demo asks a few) and who have no referral yet, or an open one."""
    from schoolwell.consent.gating import Purpose, effective_consent_map
    from schoolwell.roster.models import Student

    students = list(
        Student.objects.filter(
            school=school, consent_decisions__form__purpose=Purpose.EXTERNAL_SHARING
        )
        .distinct()
        .order_by("pk")
    )
    consents = effective_consent_map(students, Purpose.EXTERNAL_SHARING)
    return [s for s in students if consents[s.pk].allowed]


def _open_referral(student, counsellor, now) -> Referral | None:
    from schoolwell.referrals.demo import LOW, _rule_trigger

    referral = Referral.objects.filter(student=student, status__in=OPEN_STATUSES).first()
    if referral is None:
        referral = referral_services.referral_trigger(
            student=student,
            triggers=[_rule_trigger(student.school, "checkins-low", LOW, "community-demo")],
            now=now - dt.timedelta(days=12),
        ).referral
    if referral.assignee_id is None:
        referral_services.referral_claim(
            referral=referral, by=counsellor, now=now - dt.timedelta(days=11)
        )
    elif referral.assignee_id != counsellor.pk:
        return None
    return referral if referral.status != "referred_out" else None


def _loops(school, counsellor, clinic, youth, now, stdout) -> None:
    if ProviderReferral.objects.filter(referral__school=school).exists():
        return
    done = 0
    for student, provider in zip(_candidates(school), (clinic, youth), strict=False):
        referral = _open_referral(student, counsellor, now)
        if referral is None:
            continue
        services.provider_consent_record(
            referral=referral,
            provider=provider,
            by=counsellor,
            scope=ConsentScope.PROVIDER,
            granted=True,
            guardian_name=f"Guardian of {student.given_name}",
            channel=ProviderConsent.Channel.PHONE,
        )
        loop, token = services.provider_refer_out(
            referral=referral, provider=provider, by=counsellor
        )
        if provider == clinic:
            # Referred ten days ago; acknowledged, seen, and the loop closed.
            ProviderReferral.objects.filter(pk=loop.pk).update(
                created_at=now - dt.timedelta(days=10)
            )
            services.loop_report(token=token, acknowledge=True, now=now - dt.timedelta(days=8))
            services.loop_report(
                token=token,
                first_appointment_on=timezone.localdate(now - dt.timedelta(days=3)),
                outcome=LoopOutcome.ENGAGED,
                note="Weekly sessions agreed.",
                now=now - dt.timedelta(days=2),
            )
            referral_services.referral_close(
                referral=referral,
                by=counsellor,
                outcome=services.REFERRED_EXTERNAL,
                note="Seen by Riverbend; the family is engaged.",
            )
        else:
            # Referred eight days ago and never acknowledged: overdue, reminded.
            ProviderReferral.objects.filter(pk=loop.pk).update(
                created_at=now - dt.timedelta(days=8)
            )
        done += 1
    loops_remind(now=now)
    if done < 2 and stdout:
        stdout.write("Community: fewer than two students with data-sharing consent; fewer loops.")


def _training(school, admin, today, rng) -> None:
    if TrainingRecord.objects.filter(school=school).exists():
        return
    staff = sorted(school_staff_ids(school.pk))
    courses = [Course.YOUTH_MHFA, Course.MHFA, Course.PFA, Course.GATEKEEPER]
    rows = []
    for index, user_id in enumerate(staff):
        if index % 5 == 4:
            continue  # about one in five untrained
        completed = today - dt.timedelta(days=rng.randrange(30, 1000))
        expires = completed + dt.timedelta(days=3 * 365)
        if index % 7 == 0:
            expires = today + dt.timedelta(days=rng.randrange(5, 50))  # expiring soon
        if index % 11 == 0:
            expires = today - dt.timedelta(days=rng.randrange(5, 50))  # expired
        rows.append(
            {
                "staff_id": user_id,
                "course": courses[index % len(courses)],
                "course_name": "",
                "completed_on": min(completed, expires - dt.timedelta(days=1)),
                "expires_on": expires,
            }
        )
    if staff:
        rows.append(
            {
                "staff_id": staff[0],
                "course": Course.SCHOOL,
                "course_name": "Grief in the classroom",
                "completed_on": today - dt.timedelta(days=60),
                "expires_on": None,
            }
        )
    services.training_records_add(school=school, by=admin, rows=rows)


def _incident(school, counsellor, youth, clinic, now) -> None:
    from schoolwell.roster.models import Class, Student

    if Incident.objects.filter(school=school).exists():
        return
    admin = User.objects.filter(username="schooladmin").first() or counsellor
    classes = list(Class.objects.filter(school=school, active=True).order_by("pk")[:2])
    students = list(
        Student.objects.filter(school=school, enrollments__klass__in=classes)
        .distinct()
        .order_by("pk")
    )
    opened = now - dt.timedelta(days=21)
    incident = services.incident_open(
        school=school,
        by=admin,
        kind=IncidentKind.DEATH,
        title="Loss of a former student",
        team=[counsellor, admin],
        classes=classes,
        grades=[],
        students=students[:3],
        now=opened,
    )
    needs = [
        [Need.GRIEF, Need.INFORMATION],
        [Need.FEAR],
        [Need.GRIEF, Need.FAMILY],
        [Need.SAFETY],
        [Need.GRIEF],
        [Need.PRACTICAL, Need.FAMILY],
    ]
    follow = [
        FollowUp.CHECK_IN,
        FollowUp.NONE,
        FollowUp.COUNSELLOR,
        FollowUp.FAMILY,
        FollowUp.CHECK_IN,
        FollowUp.REFERRAL,
    ]
    for index, student in enumerate(students[:6]):
        services.pfa_contact_record(
            incident=incident,
            by=counsellor,
            student=student,
            needs=needs[index],
            follow_up=follow[index],
            now=opened + dt.timedelta(hours=2 + index),
        )
    referrals = Referral.objects.filter(student__in=students, school=school)[:1]
    from schoolwell.screening.models import ScreeningWindow

    # The targeted check: the school's latest screening window, for the affected groups.
    window = (
        ScreeningWindow.objects.filter(school=school, results__student__in=students)
        .distinct()
        .order_by("-opens_on", "-pk")
        .first()
    )
    services.incident_link(
        incident=incident,
        by=admin,
        window=window,
        providers=[youth, clinic],
        referrals=list(referrals),
    )
    services.incident_close(
        incident=incident,
        by=admin,
        now=now - dt.timedelta(days=7),
        summary="Classes told together on day one; counsellors saw close friends that "
        "afternoon. Two families put in touch with community providers.",
    )
