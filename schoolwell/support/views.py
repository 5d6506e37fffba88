"""Support plan pages: list, start a plan, the plan page and its actions, the review."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolwell.accounts import gate
from schoolwell.audit.services import access_log_record, access_log_record_many
from schoolwell.referrals.models import Referral
from schoolwell.reports import charts
from schoolwell.reports.plotly_assets import maplibre_style_id
from schoolwell.roster.selectors import who_can_access
from schoolwell.support import forms, selectors, services
from schoolwell.support.models import Goal, Measure, PlanStatus
from schoolwell.support.outcomes import trend_line

Y_RANGES = {Measure.RATING: (0, 10.5), Measure.CHECKIN_WEEK: (0.5, 5.5)}


def _require_plan_staff(request) -> None:
    # Teachers and families never open plans: a clear 403 before any lookup.
    if not gate.may(request.user, "support.plan.view"):
        raise PermissionDenied(_("Only counsellors and administrators can see support plans."))


@require_GET
def plan_list(request):
    _require_plan_staff(request)
    form = forms.ListFilterForm(request.GET or None)
    status, mine = "active", False
    if form.is_valid():
        status = form.cleaned_data["status"] or "active"
        mine = form.cleaned_data["mine"]
    plans = list(selectors.plan_list(user=request.user, status=status, mine=mine)[:200])
    access_log_record_many(
        user=request.user,
        students=[p.student_id for p in plans],
        what="support plans list",
        request=request,
        action="view",
    )
    return render(
        request,
        "support/list.html",
        {"form": form, "plans": plans, "today": timezone.localdate()},
    )


def _counsellors(school) -> list:
    return list(gate.counsellors_of([school.pk]))


@require_http_methods(["GET", "POST"])
def plan_new(request, student_pk: int):
    student = selectors.staff_student(user=request.user, pk=student_pk)
    active = student.support_plans.filter(status=PlanStatus.ACTIVE).first()
    if active is not None:
        # One active plan per student: a new need is a new goal on it.
        messages.info(request, _("This student already has an active support plan."))
        return redirect("support:detail", pk=active.pk)
    referral = None
    if referral_pk := request.GET.get("referral"):
        referral = Referral.objects.filter(
            pk=referral_pk if str(referral_pk).isdigit() else 0, student=student
        ).first()
        if referral is None:
            raise Http404
    counsellors = _counsellors(student.school)
    initial = {"owner": request.user.pk, "tier": 2}
    form = forms.PlanForm(request.POST or None, counsellors=counsellors, initial=initial)
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_create(
                student=student,
                by=request.user,
                tier=data["tier"],
                concern_areas=data["concern_areas"],
                owner=form.owner_user(),
                start_date=data["start_date"],
                review_weeks=data["review_weeks"],
                referral=referral,
                goal=form.goal(),
            )
        except services.SupportError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Support plan started."))
            return redirect("support:detail", pk=plan.pk)
    response = render(
        request,
        "support/plan_form.html",
        {"form": form, "student": student, "referral": referral, "error": error},
    )
    if request.method == "POST":
        response.status_code = 400
    return response


def _goal_chart(goal: Goal):
    points = [(c.date, c.value) for c in sorted(goal.checks.all(), key=lambda c: (c.date, c.pk))]
    return charts.goal_progress(
        f"chart-goal-{goal.pk}",
        _("Progress on “%(goal)s”") % {"goal": goal.description},
        points=points,
        baseline=goal.baseline,
        target=goal.target,
        trend=trend_line(points),
        labels={
            "points": goal.get_measure_display(),
            "baseline": _("Baseline"),
            "target": _("Goal"),
            "trend": _("Trend"),
        },
        y_range=Y_RANGES.get(goal.measure),
    )


def _staff_for(plan) -> list:
    """Who may deliver an intervention: the school's counsellors and the student's teachers."""
    people = who_can_access(plan.student)
    seen, staff = set(), []
    for user in [*people["counsellors"], *people["teachers"]]:
        if user.pk not in seen:
            seen.add(user.pk)
            staff.append(user)
    return staff


def _plan_page(request, plan, *, bound: dict | None = None, error: str | None = None):
    bound = bound or {}
    review = selectors.plan_review(plan)
    manage = gate.may(request.user, "support.plan.edit", plan)
    context = {
        "plan": plan,
        "student": plan.student,
        "review": review,
        "goals": [(g, _goal_chart(g.goal)) for g in review.goals],
        "interventions": list(plan.interventions.all()),
        "reviews": list(plan.reviews.all()),
        "contacts": selectors.plan_contacts(plan),
        "manage": manage and plan.is_active,
        "language": (get_language() or "en")[:2],
        "maplibre_style_id": maplibre_style_id(),
        "error": error,
        "goal_form": bound.get("goal") or forms.GoalForm(),
        "contact_form": bound.get("contact") or forms.ContactForm(),
        "check_form": bound.get("check") or forms.ProgressCheckForm(),
        "check_goal": bound.get("check_goal"),
        "intervention_form": bound.get("intervention")
        or (forms.InterventionForm(staff=_staff_for(plan)) if manage and plan.is_active else None),
    }
    response = render(request, "support/plan.html", context)
    if error or bound:
        response.status_code = 400
    return response


@require_GET
def plan_detail(request, pk: int):
    _require_plan_staff(request)
    plan = selectors.plan_for_staff(user=request.user, pk=pk)
    access_log_record(user=request.user, student=plan.student, what="support plan", request=request)
    return _plan_page(request, plan)


def _act(request, pk: int, action) -> HttpResponse:
    """Run one change on a plan; a refused or invalid one re-shows the page with a 400."""
    _require_plan_staff(request)
    plan = selectors.plan_for_staff(user=request.user, pk=pk)
    if not gate.may(request.user, "support.plan.edit", plan):
        raise PermissionDenied(_("Only the school's counsellors can change support plans."))
    try:
        outcome = action(plan)
    except services.SupportError as exc:
        return _plan_page(request, plan, error=str(exc))
    if isinstance(outcome, dict):  # invalid forms to show again
        return _plan_page(request, plan, bound=outcome)
    messages.success(request, outcome)
    return redirect("support:detail", pk=plan.pk)


@require_POST
def goal_add(request, pk: int):
    def action(plan):
        form = forms.GoalForm(request.POST)
        if not form.is_valid():
            return {"goal": form}
        services.goal_add(plan=plan, by=request.user, goal=form.goal())
        return _("Goal added.")

    return _act(request, pk, action)


@require_POST
def intervention_add(request, pk: int):
    def action(plan):
        form = forms.InterventionForm(request.POST, staff=_staff_for(plan))
        if not form.is_valid():
            return {"intervention": form}
        data = form.cleaned_data
        services.plan_intervention_add(
            plan=plan,
            by=request.user,
            intervention=data["intervention"],
            delivered_by=form.delivered_by_user(),
            frequency=data["frequency"],
            minutes=data["minutes"],
            started_on=data["started_on"],
        )
        return _("Intervention added.")

    return _act(request, pk, action)


@require_POST
def contact_add(request, pk: int):
    def action(plan):
        form = forms.ContactForm(request.POST)
        if not form.is_valid():
            return {"contact": form}
        data = form.cleaned_data
        contact = services.contact_log(
            by=request.user,
            plan=plan,
            date=data["date"],
            kind=data["kind"],
            minutes=data["minutes"],
            attended=data["attended"],
            note=data["note"],
        )
        if contact.first_contact:
            return _("Contact logged: the first contact with the student on this referral.")
        return _("Contact logged.")

    return _act(request, pk, action)


@require_POST
def check_add(request, pk: int, goal_pk: int):
    def action(plan):
        goal = next((g for g in plan.goals.all() if g.pk == goal_pk), None)
        if goal is None:
            raise Http404
        form = forms.ProgressCheckForm(request.POST)
        if not form.is_valid():
            return {"check": form, "check_goal": goal.pk}
        services.progress_check_add(
            goal=goal,
            by=request.user,
            date=form.cleaned_data["date"],
            value=form.cleaned_data["value"],
        )
        return _("Progress check added.")

    return _act(request, pk, action)


@require_http_methods(["GET", "POST"])
def review(request, pk: int):
    _require_plan_staff(request)
    plan = selectors.plan_for_staff(user=request.user, pk=pk)
    if not gate.may(request.user, "support.plan.edit", plan):
        raise PermissionDenied(_("Only the school's counsellors can review support plans."))
    form = forms.ReviewForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.review_decide(
                plan=plan,
                by=request.user,
                decision=form.cleaned_data["decision"],
                outcome=form.cleaned_data["outcome"],
            )
        except services.SupportError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Review decision recorded."))
            return redirect("support:detail", pk=plan.pk)
    else:
        access_log_record(
            user=request.user, student=plan.student, what="support plan review", request=request
        )
    response = render(
        request,
        "support/review.html",
        {
            "plan": plan,
            "student": plan.student,
            "review": selectors.plan_review(plan),
            "form": form,
            "error": error,
            "today": timezone.localdate(),
        },
    )
    if request.method == "POST":
        response.status_code = 400
    return response


@require_http_methods(["GET", "POST"])
def referral_contact(request, referral_pk: int):
    """Log a contact on a referral before (or without) a plan: its first attended contact
    with the student is what the program's time-to-first-contact measures."""
    from schoolwell.referrals.selectors import referral_for_staff

    _require_plan_staff(request)
    referral = referral_for_staff(user=request.user, pk=referral_pk)
    if not gate.may(request.user, "support.plan.edit", referral):
        raise PermissionDenied(_("Only the school's counsellors can change support plans."))
    form = forms.ContactForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contact = services.contact_log(
                by=request.user,
                referral=referral,
                date=data["date"],
                kind=data["kind"],
                minutes=data["minutes"],
                attended=data["attended"],
                note=data["note"],
            )
        except services.SupportError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                _("Contact logged: the first contact with the student on this referral.")
                if contact.first_contact
                else _("Contact logged."),
            )
            return redirect("referrals:detail", pk=referral.pk)
    contacts = list(referral.support_contacts.select_related("by").order_by("-date", "-pk"))
    response = render(
        request,
        "support/referral_contact.html",
        {
            "referral": referral,
            "student": referral.student,
            "form": form,
            "error": error,
            "contacts": contacts,
        },
    )
    if request.method == "POST":
        response.status_code = 400
    return response
