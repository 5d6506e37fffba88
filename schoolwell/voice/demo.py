"""Student voice in the demo district: six weeks of students' own check-ins with real
spread (most students fine most days, a few trending low), some asking to talk (answered
within hours), and today's check-ins in the demo teacher's advisory through the service:
one student asks the teacher to talk today, one chooses "feeling unsafe" (the crisis path).

Only students whose families did not object (consent step) check in. Idempotent."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from schoolwell.accounts import gate
from schoolwell.accounts.models import User
from schoolwell.referrals import schooldays
from schoolwell.referrals.models import DueUnit, Priority, RuleKind, ThresholdRule
from schoolwell.roster.models import Class, Enrollment, School, Student
from schoolwell.voice.models import (
    DEFAULT_LOW_FEELINGS,
    TOPICS_BY_BAND,
    Channel,
    Energy,
    Feeling,
    MessageAudience,
    StudentCheckIn,
    Topic,
    VoiceSettings,
    WantsToTalk,
    grade_band,
)
from schoolwell.voice.services import checkin_allowed, student_checkin_record

WEEKS = 6
CALM = [Feeling.HAPPY, Feeling.CALM, Feeling.OKAY, Feeling.OKAY, Feeling.TIRED]
LOW = [Feeling.WORRIED, Feeling.SAD, Feeling.TIRED, Feeling.ANGRY, Feeling.SCARED]
MESSAGES = {
    "en": [
        "I had a fight with my best friend",
        "My dog is sick",
        "I did not sleep much",
        "I am nervous about the test",
        "We won the game yesterday!",
    ],
    "es": [
        "Me peleé con mi mejor amiga",
        "Mi perro está enfermo",
        "No dormí mucho",
        "Estoy nervioso por el examen",
        "¡Ganamos el partido ayer!",
    ],
}


@transaction.atomic
def build_voice_demo(district, rng: random.Random, stdout=None) -> None:
    if StudentCheckIn.objects.filter(school__district=district).exists():
        return
    schools = list(School.objects.filter(district=district))
    for school in schools:
        VoiceSettings.objects.get_or_create(
            school=school,
            defaults={
                "low_feelings": list(DEFAULT_LOW_FEELINGS),
                # The secondary school lets advisory teachers read the short messages.
                "message_audience": MessageAudience.ALSO_TEACHER
                if school.code == "riverside-secondary"
                else MessageAudience.COUNSELLORS,
            },
        )
        _rules(school)
    students = list(Student.objects.filter(school__in=schools))
    allowed = checkin_allowed(students)
    students = [s for s in students if allowed.get(s.pk)]
    klass_of = dict(
        Enrollment.objects.filter(student__in=students, active=True)
        .order_by("student_id", "pk")
        .values_list("student_id", "klass_id")
    )
    adults = _adults(schools)
    today = timezone.localdate()
    days = [
        today - dt.timedelta(days=n)
        for n in range(1, WEEKS * 7 + 1)
        if schooldays.is_school_day(today - dt.timedelta(days=n))
    ]
    rows = []
    for student in students:
        rows += _history(student, days, klass_of.get(student.pk), adults, rng)
    StudentCheckIn.objects.bulk_create(rows, batch_size=2000)
    todays = _today(rng) if schooldays.is_school_day(today) else 0
    if stdout is not None:
        stdout.write(
            f"voice: {len(rows)} student check-ins over {WEEKS} weeks "
            f"({len(students)} students with consent), {todays} today"
        )


def _rules(school: School) -> None:
    """Student-voice threshold rules, so the demo's own check-ins can open referrals."""
    for code, kind, count, days, priority in [
        ("voice-low", RuleKind.VOICE_LOW, 4, 10, Priority.ROUTINE),
        ("voice-unsafe", RuleKind.VOICE_UNSAFE, 2, 10, Priority.HIGH),
    ]:
        ThresholdRule.objects.get_or_create(
            school=school,
            code=code,
            defaults={
                "kind": kind,
                "count": count,
                "window_school_days": days,
                "priority": priority,
                "due_within": 2,
                "due_unit": DueUnit.SCHOOL_DAYS,
            },
        )


