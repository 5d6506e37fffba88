"""Screening windows: administrators open them; staff see who is due, done, not consented."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolwell.accounts import gate
from schoolwell.audit.services import access_log_record_many
from schoolwell.roster.models import Student
from schoolwell.roster.selectors import administered_schools, visible_classes
from schoolwell.screening.forms import WindowEditForm, WindowEndForm, WindowForm
from schoolwell.screening.models import Respondent, WindowState
from schoolwell.screening.selectors import (
    Status,
    band_distribution,
    class_window_status,
    live_kiosks,
    result_bands,
    results_visible_to,
    status_counts,
    window_status,
    windows_for,
)
from schoolwell.screening.services import (
    ScreeningInputError,
    screening_window_end,
    screening_window_open,
    screening_window_update,
)
from schoolwell.screening.views.access import (
    administers,
    counsels,
    teaches,
    window_class_or_404,
    window_or_404,
)


@require_GET
def index(request):
    if not gate.may(request.user, "school.work"):
        raise PermissionDenied(_("Screening is for school staff."))
    today = timezone.localdate()
    windows = list(windows_for(request.user).order_by("-opens_on", "name")[:100])
    return render(
        request,
        "screening/index.html",
        {
            "windows": windows,
            "today": today,
            "can_open": gate.may(request.user, "screening.manage"),
            # Tags and crisis steps are set per school; this is their only way in.
            "admin_schools": administered_schools(request.user),
            "classes": gate.classes(request.user, "class.teach"),
        },
    )


@require_http_methods(["GET", "POST"])
def window_new(request):
    schools = administered_schools(request.user)
    if not schools.exists():
        raise PermissionDenied(_("Only school administrators open screening windows."))
    form = WindowForm(request.POST or None, schools=schools)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                window = screening_window_open(by=request.user, **form.cleaned_data)
            except ScreeningInputError as exc:
                for field, message in exc.errors.items():
                    form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("Screening window opened."))
                return redirect("screening:window_detail", window.pk)
    return render(request, "screening/window_new.html", {"form": form}, status=status)


def _administered_window(request, pk: int):
    """A window the user may see (else 404) and administers (else 403)."""
    window = window_or_404(request.user, pk)
    if not administers(request.user, window.school_id):
        raise PermissionDenied(_("Only the school's administrators change its windows."))
    return window


@require_http_methods(["GET", "POST"])
def window_edit(request, pk: int):
    window = _administered_window(request, pk)
    form = WindowEditForm(request.POST or None, initial=WindowEditForm.initial_for(window))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                screening_window_update(window=window, by=request.user, **form.cleaned_data)
            except ScreeningInputError as exc:
                if not exc.errors:
                    form.add_error(None, exc.message)
                for field, message in exc.errors.items():
                    form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("Screening window saved."))
                return redirect("screening:window_detail", window.pk)
    return render(
        request, "screening/window_edit.html", {"form": form, "window": window}, status=status
    )


@require_POST
def window_end(request, pk: int):
    """Close early or cancel; the results already entered are kept either way."""
    window = _administered_window(request, pk)
    form = WindowEndForm(request.POST)
    if form.is_valid():
        cancel = form.cleaned_data["action"] == "cancel"
        try:
            screening_window_end(window=window, by=request.user, cancel=cancel)
        except ScreeningInputError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Window cancelled. Results already entered are kept.")
                if cancel
                else _("Window closed. Results already entered are kept."),
            )
            return redirect("screening:window_detail", window.pk)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("screening:window_detail", window.pk)


@require_GET
def window_detail(request, pk: int):
    """Counts for the school (staff) and the classes the user can open."""
    window = window_or_404(request.user, pk)
    school_staff = gate.may(request.user, "school.view", window)
    # Only classes with a student in the window's grades: the others would list nobody due.
    classes = (
        visible_classes(request.user)
        .filter(
            school=window.school,
            enrollments__active=True,
            enrollments__student__grade__in=window.grades,
        )
        .distinct()
    )
    if not school_staff:
        classes = classes.filter(pk__in=gate.class_ids(request.user))  # a teacher: their own
    counts = None
    if school_staff:
        students = list(
            Student.objects.filter(school=window.school, active=True, grade__in=window.grades).only(
                "pk", "grade", "school_id"
            )
        )
        counts = status_counts(window_status(students=students, window=window))
    return render(
        request,
        "screening/window_detail.html",
        {
            "window": window,
            "classes": classes,
            "counts": counts,
            "is_open": window.is_open(),
            "can_manage": administers(request.user, window.school_id)
            and window.state == WindowState.ACTIVE,
            "can_close": window.opens_on <= timezone.localdate(),
            "end_form": WindowEndForm(),
        },
    )


@require_GET
def window_class(request, pk: int, class_pk: int):
    """Who in this class is due, done, not consented or absent; what the user may do next."""
    window = window_or_404(request.user, pk)
    klass = window_class_or_404(request.user, window, class_pk)
    rows = class_window_status(klass=klass, window=window)
    visible = set(
        results_visible_to(request.user)
        .filter(pk__in=[r.result.pk for r in rows if r.result])
        .values_list("pk", flat=True)
    )
    language = request.LANGUAGE_CODE
    for row in rows:
        if row.result and row.result.pk not in visible:
            row.result = None  # done, but not this user's to read (e.g. a teacher and PHQ-A)
        row.bands = result_bands(row.result, language) if row.result else []
    shown = [row.student for row in rows if row.result]
    if shown:
        access_log_record_many(
            user=request.user,
            students=shown,
            what=f"{gettext_noop('screening results')}: {window.instrument.code}",
            request=request,
            action="view",
        )
    teacher = teaches(request.user, klass)
    counsellor = counsels(request.user, klass.school_id)
    self_report = window.instrument.respondent == Respondent.STUDENT
    critical = [row for row in rows if row.result and row.result.critical]
    return render(
        request,
        "screening/window_class.html",
        {
            "window": window,
            "klass": klass,
            "rows": rows,
            "counts": status_counts(rows),
            "bands": band_distribution(rows, language),
            "is_open": window.is_open(),
            "can_rate": teacher and not self_report and window.is_open(),
            "can_kiosk": (teacher or counsellor) and self_report and window.is_open(),
            "can_link": counsellor and self_report and window.is_open(),
            "kiosks": live_kiosks(user=request.user, klass=klass) if self_report else [],
            "due": [r for r in rows if r.status in (Status.DUE, Status.ABSENT)],
            "critical": critical,
            "Status": Status,
        },
    )
