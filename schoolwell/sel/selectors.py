"""Reads of SEL data, scoped to the user asking (classes come from the roster selectors)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from schoolwell.accounts import gate
from schoolwell.roster.models import AcademicTerm, Class, School
from schoolwell.roster.selectors import visible_classes
from schoolwell.sel.models import Competency, Lesson, LessonSchedule

WEEKDAYS = 5  # the week view shows Monday to Friday


class ScheduleStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DELIVERED = "delivered", _("Delivered")
    SKIPPED = "skipped", _("Skipped")
    OVERDUE = "overdue", pgettext_lazy("lesson status", "Overdue")


def _author_condition(user) -> Q:
    """Lessons a user sees: the starter library, their schools' lessons, their own copies."""
    teacher_school_ids = Class.objects.filter(pk__in=gate.class_ids(user)).values("school_id")
    return (
        Q(school__isnull=True)
        | Q(school_id__in=gate.school_ids(user, "lesson.author"))
        # A teacher sees their schools' own lessons, but other teachers' adapted copies
        # only through the counsellors and administrators who oversee them.
        | Q(school_id__in=teacher_school_ids, based_on__isnull=True)
        | Q(created_by=user)
    )


def visible_lessons(user) -> QuerySet[Lesson]:
    if not gate.may(user, "student.view_staff"):
        return Lesson.objects.none()
    return Lesson.objects.filter(_author_condition(user), active=True)


def lesson_library(
    *, user, text: str = "", grade_band: str = "", competency: str = ""
) -> QuerySet[Lesson]:
    """The library page: filtered by words in title/objectives, grade band and competency."""
    lessons = visible_lessons(user)
    for word in text.lower().split():
        lessons = lessons.filter(search_text__contains=word)
    if grade_band:
        lessons = lessons.filter(grade_band=grade_band)
    if competency:
        lessons = lessons.filter(competencies__code=competency)
    return lessons.select_related("primary_competency", "school").prefetch_related("competencies")


def can_edit_lesson(user, lesson: Lesson) -> bool:
    """Starter lessons are data from fixtures, never edited in the app (copy them instead)."""
    if lesson.school_id is None:
        return False
    if lesson.based_on_id is not None and lesson.created_by_id == user.pk:
        return True
    return gate.may(user, "lesson.author", lesson)


def lesson_author_schools(user) -> QuerySet[School]:
    """Schools whose own lessons the user may write (counsellors and administrators)."""
    return gate.schools(user, "lesson.author")


def sel_classes(user) -> QuerySet[Class]:
    """Classes whose SEL lessons the user may schedule and log: their own classes as a
    teacher, any class of a school they administer."""
    return gate.classes(user, "class.plan_sel")


def delivery_of(schedule: LessonSchedule):
    """The schedule's delivery, or None (select_related("delivery") avoids a query)."""
    try:
        return schedule.delivery
    except LessonSchedule.delivery.RelatedObjectDoesNotExist:
        return None


def schedule_status(schedule: LessonSchedule, today: dt.date) -> ScheduleStatus:
    delivery = delivery_of(schedule)
    if delivery is not None:
        return ScheduleStatus(delivery.status)
    return ScheduleStatus.OVERDUE if schedule.planned_on < today else ScheduleStatus.PLANNED


def schedules_for(
    *, user, classes: QuerySet[Class] | None = None, start: dt.date, end: dt.date
) -> QuerySet[LessonSchedule]:
    """Schedules of the user's SEL classes between two dates, with lesson and delivery."""
    classes = sel_classes(user) if classes is None else classes
    return (
        LessonSchedule.objects.filter(klass__in=classes, planned_on__range=(start, end))
        .select_related("lesson", "klass", "delivery")
        .order_by("planned_on", "klass__title", "pk")
    )


@dataclass
class PlannedLesson:
    schedule: LessonSchedule
    status: ScheduleStatus


@dataclass
class WeekDay:
    date: dt.date
    lessons: list[PlannedLesson]


@dataclass
class WeekPlan:
    start: dt.date
    days: list[WeekDay]

    @property
    def previous(self) -> dt.date:
        return self.start - dt.timedelta(days=7)

    @property
    def next(self) -> dt.date:
        return self.start + dt.timedelta(days=7)

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=WEEKDAYS - 1)


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _planning_classes(user) -> QuerySet[Class]:
    """The classes of a user's week: the ones they teach; a user who teaches none sees the
    classes of the schools they administer."""
    if gate.may(user, "class.teach"):
        return gate.classes(user, "class.teach")
    return sel_classes(user)


def week_plan(*, user, start: dt.date, today: dt.date) -> WeekPlan:
    """A teacher's week (Monday–Friday): what is planned per day, with its status.
    One query for the schedules, whatever their number."""
    start = week_start(start)
    end = start + dt.timedelta(days=WEEKDAYS - 1)
    days = {start + dt.timedelta(days=i): [] for i in range(WEEKDAYS)}
    schedules = schedules_for(user=user, classes=_planning_classes(user), start=start, end=end)
    for schedule in schedules:
        days[schedule.planned_on].append(PlannedLesson(schedule, schedule_status(schedule, today)))
    return WeekPlan(start=start, days=[WeekDay(date, items) for date, items in days.items()])


