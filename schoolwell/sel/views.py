"""SEL pages. Who may do what is decided by the selectors; writes go through services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolwell.accounts import gate
from schoolwell.roster.models import School
from schoolwell.roster.selectors import class_roster
from schoolwell.sel import figures, selectors, services
from schoolwell.sel.forms import (
    DeliveryForm,
    LessonForm,
    LibraryFilterForm,
    NewLessonForm,
    ScheduleForm,
)
from schoolwell.sel.models import DeliveryStatus, LessonSchedule
from schoolwell.sel.texts import in_language

PAGE_SIZE = 20
MIN_YEAR, MAX_YEAR = 2000, 2100


def _require_staff(request) -> None:
    # Lessons, plans and coverage are staff work: parents and outsiders get nothing.
    if not gate.may(request.user, "student.view_staff"):
        raise PermissionDenied


def _parse_date(value: str | None, default: dt.date) -> dt.date:
    if not value:
        return default
    try:
        day = dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(_("Dates are written YYYY-MM-DD.")) from exc
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        # Far-off years would overflow the week arithmetic (a 500, never a 4xx).
        raise ValueError(
            _("Choose a date between %(min)d and %(max)d.") % {"min": MIN_YEAR, "max": MAX_YEAR}
        )
    return day


def _week_of(day: dt.date) -> str:
    return f"{reverse('sel:week')}?start={day.isoformat()}"


@require_GET
def library(request):
    _require_staff(request)
    competencies = selectors.competencies()
    form = LibraryFilterForm(request.GET or None, competencies=competencies)
    filters = form.cleaned_data if form.is_valid() else {}
    lessons = selectors.lesson_library(
        user=request.user,
        text=filters.get("q", ""),
        grade_band=filters.get("grade_band", ""),
        competency=filters.get("competency", ""),
    )
    page = Paginator(lessons, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "sel/library.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_add": selectors.lesson_author_schools(request.user).exists(),
        },
    )


@require_GET
def lesson_detail(request, pk: int):
    _require_staff(request)
    lesson = get_object_or_404(
        selectors.visible_lessons(request.user).select_related("primary_competency", "based_on"),
        pk=pk,
    )
    return render(
        request,
        "sel/lesson_detail.html",
        {
            "lesson": lesson,
            "competencies": lesson.competencies.all(),
            "can_edit": selectors.can_edit_lesson(request.user, lesson),
            "can_schedule": selectors.sel_classes(request.user).exists(),
        },
    )


@require_http_methods(["GET", "POST"])
def lesson_new(request):
    _require_staff(request)
    schools = selectors.lesson_author_schools(request.user)
    if not schools.exists():
        raise PermissionDenied
    form = NewLessonForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        lesson = services.lesson_create(
            school=form.cleaned_data["school"], content=form.content(), by=request.user
        )
        messages.success(request, _("Lesson added to the school's library."))
        return redirect("sel:lesson_detail", lesson.pk)
    return render(
        request, "sel/lesson_form.html", {"form": form}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def lesson_edit(request, pk: int):
    _require_staff(request)
    lesson = get_object_or_404(selectors.visible_lessons(request.user), pk=pk)
    if not selectors.can_edit_lesson(request.user, lesson):
        raise PermissionDenied
    form = LessonForm(request.POST or None, initial=LessonForm.initial_for(lesson))
    if request.method == "POST" and form.is_valid():
        services.lesson_update(lesson=lesson, content=form.content(), by=request.user)
        messages.success(request, _("Lesson saved."))
        return redirect("sel:lesson_detail", lesson.pk)
    return render(
        request,
        "sel/lesson_form.html",
        {"form": form, "lesson": lesson},
        status=400 if form.errors else 200,
    )


def _copy_school(request, lesson) -> School | None:
    """Where an adapted copy lives: the original's school if it is the user's, else the
    user's first school (teachers: of their classes; staff: of their grants)."""
    schools = gate.schools(request.user, "school.work")
    if lesson.school_id is not None and gate.may(request.user, "school.work", lesson):
        return lesson.school
    return schools.order_by("name", "pk").first()


@require_POST
def lesson_copy(request, pk: int):
    _require_staff(request)
    lesson = get_object_or_404(selectors.visible_lessons(request.user), pk=pk)
    school = _copy_school(request, lesson)
    if school is None:
        raise PermissionDenied
    copy = services.lesson_copy(lesson=lesson, school=school, by=request.user)
    messages.success(request, _("This is your copy: adapt it and save."))
    return redirect("sel:lesson_edit", copy.pk)


