"""The school's pathway settings, for its administrators: the guardian-notification policy,
the follow-up's school days and the on-call contact printed on safety plans."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from schoolwell.accounts import gate
from schoolwell.roster.selectors import administered_schools
from schoolwell.safety import services
from schoolwell.safety.models import SafetySettings
from schoolwell.safety.selectors import settings_for


class SafetySettingsForm(forms.ModelForm):
    class Meta:
        model = SafetySettings
        fields = ["guardian_policy", "follow_up_school_days", "on_call_contact"]
        widgets = {"guardian_policy": forms.RadioSelect}


@require_GET
def settings_list(request):
    if not gate.may(request.user, "safety.settings"):
        raise PermissionDenied(_("Only school administrators change these settings."))
    schools = administered_schools(request.user).order_by("name")
    return render(request, "safety/settings_list.html", {"schools": schools})


@require_http_methods(["GET", "POST"])
def settings_edit(request, school_pk: int):
    school = administered_schools(request.user).filter(pk=school_pk).first()
    if school is None:
        raise Http404
    form = SafetySettingsForm(request.POST or None, instance=settings_for(school.pk))
    if request.method == "POST":
        if form.is_valid():
            services.safety_settings_set(school=school, by=request.user, **form.cleaned_data)
            messages.success(request, _("Settings saved."))
            return redirect("safety:settings")
        return render(
            request, "safety/settings_form.html", {"form": form, "school": school}, status=400
        )
    return render(request, "safety/settings_form.html", {"form": form, "school": school})
