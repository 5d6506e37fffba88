"""Family rights pages (guardians), the administrators' decisions and policy, resources.

Guardian lookups start from `guardian_children(user)`: another family's child is a 404.
Every view or download of what the school holds writes a disclosure row.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from schoolwell.accounts import gate
from schoolwell.audit.models import AccessLog
from schoolwell.audit.services import access_log_record
from schoolwell.consent.views.common import guardian_language, refused
from schoolwell.lifecycle import forms, selectors, services
from schoolwell.lifecycle.models import (
    Category,
    ErasureRequest,
    LegalHold,
    LocalResource,
    PurgeLog,
    RecordRequest,
)
from schoolwell.lifecycle.policy import RETENTION_FROM, retention_days, shown_categories
from schoolwell.lifecycle.resources import library, resources_for
from schoolwell.reports.xlsx import neutralise
from schoolwell.roster.models import District
from schoolwell.roster.selectors import guardian_children

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _child(request, student_id: int):
    return get_object_or_404(
        guardian_children(request.user).select_related("school"), pk=student_id
    )


def _language() -> str:
    return (get_language() or "en")[:2]


@require_GET
@guardian_language
def held(request, student_id: int):
    """What the school holds about the guardian's child, by category."""
    student = _child(request, student_id)
    holdings = selectors.holdings(student, _language())
    access_log_record(user=request.user, student=student, what="family record", request=request)
    return render(
        request,
        "lifecycle/held.html",
        {
            "holdings": holdings,
            "student": student,
            "requests": selectors.guardian_requests(request.user, student),
        },
    )


@require_GET
@guardian_language
def held_print(request, student_id: int):
    student = _child(request, student_id)
    holdings = selectors.holdings(student, _language())
    access_log_record(
        user=request.user,
        student=student,
        what="family record (print)",
        request=request,
        action=AccessLog.Action.PRINT,
    )
    return render(
        request,
        "lifecycle/held_print.html",
        {"holdings": holdings, "student": student, "now": timezone.now()},
    )