def day_plan(*, user, day: dt.date, today: dt.date) -> list[PlannedLesson]:
    schedules = schedules_for(user=user, classes=_planning_classes(user), start=day, end=day)
    return [PlannedLesson(s, schedule_status(s, today)) for s in schedules]


def upcoming_for_class(
    *, user, klass: Class, today: dt.date, limit: int = 5
) -> list[PlannedLesson]:
    """The next planned lessons of a class the user may run, plus any overdue ones."""
    schedules = (
        LessonSchedule.objects.filter(klass__in=sel_classes(user), klass=klass)
        .filter(Q(planned_on__gte=today) | Q(delivery__isnull=True))
        .select_related("lesson", "klass", "delivery")
        .order_by("planned_on", "pk")[:limit]
    )
    return [PlannedLesson(s, schedule_status(s, today)) for s in schedules]


def competencies() -> list[Competency]:
    return list(Competency.objects.order_by("order", "code"))


# Coverage -------------------------------------------------------------------------------
# The rules behind the figures (also shown on the coverage page):
# - A schedule counts in a period when its planned date falls in it.
# - Due: planned on or before today, or already logged. Overdue (behind plan): planned
#   before today and not logged. Delivery rate: delivered ÷ due.
# - Minutes per competency: a delivered lesson's logged minutes count in full toward
#   EACH of its competencies (lessons teach several at once; splitting would understate
#   every one), so the competency minutes of a class can add up to more than its minutes.


@dataclass
class Coverage:
    """Figures for one class, or a school's or the district's classes added up."""

    label: str
    kind: str  # "class", "school" or "district"
    obj: object
    scheduled: int = 0
    due: int = 0
    delivered: int = 0
    skipped: int = 0
    overdue: int = 0
    minutes: int = 0
    competency_minutes: dict[str, int] | None = None
    classes_behind: int = 0
    # Filled by `coverage_report` for templates and exports, in the competencies' order.
    minutes_per_competency: list[int] | None = None
    untouched: list[Competency] | None = None

    @property
    def delivery_rate(self) -> float | None:
        return self.delivered / self.due if self.due else None

    @property
    def behind_plan(self) -> bool:
        return self.overdue > 0

    def minutes_for(self, code: str) -> int:
        return (self.competency_minutes or {}).get(code, 0)

    def set_competencies(self, all_competencies: list[Competency]) -> None:
        self.minutes_per_competency = [self.minutes_for(c.code) for c in all_competencies]
        # Not touched: no delivered minutes in the period.
        self.untouched = [c for c in all_competencies if not self.minutes_for(c.code)]

    def add(self, other: Coverage) -> None:
        for field in ("scheduled", "due", "delivered", "skipped", "overdue", "minutes"):
            setattr(self, field, getattr(self, field) + getattr(other, field))
        self.competency_minutes = self.competency_minutes or {}
        for code, value in (other.competency_minutes or {}).items():
            self.competency_minutes[code] = self.competency_minutes.get(code, 0) + value
        self.classes_behind += 1 if other.behind_plan else 0


def coverage_classes(user) -> QuerySet[Class]:
    """Classes whose coverage the user sees: taught classes, or their schools' classes."""
    return visible_classes(user)


def coverage_for_classes(
    *, user, start: dt.date, end: dt.date, today: dt.date, classes: QuerySet[Class] | None = None
) -> list[Coverage]:
    """Per-class coverage for the user's classes (optionally narrowed), in three queries."""
    scoped = coverage_classes(user)
    if classes is not None:
        scoped = scoped.filter(pk__in=classes.values("pk"))
    class_list = list(scoped.select_related("school__district").order_by("school__name", "title"))
    rows = {
        k.pk: Coverage(label=k.title, kind="class", obj=k, competency_minutes={})
        for k in class_list
    }
    if not rows:
        return []
    in_period = Q(planned_on__range=(start, end), klass_id__in=rows.keys())
    counts = (
        LessonSchedule.objects.filter(in_period)
        .order_by()
        .values("klass_id")
        .annotate(
            scheduled=models.Count("pk"),
            due=models.Count("pk", filter=Q(planned_on__lte=today) | Q(delivery__isnull=False)),
            delivered=models.Count("pk", filter=Q(delivery__status="delivered")),
            skipped=models.Count("pk", filter=Q(delivery__status="skipped")),
            overdue=models.Count("pk", filter=Q(planned_on__lt=today, delivery__isnull=True)),
            minutes=models.Sum("delivery__minutes", filter=Q(delivery__status="delivered")),
        )
    )
    for count in counts:
        row = rows[count.pop("klass_id")]
        count["minutes"] = count["minutes"] or 0
        for field, value in count.items():
            setattr(row, field, value)
    # Joining through the lesson's competencies yields one row per competency: the
    # lesson's minutes count toward each (the rule above).
    per_competency = (
        LessonSchedule.objects.filter(in_period, delivery__status="delivered")
        .order_by()
        .values("klass_id", "lesson__competencies__code")
        .annotate(minutes=models.Sum("delivery__minutes"))
    )
    for item in per_competency:
        rows[item["klass_id"]].competency_minutes[item["lesson__competencies__code"]] = item[
            "minutes"
        ]
    return list(rows.values())


