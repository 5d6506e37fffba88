"""Pages around the queue: raising a concern, the student timeline, notifications, rules."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from schoolwell.accounts import gate
from schoolwell.audit.services import access_log_record
from schoolwell.referrals import forms, selectors, services, timeline
from schoolwell.referrals.models import Priority, ThresholdRule


def raise_concern(request, student_pk: int):
    """A teacher's "I am worried about this student", for a student of their class."""
    if not gate.may(request.user, "student.teach"):
        raise PermissionDenied(_("Only a student's teachers raise concerns here."))
    student = get_object_or_404(
        gate.students(request.user, "student.teach").select_related("school"),
        pk=student_pk,
    )
    form = forms.ConcernForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                outcome = services.concern_raise(
                    student=student,
                    by=request.user,
                    concern_code=form.cleaned_data["concern"],
                    note=form.cleaned_data["note"],
                    priority=form.cleaned_data["priority"],
                )
            except services.ReferralError as error:
                form.add_error(None, error.message)
                status = error.status_code
            else:
                if not outcome.reasons_added:
                    messages.info(
                        request, _("You had already raised this concern; it is still open.")
                    )
                elif form.cleaned_data["priority"] == Priority.URGENT:
                    messages.warning(
                        request,
                        _("The on-call counsellor has been alerted about %(name)s.")
                        % {"name": student.display_name},
                    )
                else:
                    messages.success(request, _("Thank you. The counsellors have your concern."))
                if form.cleaned_data["priority"] == Priority.URGENT:
                    # Rule 4: whoever raises an urgent concern sees the school's crisis steps.
                    return redirect("screening:crisis_plan", school_pk=student.school_id)
                return redirect("roster:student_detail", pk=student.pk)
        else:
            status = 400
    return render(
        request, "referrals/concern_form.html", {"form": form, "student": student}, status=status
    )


def student_timeline(request, pk: int):
    """Everything about a student's wellbeing on one page, oldest first (counsellors)."""
    if not selectors.works_referrals(request.user):
        raise PermissionDenied(_("Only counsellors and administrators see the timeline."))
    student = selectors.staff_student(user=request.user, pk=pk)
    access_log_record(user=request.user, student=student, what="student timeline", request=request)
    entries = timeline.student_timeline(user=request.user, student=student)
    return render(request, "referrals/timeline.html", {"student": student, "entries": entries})


def notifications(request):
    page = Paginator(selectors.notifications_for(request.user), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "referrals/notifications.html", {"page": page})


@require_POST
def notifications_read(request):
    selectors.notifications_for(request.user).filter(read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("referrals:notifications")


def _administered_rules(request):
    school_ids = gate.school_ids(request.user, "school.administer")
    if not school_ids:
        raise PermissionDenied(_("Only school administrators edit threshold rules."))
    return ThresholdRule.objects.filter(school_id__in=school_ids).select_related("school")


def rules(request):
    return render(request, "referrals/rules.html", {"rules": _administered_rules(request)})


def rule_edit(request, pk: int):
    rule = _administered_rules(request).filter(pk=pk).first()
    if rule is None:
        raise Http404
    form = forms.RuleForm(request.POST or None, instance=rule)
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                form.save()
            messages.success(request, _("Rule saved."))
            return redirect("referrals:rules")
        return render(request, "referrals/rule_form.html", {"form": form, "rule": rule}, status=400)
    return render(request, "referrals/rule_form.html", {"form": form, "rule": rule})
