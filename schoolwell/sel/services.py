"""Writes of SEL data: lessons, schedules, deliveries. Callers check who may (selectors)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from schoolwell.accounts.models import User
from schoolwell.core.figures import school_figures_changed
from schoolwell.roster.models import Class, School, Student
from schoolwell.roster.selectors import class_roster
from schoolwell.sel.models import (
    Competency,
    DeliveryStatus,
    Lesson,
    LessonDelivery,
    LessonSchedule,
)
from schoolwell.sel.texts import search_text


class Cadence:
    DAILY = "daily"  # consecutive teaching days (Monday–Friday)
    WEEKLY = "weekly"  # the same weekday each week


class SelError(ValueError):
    """A request that would leave SEL data wrong; the message is shown to the user."""


@dataclass(frozen=True)
class LessonContent:
    """What a lesson says, per language (see models.Lesson)."""

    title: dict
    grade_band: str
    competencies: Sequence[Competency]  # first = primary
    minutes: int
    objectives: list
    materials: list
    steps: list
    reflection_prompt: dict
    unit: str = ""


def lesson_content(lesson: Lesson) -> LessonContent:
    """A lesson's current content, e.g. to change one part of it with `dataclasses.replace`."""
    primary = lesson.primary_competency
    others = [c for c in lesson.competencies.all() if c.pk != primary.pk]
    return LessonContent(
        title=dict(lesson.title),
        grade_band=lesson.grade_band,
        competencies=[primary, *others],
        minutes=lesson.minutes,
        objectives=list(lesson.objectives),
        materials=list(lesson.materials),
        steps=list(lesson.steps),
        reflection_prompt=dict(lesson.reflection_prompt),
        unit=lesson.unit,
    )


def _apply(lesson: Lesson, content: LessonContent) -> None:
    lesson.title = content.title
    lesson.grade_band = content.grade_band
    lesson.primary_competency = content.competencies[0]
    lesson.minutes = content.minutes
    lesson.objectives = content.objectives
    lesson.materials = content.materials
    lesson.steps = content.steps
    lesson.reflection_prompt = content.reflection_prompt
    lesson.unit = content.unit
    lesson.search_text = search_text(content.title, content.objectives)


def _unique_slug(title: str) -> str:
    return f"{slugify(title)[:100] or 'lesson'}-{get_random_string(8).lower()}"


@transaction.atomic
def lesson_create(*, school: School, content: LessonContent, by: User) -> Lesson:
    """A school's own lesson, written by one of its counsellors or administrators."""
    lesson = Lesson(slug=_unique_slug(content.title["en"]), school=school, created_by=by)
    _apply(lesson, content)
    lesson.save()
    lesson.competencies.set(content.competencies)
    return lesson


@transaction.atomic
def lesson_update(*, lesson: Lesson, content: LessonContent, by: User) -> Lesson:
    if lesson.school_id is None:
        # Starter lessons come from fixtures; a reload would silently undo an edit.
        raise SelError(_("Starter lessons cannot be edited; copy the lesson to adapt it."))
    _apply(lesson, content)
    lesson.save()
    lesson.competencies.set(content.competencies)
    return lesson


@transaction.atomic
def lesson_copy(*, lesson: Lesson, school: School, by: User) -> Lesson:
    """An editable copy for `by` to adapt; the original is untouched."""
    copy = Lesson(
        slug=_unique_slug(lesson.title.get("en", lesson.slug)),
        title=dict(lesson.title),
        grade_band=lesson.grade_band,
        primary_competency_id=lesson.primary_competency_id,
        minutes=lesson.minutes,
        objectives=list(lesson.objectives),
        materials=list(lesson.materials),
        steps=list(lesson.steps),
        reflection_prompt=dict(lesson.reflection_prompt),
        unit="",
        school=school,
        based_on=lesson,
        created_by=by,
        search_text=lesson.search_text,
    )
    copy.save()
    copy.competencies.set(lesson.competencies.all())
    return copy


def sequence_dates(start: dt.date, count: int, cadence: str) -> list[dt.date]:
    """`count` teaching dates from `start`: consecutive weekdays, or one a week.

    There is no school calendar yet, so teaching days are Monday to Friday; a weekend
    start moves to the Monday after.
    """
    day = start
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    if cadence == Cadence.WEEKLY:
        return [day + dt.timedelta(weeks=i) for i in range(count)]
    dates = []
    while len(dates) < count:
        if day.weekday() < 5:
            dates.append(day)
        day += dt.timedelta(days=1)
    return dates


@transaction.atomic
def lessons_schedule(
    *, klass: Class, lessons: Sequence[Lesson], dates: Sequence[dt.date], by: User
) -> list[LessonSchedule]:
    """Plan lessons[i] on dates[i] for the class; an identical plan already there is kept."""
    if len(lessons) != len(dates):
        raise SelError(_("Each lesson needs one date."))
    schedules = []
    for lesson, day in zip(lessons, dates, strict=True):
        schedule, _created = LessonSchedule.objects.get_or_create(
            klass=klass, lesson=lesson, planned_on=day, defaults={"scheduled_by": by}
        )
        schedules.append(schedule)
    return schedules


def unit_lessons(lesson: Lesson) -> list[Lesson]:
    """The lessons of `lesson`'s unit in order (just the lesson when it has no unit)."""
    if not lesson.unit:
        return [lesson]
    return list(
        Lesson.objects.filter(unit=lesson.unit, school_id=lesson.school_id, active=True).order_by(
            "sequence", "slug"
        )
    )


@transaction.atomic
def delivery_record(
    *,
    schedule: LessonSchedule,
    delivered_on: dt.date,
    minutes: int,
    present: Iterable[Student],
    reflection: str,
    by: User,
    today: dt.date,
) -> LessonDelivery:
    """Log a scheduled lesson as delivered, with who was there (a correction replaces it)."""
    if delivered_on > today:
        raise SelError(_("A lesson cannot be logged as delivered on a future date."))
    roster = {s.pk for s in class_roster(schedule.klass)}
    present_ids = {s.pk for s in present}
    if not present_ids <= roster:
        # Attendance is taken from the class roster only: no other student can be marked.
        raise SelError(_("Students present must be on the class roster."))
    delivery, _created = LessonDelivery.objects.update_or_create(
        schedule=schedule,
        defaults={
            "status": DeliveryStatus.DELIVERED,
            "delivered_on": delivered_on,
            "minutes": minutes,
            "roster_size": len(roster),
            "skip_reason": "",
            "reflection": reflection,
            "recorded_by": by,
        },
    )
    delivery.students_present.set(present_ids)
    school_figures_changed([schedule.klass.school_id])  # SEL coverage on the dashboards
    return delivery


@transaction.atomic
def delivery_skip(
    *, schedule: LessonSchedule, reason: str, reflection: str, by: User
) -> LessonDelivery:
    if not reason.strip():
        raise SelError(_("Say why the lesson was skipped."))
    delivery, _created = LessonDelivery.objects.update_or_create(
        schedule=schedule,
        defaults={
            "status": DeliveryStatus.SKIPPED,
            "delivered_on": None,
            "minutes": None,
            "roster_size": 0,
            "skip_reason": reason.strip(),
            "reflection": reflection,
            "recorded_by": by,
        },
    )
    delivery.students_present.clear()
    school_figures_changed([schedule.klass.school_id])
    return delivery
