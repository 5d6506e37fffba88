"""SEL's part of `seed_demo`: the library, a term plan for every class, realistic logs.

Each class gets one lesson a week on its own weekday, from the first week of the school
year to four weeks ahead. Past lessons are mostly delivered (about 92% of students present),
some skipped for ordinary school reasons, and a few classes have lessons not yet logged
(behind plan). Some classes never get a decision-making lesson, so coverage shows an
untouched competency. Idempotent: nothing is added when the district already has plans.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace

from django.db import transaction
from django.utils import timezone

from schoolwell.accounts.models import User
from schoolwell.roster.models import Class, ClassUserObjectPermission, Enrollment, School
from schoolwell.sel.library import load_library
from schoolwell.sel.models import (
    DeliveryStatus,
    GradeBand,
    Lesson,
    LessonDelivery,
    LessonSchedule,
)
from schoolwell.sel.services import (
    LessonContent,
    lesson_content,
    lesson_copy,
    lesson_create,
    lesson_update,
)

SKIP_REASONS = [
    "Assembly",
    "Fire drill",
    "State testing",
    "Field trip",
    "Early release day",
]
UNTOUCHED = "responsible_decision_making"
WEEKS_AHEAD = 4


def grade_band(klass: Class) -> str:
    grades = [int(g) for g in klass.grades.split(",") if g.strip().isdigit()]
    grade = min(grades) if grades else 7
    if grade <= 5:
        return GradeBand.ELEMENTARY
    return GradeBand.MIDDLE if grade <= 8 else GradeBand.HIGH


@transaction.atomic
def demo_sel(district, rng, stdout) -> None:
    load_library()
    classes = list(
        Class.objects.filter(school__district=district, active=True).order_by("school", "title")
    )
    if LessonSchedule.objects.filter(klass__in=classes).exists():
        return
    today = timezone.localdate()
    teachers = dict(
        ClassUserObjectPermission.objects.filter(
            content_object__in=classes, permission__codename="teach_class"
        ).values_list("content_object_id", "user_id")
    )
    roster = defaultdict(list)
    for class_id, student_id in Enrollment.objects.filter(
        klass__in=classes, active=True
    ).values_list("klass_id", "student_id"):
        roster[class_id].append(student_id)
    lessons_by_band = defaultdict(list)
    for lesson in Lesson.objects.filter(school__isnull=True, active=True).prefetch_related(
        "competencies"
    ):
        lessons_by_band[lesson.grade_band].append(lesson)

    demo_teacher = User.objects.get(username="teacher")
    schedules, outcomes = [], []
    for index, klass in enumerate(classes):
        candidates = lessons_by_band[grade_band(klass)]
        if index % 4 == 1:
            # Some classes' plans never reach decision-making: a gap coverage should show.
            narrowed = [
                lesson
                for lesson in candidates
                if UNTOUCHED not in {c.code for c in lesson.competencies.all()}
            ]
            candidates = narrowed or candidates
        if not candidates:
            continue
        is_demo = teachers.get(klass.pk) == demo_teacher.pk
        start = klass.term.start_date if klass.term else today - dt.timedelta(weeks=12)
        behind = index % 5 == 2 or (is_demo and klass.title.startswith("Advisory"))
        unlogged_weeks = 1 if is_demo else 1 + index % 2
        offset = rng.randrange(len(candidates))
        for number, day in enumerate(_meeting_days(klass, index, is_demo, start, today)):
            lesson = candidates[(offset + number) % len(candidates)]
            schedule = LessonSchedule(
                klass=klass, lesson=lesson, planned_on=day, scheduled_by_id=teachers.get(klass.pk)
            )
            schedules.append(schedule)
            if day >= today:
                continue
            if behind and (today - day).days // 7 < unlogged_weeks:
                continue  # the latest lesson(s) not logged yet: behind plan
            if rng.random() < 0.09:
                outcomes.append((schedule, DeliveryStatus.SKIPPED, rng.choice(SKIP_REASONS)))
            else:
                outcomes.append((schedule, DeliveryStatus.DELIVERED, ""))
    LessonSchedule.objects.bulk_create(schedules)

    deliveries, attendance = [], []
    for schedule, status, reason in outcomes:
        members = roster[schedule.klass_id]
        delivered = status == DeliveryStatus.DELIVERED
        present = [s for s in members if rng.random() < 0.92] if delivered else []
        minutes = schedule.lesson.minutes - rng.choice([0, 0, 0, 5]) if delivered else None
        delivery = LessonDelivery(
            schedule=schedule,
            status=status,
            delivered_on=schedule.planned_on if delivered else None,
            minutes=max(minutes, 5) if minutes else None,
            roster_size=len(members) if delivered else 0,
            skip_reason=reason,
            reflection=rng.choice(["", "", "Good discussion.", "Ran short on time."])
            if delivered
            else "",
            recorded_by_id=schedule.scheduled_by_id,
        )
        deliveries.append(delivery)
        attendance.append((delivery, present))
    LessonDelivery.objects.bulk_create(deliveries)
    through = LessonDelivery.students_present.through
    through.objects.bulk_create(
        through(lessondelivery_id=delivery.pk, student_id=student_id)
        for delivery, present in attendance
        for student_id in present
    )
    _demo_school_lessons(district, demo_teacher)
    stdout.write(
        f"SEL: {len(schedules)} lessons planned, {len(deliveries)} logged, "
        f"{len(schedules) - len(deliveries)} not logged."
    )


def _meeting_days(klass, index: int, is_demo: bool, start: dt.date, today: dt.date):
    """Each class's SEL days from the start of the year to four weeks ahead: one weekday a
    week. The demo teacher's classes meet today (the home page shows it), and Advisory 7-A
    also two days earlier, so their current week mixes statuses."""
    weekday = min(today.weekday(), 4)
    if not is_demo:
        weekdays = {index % 5}
    elif klass.title.startswith("Advisory"):
        weekdays = {max(weekday - 2, 0), weekday}
    else:
        weekdays = {weekday}
    last = today + dt.timedelta(weeks=WEEKS_AHEAD)
    monday = start - dt.timedelta(days=start.weekday())
    while monday <= last:
        for day in sorted(monday + dt.timedelta(days=w) for w in weekdays):
            if start <= day <= last:
                yield day
        monday += dt.timedelta(weeks=1)


def _demo_school_lessons(district, demo_teacher: User) -> None:
    """A counsellor's own lesson for the secondary school and the teacher's adapted copy."""
    secondary = School.objects.get(district=district, code="riverside-secondary")
    counsellor = User.objects.get(username="counsellor")
    original = Lesson.objects.filter(school__isnull=True, grade_band=GradeBand.MIDDLE).first()
    if original is None:
        return
    lesson_create(
        school=secondary,
        by=counsellor,
        content=LessonContent(
            title={
                "en": "Exam season: a plan for the week before tests",
                "es": "Época de exámenes: un plan para la semana antes de las pruebas",
            },
            grade_band=GradeBand.HIGH,
            competencies=[original.primary_competency],
            minutes=25,
            objectives=[
                {
                    "en": "Name two signs of test stress in your body.",
                    "es": "Nombrar dos señales de estrés por exámenes en el cuerpo.",
                },
                {
                    "en": "Make a realistic study-and-rest plan for five days.",
                    "es": "Hacer un plan realista de estudio y descanso para cinco días.",
                },
            ],
            materials=[{"en": "Printed week planner", "es": "Planificador semanal impreso"}],
            steps=[
                {
                    "en": "Quick write: what does stress feel like before a test?",
                    "es": "Escritura rápida: ¿cómo se siente el estrés antes de un examen?",
                },
                {
                    "en": "Pairs fill in the planner, with one break a day.",
                    "es": "En parejas, completen el planificador con un descanso al día.",
                },
                {
                    "en": "Share one strategy with the class.",
                    "es": "Compartan una estrategia con la clase.",
                },
            ],
            reflection_prompt={
                "en": "Which part of your plan will be hardest to keep?",
                "es": "¿Qué parte de tu plan será la más difícil de cumplir?",
            },
        ),
    )
    copy = lesson_copy(lesson=original, school=secondary, by=demo_teacher)
    content = lesson_content(copy)
    lesson_update(
        lesson=copy,
        by=demo_teacher,
        content=replace(
            content,
            title={
                "en": f"{content.title['en']} (Advisory 7-A version)",
                "es": f"{content.title.get('es', content.title['en'])} (versión de Advisory 7-A)",
            },
            minutes=max(content.minutes - 5, 10),
        ),
    )
