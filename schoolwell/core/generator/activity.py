"""The generated district's year so far: consent decisions, daily check-ins with trends,
screening results in every band, referrals in every state and SEL lessons delivered."""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass

from django.core.management import call_command
from django.utils import timezone

from schoolwell.consent.models import Channel, ConsentDecision, ConsentForm, Decision, Purpose
from schoolwell.core.generator.copy import copy_rows
from schoolwell.core.generator.roster import GeneratedRoster, GeneratedStudent
from schoolwell.referrals.models import (
    Priority,
    Referral,
    ReferralEvent,
    ReferralReason,
    Source,
    Status,
)
from schoolwell.referrals.models.referral import ReasonCode
from schoolwell.screening.demo import _answers_for, _band_order, _scales
from schoolwell.screening.models import CheckIn, ConcernTag, Instrument, ScreeningResult
from schoolwell.screening.models.results import ScreeningWindow
from schoolwell.screening.scoring import score
from schoolwell.screening.services.results import coerce_answers, scored_fields
from schoolwell.sel.models import DeliveryStatus, Lesson, LessonDelivery, LessonSchedule

SCREENER = "phq-a"
# Share of students whose check-ins drift down (or up) over the period: the trends that
# the check-in rules and dashboards exist to find.
DECLINING, IMPROVING, ABSENT = 0.08, 0.05, 0.04


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def load_libraries() -> None:
    """Instruments, concern tags and SEL lessons, as on any fresh installation."""
    if not Instrument.objects.filter(code=SCREENER, active=True).exists():
        call_command("load_instruments", stdout=io.StringIO())
    if not Lesson.objects.filter(school=None).exists():
        call_command("load_sel_library", stdout=io.StringIO())


def school_days(today: dt.date, days: int) -> list[dt.date]:
    found, day = [], today
    while len(found) < days:
        if day.weekday() < 5:
            found.append(day)
        day -= dt.timedelta(days=1)
    return found[::-1]


def generate_consent(roster: GeneratedRoster, rng: random.Random, today: dt.date) -> int:
    """A published screening form per school and most families' decisions on it."""
    forms = {}
    for school in roster.schools:
        forms[school.pk] = ConsentForm.objects.create(
            school=school,
            purpose=Purpose.UNIVERSAL_SCREENING,
            version=1,
            school_year=roster.term.school_year,
            title={"en": "Wellbeing screening", "es": "Evaluación de bienestar"},
            published_at=_at(roster.term.start_date, 8),
        )
    rows = []
    for s in roster.students:
        guardian = s.guardian_ids[0]
        draw = rng.random()
        if draw < 0.05:
            continue  # no answer yet
        at = _at(roster.term.start_date + dt.timedelta(days=rng.randint(1, 20)), 19)
        channel = rng.choice([Channel.PORTAL, Channel.PORTAL, Channel.PAPER, Channel.PHONE])
        decision = Decision.DENIED if draw < 0.12 else Decision.GRANTED
        rows.append((s.pk, guardian, forms[s.school_id].pk, decision, channel, guardian, at))
        if draw > 0.97:  # a few withdraw later in the year
            later = at + dt.timedelta(days=rng.randint(30, 90))
            rows.append(
                (s.pk, guardian, forms[s.school_id].pk, Decision.REVOKED, channel, guardian, later)
            )
    roster.consented = {row[0] for row in rows if row[3] == Decision.GRANTED} - {
        row[0] for row in rows if row[3] != Decision.GRANTED
    }
    return copy_rows(
        ConsentDecision,
        ("student_id", "guardian_id", "form_id", "decision", "channel", "recorded_by_id", "at"),
        rows,
    )


def generate_checkins(
    roster: GeneratedRoster, rng: random.Random, today: dt.date, days: int
) -> int:
    """One check-in per student per school day by their homeroom teacher."""
    dates = school_days(today, days)
    tags = list(
        ConcernTag.objects.filter(school=None, sensitive=False, active=True).values_list(
            "code", flat=True
        )
    )

    def rows():
        for s in roster.students:
            baseline = rng.choices([5, 4, 3, 2], weights=[3, 5, 3, 1])[0]
            draw = rng.random()
            trend = -2.5 if draw < DECLINING else 1.5 if draw < DECLINING + IMPROVING else 0
            for n, day in enumerate(dates):
                at = _at(day, 9)
                if rng.random() < ABSENT:
                    yield (s.pk, s.teacher_id, s.class_id, day, None, True, [], "", at, at)
                    continue
                progress = n / max(1, len(dates) - 1)
                value = round(baseline + trend * progress + rng.gauss(0, 0.6))
                value = min(5, max(1, value))
                chosen = [rng.choice(tags)] if tags and value <= 2 and rng.random() < 0.4 else []
                yield (s.pk, s.teacher_id, s.class_id, day, value, False, chosen, "", at, at)

    return copy_rows(
        CheckIn,
        (
            "student_id",
            "teacher_id",
            "klass_id",
            "date",
            "wellbeing",
            "absent",
            "tags",
            "note",
            "created_at",
            "updated_at",
        ),
        rows(),
    )


