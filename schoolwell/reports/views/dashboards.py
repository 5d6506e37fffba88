"""Dashboards: thin views over `indicators` (the same numbers as the exports)."""

from __future__ import annotations

from collections.abc import Callable, Collection

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from schoolwell.accounts import gate
from schoolwell.core import figures
from schoolwell.reports import dashboards
from schoolwell.reports.routing import replica_reads
from schoolwell.roster.selectors import administered_schools


def _cached(user, kind: str, school_ids: Collection[int], build: Callable[[], dict]) -> dict:
    """The dashboard's context from the cache, else built and kept there (core/figures.py).
    Called only after the access check: the cache never answers who may see a dashboard."""
    seconds = figures.cache_seconds()
    if not seconds:
        return build()
    key = figures.figures_key(
        kind, get_language(), dashboards.access_shape(user), school_ids=school_ids
    )
    context = cache.get(key)
    if context is None:
        context = build()
        cache.set(key, context, seconds)
    return context


@require_GET
def reports_home(request):
    if not gate.may(request.user, "student.view_staff"):
        raise PermissionDenied
    return render(
        request,
        "reports/home.html",
        {
            "schools": administered_schools(request.user).order_by("name"),
            "is_district_admin": gate.may(request.user, "district.administer"),
            "is_teacher": gate.may(request.user, "class.teach"),
        },
    )


@require_GET
def school_dashboard(request, school_id: int):
    """A school administrator's program dashboard; another school's id is a 404 (rule 9)."""
    school = get_object_or_404(administered_schools(request.user), pk=school_id)
    with replica_reads():
        context = _cached(
            request.user,
            "school",
            {school.pk},
            lambda: dashboards.school_context(request.user, school),
        )
        return render(request, "reports/school.html", {**context, "school": school})


@require_GET
def district_dashboard(request):
    """Across the district's schools: de-identified and small-cell suppressed (rule 7)."""
    if not gate.may(request.user, "district.administer"):
        raise PermissionDenied
    with replica_reads():
        context = _cached(
            request.user,
            "district",
            gate.school_ids(request.user, "school.administer"),
            lambda: dashboards.district_context(request.user),
        )
        return render(request, "reports/district.html", context)


@require_GET
def teacher_dashboard(request):
    if not gate.may(request.user, "class.teach"):
        raise PermissionDenied
    return render(request, "reports/teacher.html", dashboards.teacher_context(request.user))
