"""Dashboards: thin views over `indicators` (the same numbers as the exports)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from schoolwell.accounts import gate
from schoolwell.reports import dashboards
from schoolwell.reports.routing import replica_reads
from schoolwell.roster.selectors import administered_schools


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
        return render(
            request, "reports/school.html", dashboards.school_context(request.user, school)
        )


@require_GET
def district_dashboard(request):
    """Across the district's schools: de-identified and small-cell suppressed (rule 7)."""
    if not gate.may(request.user, "district.administer"):
        raise PermissionDenied
    with replica_reads():
        return render(request, "reports/district.html", dashboards.district_context(request.user))


@require_GET
def teacher_dashboard(request):
    if not gate.may(request.user, "class.teach"):
        raise PermissionDenied
    return render(request, "reports/teacher.html", dashboards.teacher_context(request.user))