def generate_screening(roster: GeneratedRoster, rng: random.Random, today: dt.date) -> int:
    """A PHQ-A window per school, scored exactly, with every band represented."""
    instrument = Instrument.objects.filter(code=SCREENER, active=True).order_by("-version").first()
    definition = instrument.definition
    opens = max(roster.term.start_date, today - dt.timedelta(days=30))
    windows = {
        school.pk: ScreeningWindow.objects.create(
            school=school,
            instrument=instrument,
            name=f"Fall {roster.term.school_year - 1}",
            grades=sorted({s.grade for s in roster.students}),
            opens_on=opens,
            closes_on=today + dt.timedelta(days=14),
            created_by_id=roster.counsellors[school.pk],
        )
        for school in roster.schools
    }
    screened = [s for s in roster.students if s.pk in roster.consented]
    n_bands = max(len(scale["bands"]) for scale in _scales(definition, 9))
    rows = []
    for s, band in zip(screened, _band_order(SCREENER, len(screened), n_bands, rng), strict=True):
        answers = _answers_for(SCREENER, definition, s, band, rng)
        scored = score(definition, coerce_answers(definition, answers), grade=s.grade)
        at = _at(opens + dt.timedelta(days=rng.randint(0, max(0, (today - opens).days))), 10)
        rows.append(
            ScreeningResult(
                student_id=s.pk,
                instrument=instrument,
                window=windows[s.school_id],
                **scored_fields(scored),
                respondent=instrument.respondent,
                administered_by_id=roster.counsellors[s.school_id],
                administered_at=at,
                consent_state="granted",
            )
        )
    ScreeningResult.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


REASONS = [
    # The parameters the rule evaluation writes (referrals.texts renders them).
    (ReasonCode.CHECKIN_LOW, {"count": 3, "threshold": 2, "days": 10}, "3 check-ins of 2 or less"),
    (ReasonCode.CHECKIN_DROP, {"wellbeing": 2, "baseline": 4.1}, "Wellbeing 2 against 4.1"),
    (
        ReasonCode.SCORE_TOTAL,
        {"instrument": SCREENER, "total": 17, "threshold": 15},
        "PHQ-A total 17 (threshold 15)",
    ),
    (ReasonCode.CONCERN, {"concern": "withdrawn"}, "Concern raised: withdrawn"),
]
# A teacher's self-harm concern: urgent, and it puts the student on the suicide-risk pathway.
CRITICAL = (ReasonCode.CONCERN, {"concern": "self_harm_concern"}, "Concern raised: self-harm")
CRITICAL_SHARE = 0.1
# Codes of fixtures/referrals/outcomes.json.
CLOSING_OUTCOMES = ["resolved_no_further_action", "monitoring", "school_counselling_started"]


@dataclass
class GeneratedReferral:
    """What the casework (plans, the pathway, alerts) needs to know of a referral."""

    pk: int
    student: GeneratedStudent
    status: str
    priority: int
    critical: bool
    counsellor: int
    opened_at: dt.datetime
    claimed_at: dt.datetime | None
    closed_at: dt.datetime | None


def generate_referrals(
    roster: GeneratedRoster, rng: random.Random, today: dt.date
) -> list[GeneratedReferral]:
    """About 6% of students referred, every status represented, with reasons and events;
    one in ten for a self-harm concern (urgent)."""
    chosen = rng.sample(roster.students, max(len(Status), round(len(roster.students) * 0.06)))
    statuses = list(Status) + rng.choices(
        list(Status), weights=[3, 2, 2, 3, 1, 6], k=len(chosen) - len(Status)
    )
    referrals, plans = [], []
    for n, (s, status) in enumerate(zip(chosen, statuses, strict=True)):
        # The first referral in progress is always critical: every district has the pathway.
        critical = n == list(Status).index(Status.IN_PROGRESS) or rng.random() < CRITICAL_SHARE
        code, params, summary = CRITICAL if critical else rng.choice(REASONS)
        priority = (
            Priority.URGENT
            if critical
            else rng.choice([Priority.URGENT, Priority.HIGH, Priority.ROUTINE, Priority.ROUTINE])
        )
        opened = _at(today - dt.timedelta(days=rng.randint(1, 60)), 11)
        counsellor = roster.counsellors[s.school_id]
        worked = status != Status.NEW
        referrals.append(
            Referral(
                school_id=s.school_id,
                student_id=s.pk,
                source=Source.MANUAL if code == ReasonCode.CONCERN else Source.RULE,
                priority=priority,
                status=status,
                assignee_id=counsellor if worked else None,
                opened_at=opened,
                due_at=opened + dt.timedelta(hours=24 * priority),
                claimed_at=opened + dt.timedelta(hours=2) if worked else None,
                referred_to_team="Community mental health" if status == Status.REFERRED_OUT else "",
                # A week later, or this morning for the newest (never in the future).
                closed_at=min(opened + dt.timedelta(days=7), _at(today, 8))
                if status == Status.CLOSED
                else None,
                outcome=rng.choice(CLOSING_OUTCOMES) if status == Status.CLOSED else "",
            )
        )
        plans.append((s, code, params, summary, priority, opened, counsellor, status, critical))
    Referral.objects.bulk_create(referrals)
    if referrals and referrals[0].pk is None:
        by_student = dict(
            Referral.objects.filter(school__district=roster.district).values_list(
                "student_id", "pk"
            )
        )
        for referral in referrals:
            referral.pk = by_student[referral.student_id]
    reasons, events, generated = [], [], []
    for referral, (s, code, params, summary, priority, opened, counsellor, status, critical) in zip(
        referrals, plans, strict=True
    ):
        generated.append(
            GeneratedReferral(
                pk=referral.pk,
                student=s,
                status=status,
                priority=priority,
                critical=critical,
                counsellor=counsellor,
                opened_at=opened,
                claimed_at=referral.claimed_at,
                closed_at=referral.closed_at,
            )
        )
        reasons.append(
            ReferralReason(
                referral_id=referral.pk,
                source=referral.source,
                trigger_key=f"{code}:{s.pk}",
                code=code,
                params=params,
                summary=summary,
                priority=priority,
                raised_by_id=s.teacher_id if code == ReasonCode.CONCERN else None,
                created_at=opened,
            )
        )
        created = {"priority": priority, "source": referral.source}
        events.append((referral.pk, opened, None, ReferralEvent.Kind.CREATED, created))
        if status != Status.NEW:
            events.append(
                (referral.pk, referral.claimed_at, counsellor, ReferralEvent.Kind.CLAIMED, {})
            )
        events.extend(_work_events(referral, status, counsellor))
    ReferralReason.objects.bulk_create(reasons)
    copy_rows(ReferralEvent, ("referral_id", "at", "actor_id", "kind", "data"), events)
    return generated


