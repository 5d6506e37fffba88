"""A student's timeline for counsellors and administrators: newest first, filtered by
kind, check-ins one line per week unless opened."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from schoolwell.audit.services import access_log_record
from schoolwell.referrals import selectors, timeline


class TimelineForm(forms.Form):
    kind = forms.MultipleChoiceField(
        label=gettext_lazy("Show"),
        choices=timeline.kind_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    all_checkins = forms.BooleanField(
        label=gettext_lazy("Every check-in (not one line per week)"), required=False
    )
    week = forms.DateField(required=False, widget=forms.HiddenInput)

    def value(self, name, default):
        return self.cleaned_data.get(name) or default if self.is_valid() else default


@require_GET
def student_timeline(request, pk: int):
    """Everything about a student's wellbeing on one page, newest first (counsellors)."""
    if not selectors.works_referrals(request.user):
        raise PermissionDenied(_("Only counsellors and administrators see the timeline."))
    student = selectors.staff_student(user=request.user, pk=pk)
    access_log_record(user=request.user, student=student, what="student timeline", request=request)
    form = TimelineForm(request.GET or None)
    kinds = form.value("kind", [])
    week = form.value("week", None)
    entries = timeline.student_timeline(
        user=request.user,
        student=student,
        kinds=kinds,
        expand_all=form.value("all_checkins", False),
        open_weeks=[week] if week else [],
    )
    query = request.GET.copy()
    query.pop("week", None)
    return render(
        request,
        "referrals/timeline.html",
        {"student": student, "entries": entries, "form": form, "query": query.urlencode()},
    )