def _adults(schools) -> dict[int, list[User]]:
    return {s.pk: list(gate.counsellors_of([s.pk]).order_by("pk")) for s in schools}


def _history(student, days, klass_id, adults, rng) -> list[StudentCheckIn]:
    participation = rng.uniform(0.45, 0.95)
    # About one student in twelve has a hard couple of weeks at the end.
    trending = rng.random() < 0.08
    band = grade_band(student.grade)
    language = student.preferred_language if student.preferred_language in MESSAGES else "en"
    counsellors = adults.get(student.school_id) or [None]
    rows = []
    for day in days:
        if rng.random() > participation:
            continue
        recent = (days[0] - day).days < 14
        pool = LOW if (trending and recent and rng.random() < 0.7) else CALM
        if not trending and rng.random() < 0.1:
            pool = LOW[:4]
        feeling = rng.choice(pool)
        topics = []
        if feeling in LOW and rng.random() < 0.6:
            offered = [t for t in TOPICS_BY_BAND[band] if t != Topic.FEELING_UNSAFE]
            topics = rng.sample(offered, k=rng.randint(1, 2))
        wants = WantsToTalk.NOT_NOW
        roll = rng.random()
        if feeling in LOW and roll < 0.12:
            wants = WantsToTalk.TODAY
        elif feeling in LOW and roll < 0.25:
            wants = WantsToTalk.SOON
        at = timezone.make_aware(
            dt.datetime.combine(day, dt.time(8, rng.randint(0, 45), rng.randint(0, 59)))
        )
        adult = rng.choice(counsellors) if wants != WantsToTalk.NOT_NOW else None
        answered = None
        if wants == WantsToTalk.TODAY:
            answered = at + dt.timedelta(minutes=rng.randint(20, 6 * 60))
        rows.append(
            StudentCheckIn(
                school_id=student.school_id,
                student=student,
                date=day,
                feeling=feeling,
                energy=rng.choice([Energy.LOW, Energy.SOME, Energy.SOME, Energy.LOTS]),
                topics=topics,
                message=rng.choice(MESSAGES[language]) if rng.random() < 0.05 else "",
                wants_to_talk=wants,
                trusted_adult=adult,
                channel=Channel.KIOSK if rng.random() < 0.8 else Channel.LINK,
                klass_id=klass_id,
                created_at=at,
                talk_answered_at=answered,
                talk_answered_by=adult if answered else None,
            )
        )
    return rows


def _today(rng) -> int:
    """Today in the demo teacher's advisory, through the service (alerts, referral)."""
    from schoolwell.roster.selectors import class_roster

    teacher = User.objects.filter(username="teacher").first()
    klass = Class.objects.filter(title="Advisory 7-A").first()
    if teacher is None or klass is None:
        return 0
    roster = list(class_roster(klass))
    allowed = checkin_allowed(roster)
    roster = [s for s in roster if allowed.get(s.pk)]
    now = timezone.now()
    count = 0
    for index, student in enumerate(roster):
        if index == 1:
            # Asks the demo teacher to talk today: on the teacher's home page.
            values = {
                "feeling": Feeling.SAD,
                "topics": [Topic.FRIENDS],
                "wants_to_talk": WantsToTalk.TODAY,
                "trusted_adult_id": teacher.pk,
                "message": "Nobody sat with me at lunch again",
            }
        elif index == 4:
            # The crisis path: an urgent referral and an on-call alert.
            values = {
                "feeling": Feeling.SCARED,
                "topics": [Topic.FEELING_UNSAFE],
                "wants_to_talk": WantsToTalk.TODAY,
            }
        elif rng.random() < 0.7:
            values = {"feeling": rng.choice(CALM + [Feeling.WORRIED])}
        else:
            continue
        student_checkin_record(
            student=student,
            channel=Channel.KIOSK,
            klass=klass,
            energy=Energy.SOME,
            now=now - dt.timedelta(minutes=max(1, 40 - index)),
            **values,
        )
        count += 1
    return count
