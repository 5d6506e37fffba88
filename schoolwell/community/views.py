"""Community coordination pages: the provider directory, agreements, the refer-out with the
provider's consent, the provider's link (no account), training and incidents."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolwell.accounts import gate
from schoolwell.audit.services import access_log_record
from schoolwell.community import forms, selectors, services
from schoolwell.community.importing import training_rows
from schoolwell.community.models import DataCategory, Incident, ProviderProfile, ProviderReferral
from schoolwell.referrals.content import localized
from schoolwell.referrals.models import OPEN_STATUSES, ExternalProvider, Referral
from schoolwell.referrals.services import ReferralError
from schoolwell.roster.importing.errors import ImportRejected
from schoolwell.roster.models import Class, Student

PAGE_SIZE = 50


def _bad(form_or_message) -> HttpResponse:
    text = (
        form_or_message if isinstance(form_or_message, str) else _("Check the form and try again.")
    )
    return HttpResponseBadRequest(text)


def _need(request, action: str) -> None:
    if not gate.may(request.user, action):
        raise PermissionDenied


# --- The directory ---------------------------------------------------------------------


@require_GET
def directory(request):
    _need(request, "community.directory")
    found = selectors.DirectoryFilter(
        request.GET or None, queryset=selectors.directory(request.user)
    )
    if found.is_bound and not found.is_valid():
        return _bad(_("Check the filters."))
    providers = list(found.qs[:PAGE_SIZE])
    # gate.may on a provider asks for the districts of the user's schools: once, not per row.
    editable = gate.district_ids_for(request.user, "community.directory.edit")
    for provider in providers:
        provider.kind_text = localized(provider.kind)
        provider.services_text = localized(provider.services)
        provider.directory_profile = getattr(provider, "profile", None)
        provider.editable = provider.district_id in editable
    return render(request, "community/directory.html", {"filter": found, "providers": providers})


@require_http_methods(["GET", "POST"])
def provider_edit(request, pk: int):
    provider = get_object_or_404(ExternalProvider, pk=pk)
    if not gate.may(request.user, "community.directory.edit", provider):
        raise Http404
    profile = ProviderProfile.objects.filter(provider=provider).first()
    initial = {}
    if profile:
        initial = {f: getattr(profile, f) for f in forms.ProviderProfileForm.base_fields}
    form = forms.ProviderProfileForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not form.is_valid():
            return render(
                request,
                "community/provider_form.html",
                {"form": form, "provider": provider},
                status=400,
            )
        try:
            services.provider_profile_save(provider=provider, by=request.user, **form.cleaned_data)
        except services.CommunityError as error:
            return _bad(str(error))
        messages.success(request, _("Directory entry saved."))
        return redirect("community:directory")
    return render(request, "community/provider_form.html", {"form": form, "provider": provider})


# --- Agreements ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def agreements(request):
    _need(request, "community.agreements")
    providers = ExternalProvider.objects.filter(
        district_id__in=gate.district_ids_for(request.user, "community.agreements"), active=True
    )
    form = forms.AgreementForm(request.POST or None, providers=providers)
    if request.method == "POST":
        if not form.is_valid():
            return _bad(form)
        data = form.cleaned_data
        try:
            services.agreement_create(by=request.user, **data)
        except services.CommunityError as error:
            return _bad(str(error))
        messages.success(request, _("Agreement recorded."))
        return redirect("community:agreements")
    today = timezone.localdate()
    rows = list(selectors.agreements(request.user)[:200])
    for row in rows:
        row.is_active = row.active_on(today)
        row.expiring = row.is_active and (row.expires_on - today).days <= selectors.EXPIRING_DAYS
    return render(request, "community/agreements.html", {"form": form, "agreements": rows})


# --- Refer out, the loop ---------------------------------------------------------------


def _referral_to_work(request, referral_pk: int) -> Referral:
    referral = get_object_or_404(Referral.objects.select_related("student__school"), pk=referral_pk)
    gate.require(request.user, "referral.work", referral)
    return referral


@require_http_methods(["GET", "POST"])
def refer_out(request, referral_pk: int):
    referral = _referral_to_work(request, referral_pk)
    providers = selectors.directory(request.user).filter(
        district_id=referral.student.school.district_id
    )
    form = forms.ReferOutForm(
        request.POST or None, providers=providers, initial={"provider": request.GET.get("provider")}
    )
    context = {"form": form, "referral": referral, "student": referral.student}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "community/refer_out.html", context, status=400)
        data = form.cleaned_data
        try:
            services.provider_consent_record(
                referral=referral,
                provider=data["provider"],
                by=request.user,
                scope=data["scope"],
                granted=True,
                guardian_name=data["guardian_name"],
                channel=data["channel"],
            )
            loop, token = services.provider_refer_out(
                referral=referral, provider=data["provider"], by=request.user, request=request
            )
        except (services.CommunityError, ReferralError) as error:
            # A refusal (no agreement, no consent for this provider, not workable): the
            # guardian's decision just recorded stays on record; the reason is shown.
            context["refused"] = str(error)
            return render(request, "community/refer_out.html", context, status=409)
        return _link_page(request, loop, token)
    return render(request, "community/refer_out.html", context)


def _link_page(request, loop, token: str):
    link = request.build_absolute_uri(reverse("community:provider_link", args=[token]))
    return render(request, "community/link_issued.html", {"loop": loop, "link": link})


@require_POST
def link_issue(request, pk: int):
    loop = get_object_or_404(ProviderReferral.objects.select_related("referral"), pk=pk)
    gate.require(request.user, "referral.work", loop.referral)
    try:
        token = services.loop_link_issue(loop=loop, by=request.user, request=request)
    except services.CommunityError as error:
        return HttpResponse(str(error), status=409)
    return _link_page(request, loop, token)


# --- The provider's link (no account) ---------------------------------------------------


def _disclosed(loop: ProviderReferral) -> list[tuple[str, str]]:
    """Only what the agreement allows: one line per category it covers."""
    from schoolwell.referrals.texts import reason_text

    student = loop.referral.student
    allowed = set(loop.agreement.categories)
    shown = []
    if DataCategory.IDENTITY in allowed:
        shown.append(
            (
                _("Student"),
                _("%(name)s · grade %(grade)s")
                % {"name": student.display_name, "grade": student.grade},
            )
        )
        if student.date_of_birth:
            shown.append((_("Date of birth"), student.date_of_birth.isoformat()))
    if DataCategory.CONTACT in allowed:
        for link in student.guardian_links.select_related("guardian"):
            shown.append(
                (_("Guardian"), f"{link.guardian.get_full_name()} · {link.guardian.email}")
            )
    if DataCategory.REASON in allowed:
        for reason in loop.referral.reasons.all():
            shown.append((_("Reason"), reason_text(reason)))
    if DataCategory.SCHOOL in allowed:
        shown.append((_("School"), student.school.name))
        if loop.referral.assignee:
            shown.append(
                (_("Counsellor"), f"{loop.referral.assignee} · {loop.referral.assignee.email}")
            )
    return shown


@login_not_required
@require_http_methods(["GET", "POST"])
def provider_link(request, token: str):
    try:
        loop = services.loop_for_token(token)
    except services.LinkGone as error:
        return render(request, "community/provider_gone.html", {"message": str(error)}, status=410)
    except services.CommunityError:
        raise Http404 from None
    form = forms.ProviderReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                loop = services.loop_report(token=token, **form.cleaned_data)
            except services.LinkGone as error:
                return render(
                    request, "community/provider_gone.html", {"message": str(error)}, status=410
                )
            except services.CommunityError as error:
                form.add_error(None, str(error))
                status = 400
            else:
                if loop.completed_at:
                    return render(
                        request,
                        "community/provider_gone.html",
                        {
                            "message": _(
                                "Thank you. The school has your answer; this link no longer opens."
                            )
                        },
                    )
                return redirect("community:provider_link", token=token)
        else:
            status = 400
    response = render(
        request,
        "community/provider_link.html",
        {"loop": loop, "shown": _disclosed(loop), "form": form},
        status=status,
    )
    response["Cache-Control"] = "no-store"
    # The token is in the path: never sent to another site (same-origin keeps the form's
    # Origin header, which CSRF checking needs).
    response["Referrer-Policy"] = "same-origin"
    return response


# --- Training --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def training(request):
    _need(request, "community.training")
    schools = gate.schools(request.user, "community.training")
    form = forms.TrainingImportForm(request.POST or None, request.FILES or None, schools=schools)
    errors = None
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            return render(
                request, "community/training.html", _training_context(request, form), status=400
            )
        school = form.cleaned_data["school"]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "training.xlsx"
            with open(path, "wb") as out:
                for chunk in form.cleaned_data["file"].chunks():
                    out.write(chunk)
            try:
                rows = training_rows(path, school=school)
            except ImportRejected as rejected:
                errors, status = rejected, 400
            else:
                count = services.training_records_add(school=school, by=request.user, rows=rows)
                messages.success(
                    request, _("%(count)s training records imported.") % {"count": count}
                )
                return redirect("community:training")
    return render(
        request,
        "community/training.html",
        {**_training_context(request, form), "errors": errors},
        status=status,
    )


def _training_context(request, form) -> dict:
    today = timezone.localdate()
    return {
        "form": form,
        "coverage": selectors.training_coverage(request.user, today),
        "records": selectors.training_records(request.user).order_by("-completed_on", "pk")[
            :PAGE_SIZE
        ],
        "today": today,
    }


# --- Incidents -------------------------------------------------------------------------


@require_GET
def incidents(request):
    rows = gate.incidents(request.user).select_related("school").order_by("-opened_at", "-pk")[:100]
    return render(
        request,
        "community/incidents.html",
        {"incidents": rows, "may_open": gate.may(request.user, "incident.open")},
    )


@require_http_methods(["GET", "POST"])
def incident_new(request):
    _need(request, "incident.open")
    schools = gate.schools(request.user, "incident.open")
    school_ids = list(schools.values_list("pk", flat=True))
    from schoolwell.accounts.models import User

    staff = User.objects.filter(
        pk__in=set().union(*gate.staff_by_school(school_ids).values())
    ).order_by("last_name", "first_name")
    form = forms.IncidentForm(
        request.POST or None,
        schools=schools,
        staff=staff,
        classes=Class.objects.filter(school_id__in=school_ids, active=True).order_by("title"),
        students=Student.objects.filter(school_id__in=school_ids).order_by(
            "family_name", "given_name"
        ),
    )
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "community/incident_new.html", {"form": form}, status=400)
        try:
            incident = services.incident_open(by=request.user, **form.cleaned_data)
        except services.CommunityError as error:
            return _bad(str(error))
        return redirect("community:incident", pk=incident.pk)
    return render(request, "community/incident_new.html", {"form": form})


def _incident(request, pk: int) -> Incident:
    incident = get_object_or_404(Incident.objects.select_related("school"), pk=pk)
    gate.require(request.user, "incident.respond", incident)  # everyone else: 404
    return incident


def _affected(incident: Incident):
    return selectors.affected_students(incident).order_by("family_name", "given_name")


def _incident_forms(incident: Incident, data=None) -> dict:
    from schoolwell.screening.models import ScreeningWindow

    return {
        "contact_form": forms.ContactForm(data, students=_affected(incident)),
        "link_form": forms.IncidentLinkForm(
            data,
            windows=ScreeningWindow.objects.filter(school_id=incident.school_id),
            providers=ExternalProvider.objects.filter(
                district_id=incident.school.district_id, active=True
            ),
            referrals=Referral.objects.filter(
                school_id=incident.school_id,
                student__in=_affected(incident),
                status__in=OPEN_STATUSES,
            ).select_related("student"),
        ),
        "close_form": forms.CloseIncidentForm(data),
    }


@require_GET
def incident(request, pk: int):
    incident = _incident(request, pk)
    context = {
        "incident": incident,
        "summary": selectors.after_action(incident),
        "contacts": incident.contacts.select_related("student", "seen_by")[:PAGE_SIZE],
        "classes": incident.classes.all(),
        "named": incident.students.all(),
        "team": incident.team.all(),
        "referrals": incident.referrals.select_related("student"),
        "providers": incident.providers.all(),
        "may_close": gate.may(request.user, "incident.open", incident),
        **_incident_forms(incident),
    }
    return render(request, "community/incident.html", context)


def _incident_post(request, pk: int, form_key: str, act):
    incident = _incident(request, pk)
    form = _incident_forms(incident, request.POST)[form_key]
    if not form.is_valid():
        return _bad(form)
    try:
        act(incident, form.cleaned_data)
    except services.CommunityError as error:
        return _bad(str(error))
    messages.success(request, _("Saved."))
    return redirect("community:incident", pk=incident.pk)


@require_POST
def incident_contact(request, pk: int):
    return _incident_post(
        request,
        pk,
        "contact_form",
        lambda incident, data: services.pfa_contact_record(
            incident=incident, by=request.user, **data
        ),
    )


@require_POST
def incident_link(request, pk: int):
    return _incident_post(
        request,
        pk,
        "link_form",
        lambda incident, data: services.incident_link(incident=incident, by=request.user, **data),
    )


@require_POST
def incident_close(request, pk: int):
    return _incident_post(
        request,
        pk,
        "close_form",
        lambda incident, data: services.incident_close(incident=incident, by=request.user, **data),
    )


# --- What the family sees -------------------------------------------------------------


@require_GET
def family_providers(request, student_pk: int):
    """The providers a child was referred to, in the guardian's language."""
    student = get_object_or_404(Student, pk=student_pk)
    gate.require(request.user, "student.guard", student)
    loops = (
        ProviderReferral.objects.filter(referral__student=student)
        .select_related("provider", "provider__profile")
        .order_by("-created_at")
    )
    rows = [
        {
            "loop": loop,
            "kind": localized(loop.provider.kind),
            "services": localized(loop.provider.services),
            "profile": getattr(loop.provider, "profile", None),
        }
        for loop in loops
    ]
    access_log_record(user=request.user, student=student, what="referral", request=request)
    return render(request, "community/family_providers.html", {"student": student, "rows": rows})