@require_GET
@guardian_language
def held_xlsx(request, student_id: int):
    """A copy as a workbook: one sheet per category shown, cells neutralised."""
    student = _child(request, student_id)
    holdings = selectors.holdings(student, _language())
    workbook = Workbook(write_only=True)
    about = workbook.create_sheet(_("About"))
    about.append([neutralise(_("What the school holds about %(name)s") % {"name": student})])
    about.append([neutralise(student.school.name)])
    about.append([neutralise(timezone.localtime().strftime("%Y-%m-%d %H:%M"))])
    for label, why in holdings.hidden + holdings.never_shown:
        about.append([neutralise(_("Not included: %(label)s") % {"label": label}), neutralise(why)])
    for section in holdings.sections:
        sheet = workbook.create_sheet(section.label[:31])
        sheet.append([neutralise(c) for c in section.columns])
        for row in section.rows:
            sheet.append([neutralise(c) for c in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    access_log_record(
        user=request.user,
        student=student,
        what="family record copy",
        request=request,
        action=AccessLog.Action.EXPORT,
    )
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="record-{student.pk}.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
@guardian_language
def correction(request, student_id: int):
    student = _child(request, student_id)
    shown = shown_categories(student.school_id)
    form = forms.CorrectionForm(request.POST or None)
    form.fields["category"].choices = [(c.value, c.label) for c in Category if shown[c]]
    if request.method == "POST" and form.is_valid():
        try:
            services.record_request_make(
                student=student,
                guardian=request.user,
                category=form.cleaned_data["category"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            return refused(request, error, back=reverse("lifecycle:held", args=[student.pk]))
        messages.success(
            request, _("Thank you. The school will answer your request; its answer appears here.")
        )
        return redirect("lifecycle:held", student_id=student.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "lifecycle/correction.html", {"form": form, "student": student}, status=status
    )


@require_GET
@guardian_language
def resources(request):
    return render(
        request,
        "lifecycle/resources.html",
        {"resources": resources_for(request.user), "crisis_plans": _crisis_plans(request.user)},
    )


def _crisis_plans(user) -> list:
    """The schools' own contacts for the crisis-lines resource: the guardian's children's
    schools, or the schools the user works at."""
    from schoolwell.screening.models import CrisisPlan

    school_ids = set(guardian_children(user).values_list("school_id", flat=True))
    school_ids |= set(gate.schools(user, "school.work").values_list("pk", flat=True))
    language = _language()
    return [
        {
            "school": plan.school.name,
            "name": plan.fallback_name.get(language) or plan.fallback_name.get("en", ""),
            "phone": plan.fallback_phone,
        }
        for plan in CrisisPlan.objects.filter(school_id__in=school_ids).select_related("school")
        if plan.fallback_phone
    ]


# --- administrators ---


@require_GET
def requests_list(request):
    if not gate.may(request.user, "records.decide"):
        raise Http404
    return render(
        request,
        "lifecycle/requests.html",
        {"requests": selectors.open_requests(request.user)[:200]},
    )


@require_http_methods(["GET", "POST"])
def request_decide(request, pk: int):
    record_request = get_object_or_404(
        RecordRequest.objects.select_related("student", "student__school", "guardian"), pk=pk
    )
    gate.require(request.user, "records.decide", record_request.student)
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(
                request,
                "lifecycle/decide.html",
                {"form": form, "item": record_request},
                status=400,
            )
        try:
            services.record_request_decide(
                request=record_request,
                by=request.user,
                accept=form.cleaned_data["decision"] == "accept",
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, PermissionDenied) as error:
            return refused(request, error, back=reverse("lifecycle:requests"))
        messages.success(request, _("Decision recorded. The family sees it on their page."))
        return redirect("lifecycle:requests")
    return render(request, "lifecycle/decide.html", {"form": form, "item": record_request})


def _policy_school(request):
    schools = gate.schools(request.user, "records.policy").order_by("name")
    chosen = request.GET.get("school") or request.POST.get("school")
    if chosen:
        try:
            return schools.get(pk=int(chosen)), schools
        except (ValueError, TypeError, schools.model.DoesNotExist):
            raise Http404 from None
    school = schools.first()
    if school is None:
        raise Http404
    return school, schools


@require_http_methods(["GET", "POST"])
def policy(request):
    """A school's guardian-visibility and retention tables, holds, erasures, purge log."""
    school, schools = _policy_school(request)
    labels = {c: f"{Category(c).label} ({RETENTION_FROM[c]})" for c in RETENTION_FROM}
    data = request.POST if request.method == "POST" else None
    which = request.POST.get("form")
    visibility = forms.VisibilityForm(
        data if which == "visibility" else None, shown=shown_categories(school.pk)
    )
    retention = forms.RetentionForm(
        data if which == "retention" else None, days=retention_days(school.pk), labels=labels
    )
    if request.method == "POST":
        form = {"visibility": visibility, "retention": retention}.get(which)
        if form is None or not form.is_valid():
            return _policy_page(request, school, schools, visibility, retention, status=400)
        try:
            for category, value in form.cleaned_data.items():
                if which == "visibility":
                    services.visibility_set(
                        school=school, category=category, shown=value, by=request.user
                    )
                else:
                    services.retention_set(
                        school=school, category=category, days=value, by=request.user
                    )
        except ValidationError as error:
            return refused(request, error, back=reverse("lifecycle:policy"))
        messages.success(request, _("Saved."))
        return redirect(f"{reverse('lifecycle:policy')}?school={school.pk}")
    return _policy_page(request, school, schools, visibility, retention)


def _policy_page(request, school, schools, visibility, retention, status=200):
    return render(
        request,
        "lifecycle/policy.html",
        {
            "school": school,
            "schools": schools,
            "visibility": visibility,
            "retention": retention,
            "holds": selectors.holds(request.user).filter(student__school=school),
            "erasures": selectors.erasures(request.user).filter(student__school=school)[:50],
            "purges": PurgeLog.objects.filter(school=school)[:50],
            "hold_form": forms.HoldForm(),
            "erasure_form": forms.ErasureForm(),
        },
        status=status,
    )


def _erasable_student(request, form):
    return get_object_or_404(
        gate.students(request.user, "records.erase"), pk=form.cleaned_data["student"]
    )


@require_POST
def hold_place(request):
    form = forms.HoldForm(request.POST)
    back = reverse("lifecycle:policy")
    if not form.is_valid():
        return refused(
            request, ValidationError(_("Please give a student number and a reason.")), back=back
        )
    student = _erasable_student(request, form)
    try:
        services.legal_hold_place(
            student=student, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        return refused(request, error, back=back)
    messages.success(request, _("The record is on legal hold."))
    return redirect(f"{back}?school={student.school_id}")


@require_POST
def hold_release(request, pk: int):
    hold = get_object_or_404(LegalHold.objects.select_related("student"), pk=pk)
    gate.require(request.user, "records.erase", hold.student)
    try:
        services.legal_hold_release(hold=hold, by=request.user)
    except ValidationError as error:
        return refused(request, error, back=reverse("lifecycle:policy"))
    messages.success(request, _("The legal hold was released."))
    return redirect(f"{reverse('lifecycle:policy')}?school={hold.student.school_id}")


@require_POST
def erasure_new(request):
    form = forms.ErasureForm(request.POST)
    back = reverse("lifecycle:policy")
    if not form.is_valid():
        return refused(
            request,
            ValidationError(_("Please give a student number and how the request was verified.")),
            back=back,
        )
    student = _erasable_student(request, form)
    try:
        services.erasure_request(
            student=student, by=request.user, verification=form.cleaned_data["verification"]
        )
    except ValidationError as error:
        return refused(request, error, back=back)
    messages.success(request, _("Erasure requested. A second administrator must approve it."))
    return redirect(f"{back}?school={student.school_id}")


@require_POST
def erasure_decide(request, pk: int):
    erasure = get_object_or_404(ErasureRequest.objects.select_related("student"), pk=pk)
    gate.require(request.user, "records.erase", erasure.student)
    back = f"{reverse('lifecycle:policy')}?school={erasure.student.school_id}"
    try:
        if request.POST.get("decision") == "approve":
            services.erasure_approve(erasure=erasure, by=request.user)
            messages.success(request, _("The student's data was erased."))
        elif request.POST.get("decision") == "refuse":
            services.erasure_refuse(erasure=erasure, by=request.user)
            messages.success(request, _("The erasure was refused."))
        else:
            raise ValidationError(_("Please choose to approve or refuse."))
    except (ValidationError, PermissionDenied) as error:
        return refused(request, error, back=back)
    return redirect(back)


# --- district curation of the library ---


def _district(request) -> District:
    ids = gate.district_ids(request.user)
    districts = District.objects.all() if ids is None else District.objects.filter(pk__in=ids)
    chosen = request.GET.get("district") or request.POST.get("district")
    try:
        district = districts.get(pk=int(chosen)) if chosen else districts.order_by("pk").first()
    except (ValueError, TypeError, District.DoesNotExist):
        raise Http404 from None
    if district is None:
        raise Http404
    return district


@require_http_methods(["GET", "POST"])
def curate(request):
    district = _district(request)
    form = forms.LocalResourceForm(request.POST if request.POST.get("form") == "local" else None)
    if request.method == "POST":
        try:
            if request.POST.get("form") == "local":
                if not form.is_valid():
                    return _curate_page(request, district, form, status=400)
                services.local_resource_add(district=district, by=request.user, **form.cleaned_data)
            elif request.POST.get("form") == "library":
                services.resource_visibility_set(
                    district=district,
                    slug=request.POST.get("slug", ""),
                    shown=request.POST.get("shown") == "1",
                    by=request.user,
                )
            else:
                raise ValidationError(_("Nothing to save."))
        except ValidationError as error:
            return refused(request, error, back=reverse("lifecycle:curate"))
        messages.success(request, _("Saved."))
        return redirect(f"{reverse('lifecycle:curate')}?district={district.pk}")
    return _curate_page(request, district, form)


def _curate_page(request, district, form, status=200):
    from schoolwell.lifecycle.models import HiddenResource

    hidden = set(HiddenResource.objects.filter(district=district).values_list("slug", flat=True))
    language = _language()
    entries = [
        {
            "slug": r.slug,
            "title": r.title.get(language) or r.title["en"],
            "audience": r.audience,
            "hidden": r.slug in hidden,
        }
        for r in library()
    ]
    return render(
        request,
        "lifecycle/curate.html",
        {
            "district": district,
            "entries": entries,
            "local": LocalResource.objects.filter(district=district),
            "form": form,
        },
        status=status,
    )


@require_POST
def local_remove(request, pk: int):
    resource = get_object_or_404(LocalResource, pk=pk)
    if not gate.may(request.user, "district.administer", resource.district):
        raise Http404
    services.local_resource_remove(resource=resource, by=request.user)
    messages.success(request, _("Removed."))
    return redirect(f"{reverse('lifecycle:curate')}?district={resource.district_id}")
