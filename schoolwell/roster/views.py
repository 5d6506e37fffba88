from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET

from schoolwell.accounts import gate
from schoolwell.audit.services import access_log_record
from schoolwell.core.input import InputRejected, int_param
from schoolwell.core.registry import class_panel_providers, panels, student_panel_providers
from schoolwell.roster.selectors import (
    class_roster,
    staff_visible_students,
    visible_classes,
    who_can_access,
)
from schoolwell.roster.services import class_teachers


@require_GET
def student_list(request):
    students = staff_visible_students(request.user).filter(active=True).select_related("school")
    # NUL cannot go into a PostgreSQL query (it was a 500); it is never part of a name.
    query = request.GET.get("q", "").replace("\x00", "").strip()
    if query:
        students = students.filter(
            Q(given_name__icontains=query)
            | Q(family_name__icontains=query)
            | Q(preferred_name__icontains=query)
            | Q(local_id=query)
        )
    try:
        # A number too large for the column was a 500 (OverflowError on SQLite).
        grade = int_param(request.GET, "grade", minimum=-1, maximum=13)
    except InputRejected as exc:
        return HttpResponseBadRequest(str(exc))
    if grade is not None:
        students = students.filter(grade=grade)
    page = Paginator(students.order_by("family_name", "given_name", "pk"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "roster/student_list.html",
        {"page": page, "q": query, "grade": "" if grade is None else grade},
    )


@require_GET
def student_detail(request, pk: int):
    """A student's page for staff. Another school's or class's student is a 404 (rule 9)."""
    student = get_object_or_404(
        staff_visible_students(request.user).select_related("school"), pk=pk
    )
    # FERPA: every view of a student's record is a disclosure-log entry.
    access_log_record(
        user=request.user, student=student, what=gettext_noop("student profile"), request=request
    )
    classes = student.enrollments.filter(active=True).select_related("klass")
    context = {
        "student": student,
        "enrollments": classes,
        "guardian_links": student.guardian_links.select_related("guardian"),
        "panels": panels(student_panel_providers, request, student),
        "access": who_can_access(student),
        # Link only what this reader may open: other teachers' classes and the disclosure
        # record (administrators and guardians only) would be dead ends (404).
        "visible_class_ids": set(
            visible_classes(request.user)
            .filter(pk__in=[e.klass_id for e in classes])
            .values_list("pk", flat=True)
        ),
        "may_see_disclosures": gate.may(request.user, "school.administer", student),
    }
    return render(request, "roster/student_detail.html", context)


@require_GET
def class_detail(request, pk: int):
    klass = get_object_or_404(visible_classes(request.user).select_related("school", "term"), pk=pk)
    return render(
        request,
        "roster/class_detail.html",
        {
            "klass": klass,
            "students": class_roster(klass),
            "teachers": class_teachers(klass),
            "panels": panels(class_panel_providers, request, klass),
        },
    )