@dataclass
class CoverageReport:
    start: dt.date
    end: dt.date
    competencies: list[Competency]
    classes: list[Coverage]
    schools: list[Coverage]
    districts: list[Coverage]


def coverage_report(*, user, start: dt.date, end: dt.date, today: dt.date) -> CoverageReport:
    """Per class, plus totals per school and per district where the user sees them whole:
    a school's total only for its counsellors and administrators, the district's only for
    district administrators (a teacher's classes are not their school)."""
    class_rows = coverage_for_classes(user=user, start=start, end=end, today=today)
    schools: dict[int, Coverage] = {}
    districts: dict[int, Coverage] = {}
    # Asked once per school, not per class (2,100 classes in a 50-school district).
    may_view = {}
    for school in {row.obj.school for row in class_rows}:
        may_view[school.pk] = (
            gate.may(user, "school.view", school),
            gate.may(user, "district.administer", school),
        )
    for row in class_rows:
        school = row.obj.school
        sees_school, sees_district = may_view[school.pk]
        if sees_school:
            schools.setdefault(school.pk, Coverage(school.name, "school", school)).add(row)
        if sees_district:
            district = school.district
            districts.setdefault(district.pk, Coverage(district.name, "district", district)).add(
                row
            )
    all_competencies = competencies()
    for row in [*class_rows, *schools.values(), *districts.values()]:
        row.set_competencies(all_competencies)
    return CoverageReport(
        start=start,
        end=end,
        competencies=all_competencies,
        classes=class_rows,
        schools=list(schools.values()),
        districts=list(districts.values()),
    )


def school_coverage(
    *, user, school_ids: set[int], start: dt.date, end: dt.date, today: dt.date
) -> list[Coverage]:
    """`coverage_report`'s school totals for these schools (those the user sees whole), in
    name order, added up by the database: two queries, whatever the number of classes (a
    dashboard of 50 schools would otherwise load 2,100 classes to add them up)."""
    shown = set(school_ids) & set(gate.school_ids(user, "school.view"))
    classes = coverage_classes(user).filter(school_id__in=shown)
    schedule = "sel_schedules__"
    in_period = Q(**{f"{schedule}planned_on__range": (start, end)})
    delivered = in_period & Q(**{f"{schedule}delivery__status": "delivered"})
    overdue = in_period & Q(
        **{f"{schedule}planned_on__lt": today, f"{schedule}delivery__isnull": True}
    )
    totals = (
        classes.order_by()
        .values("school_id", "school__name")
        .annotate(
            scheduled=models.Count("sel_schedules", filter=in_period),
            due=models.Count(
                "sel_schedules",
                filter=in_period
                & (
                    Q(**{f"{schedule}planned_on__lte": today})
                    | Q(**{f"{schedule}delivery__isnull": False})
                ),
            ),
            delivered=models.Count("sel_schedules", filter=delivered),
            skipped=models.Count(
                "sel_schedules",
                filter=in_period & Q(**{f"{schedule}delivery__status": "skipped"}),
            ),
            overdue=models.Count("sel_schedules", filter=overdue),
            minutes=models.Sum(f"{schedule}delivery__minutes", filter=delivered),
            classes_behind=models.Count("pk", distinct=True, filter=overdue),
        )
        .order_by("school__name", "school_id")
    )
    rows = {}
    for total in totals:
        school = School(pk=total.pop("school_id"), name=total.pop("school__name"))
        total["minutes"] = total["minutes"] or 0
        rows[school.pk] = Coverage(school.name, "school", school, competency_minutes={}, **total)
    # One row per competency of each delivered lesson: its minutes count toward each.
    per_competency = (
        LessonSchedule.objects.filter(
            klass__in=classes, planned_on__range=(start, end), delivery__status="delivered"
        )
        .order_by()
        .values("klass__school_id", "lesson__competencies__code")
        .annotate(minutes=models.Sum("delivery__minutes"))
    )
    for item in per_competency:
        row = rows[item["klass__school_id"]]
        row.competency_minutes[item["lesson__competencies__code"]] = item["minutes"]
    return list(rows.values())


def coverage_period(*, user, today: dt.date) -> tuple[dt.date, dt.date]:
    """The current term of the user's classes (the latest-starting term containing today), else
    the school year (1 August – 31 July) containing today."""
    term = (
        AcademicTerm.objects.filter(
            classes__in=coverage_classes(user), start_date__lte=today, end_date__gte=today
        )
        .order_by("-start_date", "end_date", "pk")
        .first()
    )
    if term:
        return term.start_date, term.end_date
    year = today.year if today.month >= 8 else today.year - 1
    return dt.date(year, 8, 1), dt.date(year + 1, 7, 31)