def _work_events(referral: Referral, status: str, counsellor: int) -> list[tuple]:
    """The events the workflow services write on the way to `status` after the claim, with
    the same data (texts.event_text reads it)."""
    if status in (Status.NEW, Status.CLAIMED):
        return []
    at = referral.claimed_at + dt.timedelta(hours=1)
    if status == Status.REFERRED_OUT:
        return [
            (
                referral.pk,
                at,
                counsellor,
                ReferralEvent.Kind.REFERRED_OUT,
                {"previous": Status.CLAIMED, "team": referral.referred_to_team, "provider": ""},
            )
        ]
    if status == Status.CLOSED:
        return [
            (
                referral.pk,
                at,
                counsellor,
                ReferralEvent.Kind.STATUS_CHANGED,
                {"previous": Status.CLAIMED, "status": Status.IN_PROGRESS},
            ),
            (
                referral.pk,
                referral.closed_at,
                counsellor,
                ReferralEvent.Kind.CLOSED,
                {"previous": Status.IN_PROGRESS, "outcome": referral.outcome},
            ),
        ]
    return [
        (
            referral.pk,
            at,
            counsellor,
            ReferralEvent.Kind.STATUS_CHANGED,
            {"previous": Status.CLAIMED, "status": status},
        )
    ]


def generate_sel(roster: GeneratedRoster, rng: random.Random, today: dt.date) -> int:
    """A lesson a week in every homeroom over the last month: most delivered, some skipped."""
    lessons = list(Lesson.objects.filter(school=None, active=True).order_by("slug"))
    if not lessons:
        return 0
    schedules = [
        LessonSchedule(
            klass_id=class_id,
            lesson=rng.choice(lessons),
            planned_on=today - dt.timedelta(days=7 * week + 2),
            scheduled_by_id=teacher_id,
        )
        for class_id, teacher_id in roster.class_teachers.items()
        for week in range(4)
    ]
    LessonSchedule.objects.bulk_create(schedules, batch_size=2000)
    if schedules and schedules[0].pk is None:
        schedules = list(
            LessonSchedule.objects.filter(klass__school__district=roster.district).order_by("pk")
        )
    deliveries = []
    for schedule in schedules:
        size = len(roster.classes[schedule.klass_id])
        if rng.random() < 0.85:
            deliveries.append(
                LessonDelivery(
                    schedule=schedule,
                    status=DeliveryStatus.DELIVERED,
                    delivered_on=schedule.planned_on,
                    minutes=schedule.lesson.minutes,
                    roster_size=size,
                    recorded_by_id=roster.class_teachers[schedule.klass_id],
                )
            )
        else:
            deliveries.append(
                LessonDelivery(
                    schedule=schedule,
                    status=DeliveryStatus.SKIPPED,
                    skip_reason="Assembly",
                    roster_size=size,
                    recorded_by_id=roster.class_teachers[schedule.klass_id],
                )
            )
    LessonDelivery.objects.bulk_create(deliveries, batch_size=2000)
    present = (
        (delivery.pk, student)
        for delivery in deliveries
        if delivery.status == DeliveryStatus.DELIVERED
        for student in roster.classes[delivery.schedule.klass_id]
        if rng.random() < 0.92
    )
    copy_rows(LessonDelivery.students_present.through, ("lessondelivery_id", "student_id"), present)
    return len(deliveries)
