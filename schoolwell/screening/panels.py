"""What screening adds to shared pages (registered in apps.ScreeningConfig.ready)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from schoolwell.accounts import gate
from schoolwell.audit.services import access_log_record
from schoolwell.core.registry import NavItem, Panel
from schoolwell.screening.models import CheckIn, ScreeningWindow, WindowState
from schoolwell.screening.selectors import (
    concern_tags_for,
    critical_reasons_for,
    open_windows_for_class,
    result_bands,
    sparkline_points,
    student_history,
    teacher_today,
)

CHECKINS_LISTED = 15


def nav(scope) -> list[NavItem]:
    return (
        [NavItem(_("Screening"), "screening:index", 30)]
        if gate.may(scope, "student.view_staff")
        else []
    )


def student_panel(request, student) -> Panel | None:
    """History and bands over time, limited to what this user may see (see selectors)."""
    counsels = gate.may(request.user, "student.view_sensitive", student)
    if not counsels and not gate.may(request.user, "class.teach"):
        return None  # administrators: aggregates only, no individual results (see selectors)
    results, checkins = student_history(user=request.user, student=student)
    scope_note = "" if counsels else _("You see your own check-ins and the ratings you entered.")
    if results or checkins:
        access_log_record(
            user=request.user,
            student=student,
            what=gettext_noop("screening history"),
            request=request,
        )
    language = request.LANGUAGE_CODE
    tag_labels = {t.code: t.label_in(language) for t in concern_tags_for(student.school_id)}
    return Panel(
        "screening/panel_student.html",
        {
            "results": [
                (r, result_bands(r, language), critical_reasons_for(r, language)) for r in results
            ],
            "checkins": [
                (c, [tag_labels.get(code, code) for code in c.tags])
                for c in checkins[:CHECKINS_LISTED]
            ],
            "more_checkins": len(checkins) > CHECKINS_LISTED,
            "shown_checkins": CHECKINS_LISTED,
            "points": sparkline_points(list(reversed(checkins)), width=240, height=40),
            "scope_note": scope_note,
        },
        order=20,
    )


def class_panel(request, klass) -> Panel | None:
    teaches = gate.may(request.user, "class.teach", klass)
    checked_in = (
        teaches
        and CheckIn.objects.filter(
            teacher=request.user, klass=klass, date=timezone.localdate()
        ).exists()
    )
    return Panel(
        "screening/panel_class.html",
        {
            "klass": klass,
            "teaches": teaches,
            "checked_in": checked_in,
            "windows": open_windows_for_class(klass),
        },
        order=10,
    )


def home_panel(request, scope) -> Panel | None:
    if not gate.may(scope, "class.teach"):
        return None
    today = timezone.localdate()
    windows = ScreeningWindow.objects.filter(
        school__classes__pk__in=gate.class_ids(scope),
        opens_on__lte=today,
        closes_on__gte=today,
        state=WindowState.ACTIVE,
    ).distinct()
    return Panel(
        "screening/panel_home.html",
        {"classes": teacher_today(user=request.user), "windows": windows.count()},
        order=10,
    )
