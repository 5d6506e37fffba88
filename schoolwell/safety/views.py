"""The pathway's pages. Each starts at the gate (`safety.read`/`safety.write`: the
school's counsellors, else 404) and writes a disclosure row, as every view of a student's
sensitive record does (rule 8)."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolwell.accounts import gate
from schoolwell.audit.services import access_log_record
from schoolwell.safety import forms, selectors, services
from schoolwell.safety.models import PLAN_PARTS, FollowUp, SafetyPlanRevision


def _open(request, pk: int, what: str):
    referral = selectors.pathway_referral(user=request.user, pk=pk)
    access_log_record(user=request.user, student=referral.student, what=what, request=request)
    return referral


def _context(referral, **extra) -> dict:
    return {"referral": referral, "student": referral.student, **extra}


@require_http_methods(["GET", "POST"])
def assessment(request, pk: int):
    referral = _open(request, pk, "risk assessment")
    form = forms.RiskAssessmentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.risk_assessment_record(
                    referral=referral, by=request.user, data=form.cleaned_data
                )
            except services.SafetyError as error:
                form.add_error(None, error.message)
                status = error.status_code
            else:
                messages.success(request, _("Risk assessment recorded. Next: the safety plan."))
                return redirect("safety:plan", pk=referral.pk)
        else:
            status = 400
    path = selectors.pathway(referral)
    return render(
        request,
        "safety/assessment.html",
        _context(referral, form=form, pathway=path),
        status=status,
    )


def _plan_initial(referral, latest: SafetyPlanRevision | None) -> dict:
    if latest is not None:
        return {name: getattr(latest, name) for name in PLAN_PARTS}
    school = referral.student.school
    contact = selectors.settings_for(school.pk).on_call_contact
    # Part 5 always lists the national lifeline and the school's on-call contact.
    lines = [_("988 Suicide & Crisis Lifeline: call or text 988")]
    if contact:
        lines.append(contact)
    return {"professionals": "\n".join(lines)}


@require_http_methods(["GET", "POST"])
def plan(request, pk: int):
    referral = _open(request, pk, "safety plan")
    revisions = list(selectors.plan_revisions(referral))
    latest = revisions[0] if revisions else None
    form = forms.SafetyPlanForm(request.POST or None, initial=_plan_initial(referral, latest))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                revision = services.safety_plan_revise(
                    referral=referral, by=request.user, parts=form.cleaned_data
                )
            except services.SafetyError as error:
                form.add_error(None, error.message)
                status = error.status_code
            else:
                messages.success(
                    request,
                    _("Safety plan saved (version %(n)s).") % {"n": revision.version},
                )
                return redirect("referrals:detail", pk=referral.pk)
        else:
            status = 400
    path = selectors.pathway(referral)
    return render(
        request,
        "safety/plan.html",
        _context(referral, form=form, revisions=revisions, pathway=path),
        status=status,
    )


class VersionForm(django_forms.Form):
    version = django_forms.IntegerField(min_value=1, required=False)


@require_GET
def plan_print(request, pk: int):
    """The plan on one page, in the student's language (the student keeps it)."""
    referral = _open(request, pk, "safety plan (print)")
    choice = VersionForm(request.GET)
    revisions = selectors.plan_revisions(referral)
    if choice.is_valid() and choice.cleaned_data["version"]:
        revisions = revisions.filter(version=choice.cleaned_data["version"])
    revision = revisions.first()
    if revision is None:
        raise Http404
    student = referral.student
    with translation.override(student.preferred_language):
        return render(
            request,
            "safety/plan_print.html",
            _context(
                referral,
                revision=revision,
                parts=[
                    (revision._meta.get_field(n).verbose_name, getattr(revision, n))
                    for n in PLAN_PARTS
                ],
                language=student.preferred_language,
            ),
        )


@require_http_methods(["GET", "POST"])
def guardian(request, pk: int):
    referral = _open(request, pk, "guardian notification")
    policy = selectors.settings_for(referral.school_id).guardian_policy
    form = forms.GuardianNotificationForm(
        request.POST or None,
        policy=policy,
        initial={"notified_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.guardian_notification_record(
                    referral=referral, by=request.user, **form.cleaned_data
                )
            except services.SafetyError as error:
                form.add_error(None, error.message)
                status = error.status_code
            else:
                messages.success(request, _("Guardian notification recorded."))
                return redirect("referrals:detail", pk=referral.pk)
        else:
            status = 400
    return render(
        request,
        "safety/guardian.html",
        _context(
            referral,
            form=form,
            policy=policy,
            guardians=referral.student.guardian_links.select_related("guardian"),
            pathway=selectors.pathway(referral),
        ),
        status=status,
    )


@require_POST
def follow_up_done(request, pk: int):
    follow_up = (
        FollowUp.objects.filter(
            pk=pk, referral__school_id__in=gate.school_ids(request.user, "safety.write")
        )
        .select_related("referral", "student")
        .first()
    )
    if follow_up is None:
        raise Http404
    access_log_record(
        user=request.user, student=follow_up.student, what="safety follow-up", request=request
    )
    try:
        services.follow_up_complete(follow_up=follow_up, by=request.user)
    except services.SafetyError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Follow-up marked as done."))
    return redirect("referrals:detail", pk=follow_up.referral_id)
