"""Results and trends: per class for its teachers and counsellors, and the school's
concern-tag list for its administrators."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods

from schoolwell.accounts import gate
from schoolwell.audit.services import access_log_record_many
from schoolwell.roster.selectors import administered_schools, visible_classes
from schoolwell.screening.selectors import (
    class_checkin_trends,
    concern_tags_for,
    open_windows_for_class,
    sparkline_points,
)
from schoolwell.screening.services import ScreeningInputError, concern_tag_set


@require_GET
def class_results(request, class_pk: int):
    klass = get_object_or_404(visible_classes(request.user).select_related("school"), pk=class_pk)
    trends = class_checkin_trends(user=request.user, klass=klass)
    shown = [t.student for t in trends if t.recent]
    if shown:
        access_log_record_many(
            user=request.user,
            students=shown,
            what=gettext_noop("check-in trends"),
            request=request,
            action="view",
        )
    rows = [(t, sparkline_points(t.recent)) for t in trends]
    return render(
        request,
        "screening/class_results.html",
        {
            "klass": klass,
            "rows": rows,
            "windows": open_windows_for_class(klass),
            "teaches": gate.may(request.user, "class.teach", klass),
        },
    )


@require_http_methods(["GET", "POST"])
def concern_tags(request, school_pk: int):
    """A school administrator's list of concern tags: switch defaults off, add the school's own."""
    school = get_object_or_404(administered_schools(request.user), pk=school_pk)
    error, status = "", 200
    if request.method == "POST":
        try:
            concern_tag_set(
                school=school,
                code=request.POST.get("code", ""),
                label={
                    "en": request.POST.get("label_en", ""),
                    "es": request.POST.get("label_es", ""),
                },
                sensitive=request.POST.get("sensitive") == "on",
                active=request.POST.get("active", "on") == "on",
            )
        except ScreeningInputError as exc:
            error, status = exc.message, 400
        else:
            messages.success(request, _("Concern tags updated."))
            return redirect("screening:concern_tags", school.pk)
    return render(
        request,
        "screening/concern_tags.html",
        {
            "school": school,
            "tags": concern_tags_for(school.pk, include_inactive=True),
            "error": error,
        },
        status=status,
    )
