"""Pages around the queue: raising a concern, notifications, the on-call roster."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolwell.accounts import gate
from schoolwell.referrals import forms, selectors, services
from schoolwell.referrals.models import OnCall, Priority


@require_http_methods(["GET", "POST"])
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
                outcome = services.concerns_raise(
                    student=student,
                    by=request.user,
                    concern_codes=form.cleaned_data["concerns"],
                    note=form.cleaned_data["note"],
                    priority=form.cleaned_data["priority"],
                )
            except services.ReferralError as error:
                form.add_error(None, error.message)
                status = error.status_code
            else:
                # The priority of this teacher's own concerns, never the referral's: that
                # may hold other people's reasons, which the teacher does not see.
                urgent = outcome.priority == Priority.URGENT
                if not outcome.reasons_added:
                    messages.info(
                        request, _("You had already raised this concern; it is still open.")
                    )
                elif urgent:
                    messages.warning(
                        request,
                        _("The on-call counsellor has been alerted about %(name)s.")
                        % {"name": student.display_name},
                    )
                else:
                    messages.success(request, _("Thank you. The counsellors have your concern."))
                if urgent:
                    # Rule 4: whoever raises an urgent concern sees the school's crisis steps.
                    return redirect("screening:crisis_plan", school_pk=student.school_id)
                return redirect("roster:student_detail", pk=student.pk)
        else:
            status = 400
    return render(
        request, "referrals/concern_form.html", {"form": form, "student": student}, status=status
    )


@require_GET
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


@require_http_methods(["GET", "POST"])
def on_call(request, school_pk: int):
    """Who is on call at the school and the number staff call (rule 4): its administrators."""
    school = get_object_or_404(gate.schools(request.user, "school.administer"), pk=school_pk)
    counsellors = list(gate.counsellors_of([school.pk]).order_by("last_name", "first_name", "pk"))
    rows = {row.counsellor_id: row for row in OnCall.objects.filter(school=school)}
    initial = [
        {
            "on_call": bool(rows.get(c.pk) and rows[c.pk].active),
            "phone": rows[c.pk].phone if c.pk in rows else "",
        }
        for c in counsellors
    ]
    # Every row is read in full, whatever the posted INITIAL_FORMS says: an unticked row
    # means "not on call", never "left out".
    every_row = {"empty_permitted": False}
    formset = forms.OnCallFormSet(request.POST or None, initial=initial, form_kwargs=every_row)
    status = 200
    if request.method == "POST" and len(formset.forms) != len(counsellors):
        # The posted rows must be the rows shown: a list changed meanwhile is shown afresh.
        messages.error(request, _("The school's counsellors changed: check and save again."))
        formset, status = forms.OnCallFormSet(initial=initial, form_kwargs=every_row), 409
    elif request.method == "POST":
        if formset.is_valid():
            try:
                services.on_call_set(
                    school=school,
                    entries=[
                        services.OnCallEntry(c, f.cleaned_data["on_call"], f.cleaned_data["phone"])
                        for c, f in zip(counsellors, formset.forms, strict=True)
                    ],
                )
            except services.ReferralError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("On-call roster saved."))
                return redirect("referrals:on_call", school.pk)
        status = 400
    return render(
        request,
        "referrals/on_call.html",
        {
            "school": school,
            "rows": list(zip(counsellors, formset.forms, strict=True)),
            "formset": formset,
        },
        status=status,
    )
