"""SEL test data: the real competencies, small hand-made lessons, schedules and logs."""

import datetime as dt
import json

import pytest

from schoolwell.sel.library import FIXTURES
from schoolwell.sel.models import Competency, DeliveryStatus, Lesson, LessonDelivery, LessonSchedule
from schoolwell.sel.texts import search_text

# A Wednesday in the test term: "today" for every date-dependent test.
TODAY = dt.date(2026, 10, 14)


@pytest.fixture
def competencies(db):
    items = json.loads((FIXTURES / "competencies.json").read_text())["items"]
    return {
        item["code"]: Competency.objects.create(
            code=item["code"],
            name=item["name"],
            description=item["description"],
            order=item["order"],
        )
        for item in items
    }


@pytest.fixture
def make_lesson(competencies):
    def _make(slug, *, band="middle", codes=("self_awareness",), minutes=30, school=None, **extra):
        title = extra.pop("title", {"en": slug.replace("-", " ").title()})
        objectives = extra.pop("objectives", [{"en": f"Objective of {slug}"}])
        lesson = Lesson.objects.create(
            slug=slug,
            title=title,
            grade_band=band,
            primary_competency=competencies[codes[0]],
            minutes=minutes,
            objectives=objectives,
            steps=extra.pop("steps", [{"en": "Do it."}]),
            school=school,
            search_text=search_text(title, objectives),
            **extra,
        )
        lesson.competencies.set([competencies[c] for c in codes])
        return lesson

    return _make


@pytest.fixture
def schedule(teacher):
    def _schedule(klass, lesson, planned_on):
        return LessonSchedule.objects.create(
            klass=klass, lesson=lesson, planned_on=planned_on, scheduled_by=teacher
        )

    return _schedule


def log(schedule, *, status=DeliveryStatus.DELIVERED, minutes=None, present=(), reason=""):
    delivered = status == DeliveryStatus.DELIVERED
    delivery = LessonDelivery.objects.create(
        schedule=schedule,
        status=status,
        delivered_on=schedule.planned_on if delivered else None,
        minutes=(minutes or schedule.lesson.minutes) if delivered else None,
        skip_reason=reason,
    )
    delivery.students_present.set(present)
    return delivery


@pytest.fixture
def today(monkeypatch):
    """Freeze the app's notion of today (timezone.localdate) at TODAY."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    return TODAY