@require_http_methods(["GET", "POST"])
def lesson_schedule(request, pk: int):
    _require_staff(request)
    lesson = get_object_or_404(selectors.visible_lessons(request.user), pk=pk)
    classes = selectors.sel_classes(request.user).select_related("school")
    if not classes.exists():
        raise PermissionDenied
    unit = services.unit_lessons(lesson) if lesson.unit else []
    form = ScheduleForm(
        request.POST or None,
        classes=classes,
        initial={"planned_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # A unit is scheduled from this lesson on, in the unit's order.
        lessons = unit[unit.index(lesson) :] if data["whole_unit"] and unit else [lesson]
        dates = services.sequence_dates(data["planned_on"], len(lessons), data["cadence"])
        schedules = services.lessons_schedule(
            klass=data["klass"], lessons=lessons, dates=dates, by=request.user
        )
        messages.success(
            request,
            ngettext(
                "%(n)d lesson planned for %(klass)s.",
                "%(n)d lessons planned for %(klass)s.",
                len(schedules),
            )
            % {"n": len(schedules), "klass": data["klass"]},
        )
        return redirect(_week_of(schedules[0].planned_on))
    return render(
        request,
        "sel/schedule_form.html",
        {"form": form, "lesson": lesson, "unit": unit},
        status=400 if form.errors else 200,
    )


@require_GET
def week(request):
    _require_staff(request)
    today = timezone.localdate()
    try:
        start = _parse_date(request.GET.get("start"), today)
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc))
    plan = selectors.week_plan(user=request.user, start=start, today=today)
    return render(request, "sel/week.html", {"plan": plan, "today": today})


@require_http_methods(["GET", "POST"])
def delivery(request, pk: int):
    """Log a scheduled lesson. Only the class's teachers and its school's administrators
    reach it (others: 404, the class is not theirs)."""
    _require_staff(request)
    schedule = get_object_or_404(
        LessonSchedule.objects.filter(klass__in=selectors.sel_classes(request.user)).select_related(
            "lesson", "klass", "delivery"
        ),
        pk=pk,
    )
    roster = class_roster(schedule.klass)
    existing = selectors.delivery_of(schedule)
    today = timezone.localdate()
    initial = {
        "status": DeliveryStatus.DELIVERED,
        "delivered_on": min(schedule.planned_on, today),
        "minutes": schedule.lesson.minutes,
        # One tap for "all present": everyone starts ticked.
        "present": list(roster),
    }
    if existing:
        initial.update(
            status=existing.status,
            delivered_on=existing.delivered_on or initial["delivered_on"],
            minutes=existing.minutes or initial["minutes"],
            present=list(existing.students_present.all()) or initial["present"],
            skip_reason=existing.skip_reason,
            reflection=existing.reflection,
        )
    form = DeliveryForm(request.POST or None, roster=roster, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["status"] == DeliveryStatus.DELIVERED:
                services.delivery_record(
                    schedule=schedule,
                    delivered_on=data["delivered_on"],
                    minutes=data["minutes"],
                    present=data["present"],
                    reflection=data["reflection"],
                    by=request.user,
                    today=today,
                )
            else:
                services.delivery_skip(
                    schedule=schedule,
                    reason=data["skip_reason"],
                    reflection=data["reflection"],
                    by=request.user,
                )
        except services.SelError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Lesson logged."))
            return redirect(_week_of(schedule.planned_on))
    return render(
        request,
        "sel/delivery_form.html",
        {
            "form": form,
            "schedule": schedule,
            "title": in_language(schedule.lesson.title),
            "status": selectors.schedule_status(schedule, today),
        },
        status=400 if form.errors else 200,
    )


@require_GET
def coverage(request):
    _require_staff(request)
    today = timezone.localdate()
    default_start, default_end = selectors.coverage_period(user=request.user, today=today)
    try:
        start = _parse_date(request.GET.get("start"), default_start)
        end = _parse_date(request.GET.get("end"), default_end)
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc))
    if end < start:
        return HttpResponseBadRequest(_("The end date is before the start date."))
    report = selectors.coverage_report(user=request.user, start=start, end=end, today=today)
    # Several schools: compare schools; otherwise compare the classes.
    series = report.schools if len(report.schools) > 1 else report.classes
    return render(
        request,
        "sel/coverage.html",
        {
            "report": report,
            "status_chart": figures.status_chart(report.classes),
            "competency_chart": figures.competency_chart(series, report.competencies),
            "today": today,
            "several_schools": len({row.obj.school_id for row in report.classes}) > 1,
        },
    )
