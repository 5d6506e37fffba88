"""The generated district's year so far: consent decisions, daily check-ins with trends,
screening results in every band and SEL lessons delivered."""

from __future__ import annotations

import datetime as dt
import io
import random

from django.core.management import call_command
from django.utils import timezone

from schoolwell.consent.models import Channel, ConsentDecision, ConsentForm, Decision, Purpose
from schoolwell.core.generator.copy import copy_rows, deferred_indexes
from schoolwell.core.generator.roster import BATCH, GeneratedRoster
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

    moments = [_at(day, 9) for day in dates]
    last = max(1, len(dates) - 1)
    random_, gauss, choice = rng.random, rng.gauss, rng.choice

    def rows():
        # Streamed student by student: memory stays flat whatever the district's size.
        for s in roster.students:
            baseline = rng.choices([5, 4, 3, 2], weights=[3, 5, 3, 1])[0]
            draw = random_()
            s.trend = -2.5 if draw < DECLINING else 1.5 if draw < DECLINING + IMPROVING else 0
            for n, (day, at) in enumerate(zip(dates, moments, strict=True)):
                if random_() < ABSENT:
                    yield (s.pk, s.teacher_id, s.class_id, day, None, True, [], "", at, at)
                    continue
                value = round(baseline + s.trend * n / last + gauss(0, 0.6))
                value = 5 if value > 5 else 1 if value < 1 else value
                chosen = [choice(tags)] if tags and value <= 2 and random_() < 0.4 else []
                yield (s.pk, s.teacher_id, s.class_id, day, value, False, chosen, "", at, at)

    with deferred_indexes(CheckIn, rows=len(roster.students) * len(dates)):
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
    rows, count = [], 0
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
        if len(rows) == BATCH:  # inserted as they are scored: memory stays flat
            count += len(ScreeningResult.objects.bulk_create(rows))
            rows = []
    return count + len(ScreeningResult.objects.bulk_create(rows))


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
