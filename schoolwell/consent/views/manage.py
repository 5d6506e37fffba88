"""School administrators: consent forms (drafts, versions, publishing) and settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolwell.consent import services
from schoolwell.consent.forms import FormDraftForm, PublishForm, SettingsForm
from schoolwell.consent.gating import current_forms, school_year_now
from schoolwell.consent.models import ConsentForm, Purpose, SchoolConsentSettings
from schoolwell.consent.selectors import consent_publish_impact
from schoolwell.consent.views.common import portal_url, refused
from schoolwell.consent.views.staff import _admin_school
from schoolwell.roster.selectors import administered_schools


def _list_url(school) -> str:
    return reverse("consent:form_list") + "?" + urlencode({"school": school.pk})


@require_GET
def form_list(request):
    schools, school = _admin_school(request)
    forms = ConsentForm.objects.filter(school=school).order_by("purpose", "-version")
    current = {f.pk for f in current_forms([school.pk]).values()}
    settings = SchoolConsentSettings.objects.filter(school=school).first()
    settings_form = SettingsForm(
        initial={
            "minor_self_consent": settings.minor_self_consent if settings else False,
            "minor_self_consent_age": settings.minor_self_consent_age if settings else 16,
        }
    )
    return render(
        request,
        "consent/form_list.html",
        {
            "schools": schools,
            "school": school,
            "forms": forms,
            "current": current,
            "year": school_year_now(school),
            "purposes": Purpose.choices,
            "settings_form": settings_form,
        },
    )


def _admin_form(request, pk: int) -> ConsentForm:
    return get_object_or_404(
        ConsentForm.objects.filter(school__in=administered_schools(request.user)).select_related(
            "school"
        ),
        pk=pk,
    )


@require_POST
def form_defaults(request):
    _schools, school = _admin_school(request)
    try:
        created = services.consent_default_forms_create(school=school, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        return refused(request, error, back=_list_url(school))
    messages.success(request, _("%(count)d draft forms created.") % {"count": len(created)})
    return redirect(_list_url(school))


@require_POST
def form_new(request):
    _schools, school = _admin_school(request)
    purpose = request.POST.get("purpose", "")
    if purpose not in Purpose.values:
        return refused(request, ValidationError(_("Unknown purpose.")), back=_list_url(school))
    form = services.consent_form_draft_create(school=school, purpose=purpose, by=request.user)
    return redirect("consent:form_edit", pk=form.pk)


@require_http_methods(["GET", "POST"])
def form_edit(request, pk: int):
    """Edit a draft; a published version is shown read-only (it can never change)."""
    form = _admin_form(request, pk)
    editor = None
    if not form.is_published:
        editor = FormDraftForm(request.POST or None, initial=FormDraftForm.initial_for(form))
        if request.method == "POST" and editor.is_valid():
            try:
                services.consent_form_draft_update(form=form, by=request.user, **editor.changes())
            except (ValidationError, PermissionDenied) as error:
                return refused(request, error, back=reverse("consent:form_edit", args=[pk]))
            messages.success(request, _("Draft saved."))
            return redirect("consent:form_edit", pk=pk)
    return render(
        request,
        "consent/form_edit.html",
        {"form": form, "editor": editor, "texts": [form.text("en"), form.text("es")]},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def form_publish(request, pk: int):
    """Show what publishing would void, then publish on an explicit confirmation."""
    form = _admin_form(request, pk)
    if form.is_published:
        return redirect("consent:form_edit", pk=pk)
    impact = consent_publish_impact(form)
    confirm = PublishForm(request.POST or None, initial={"voids": impact.voided})
    status = 200
    if request.method == "POST":
        status = 400
        if confirm.is_valid():
            try:
                services.consent_form_publish(
                    form=form,
                    by=request.user,
                    portal_url=portal_url(request),
                    confirmed_voids=confirm.cleaned_data["voids"],
                )
            except PermissionDenied as error:
                return refused(request, error, back=reverse("consent:form_edit", args=[pk]))
            except ValidationError as error:
                for message in error.messages:
                    confirm.add_error(None, message)
            else:
                messages.success(request, _("Published. Families are being told by email."))
                return redirect(_list_url(form.school))
    return render(
        request,
        "consent/publish_confirm.html",
        {"form": form, "impact": impact, "confirm": confirm},
        status=status,
    )


@require_POST
def form_withdraw(request, pk: int):
    form = _admin_form(request, pk)
    services.consent_form_withdraw(form=form, by=request.user)
    messages.success(request, _("This version is no longer in use."))
    return redirect(_list_url(form.school))


@require_POST
def settings_update(request):
    _schools, school = _admin_school(request)
    form = SettingsForm(request.POST)
    if not form.is_valid():
        return refused(
            request,
            ValidationError([e for errors in form.errors.values() for e in errors]),
            back=_list_url(school),
        )
    services.consent_settings_update(school=school, by=request.user, **form.cleaned_data)
    messages.success(request, _("Settings saved."))
    return redirect(_list_url(school))
