"""The administrators' alert delivery page and each person's notification settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from schoolwell.accounts import gate
from schoolwell.alerts import forms, selectors, services
from schoolwell.alerts.models import ALWAYS_SENT, Kind

PAGE_SIZE = 50


@require_GET
def deliveries(request):
    if not gate.may(request.user, "alerts.deliveries.view"):
        raise PermissionDenied(_("Only administrators see alert delivery."))
    schools = list(gate.schools(request.user, "alerts.deliveries.view").order_by("name"))
    form = forms.DeliveryFilterForm(request.GET or None, schools=schools)
    state, school_id = "", None
    if form.is_valid():
        state, school_id = form.cleaned_data["state"], form.cleaned_data["school"]
    rows = selectors.administered_deliveries(user=request.user, state=state, school_id=school_id)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "alerts/deliveries.html",
        {"form": form, "page": page, "query": query.urlencode(), "many": len(schools) > 1},
        status=200 if form.is_valid() or not request.GET else 400,
    )


@require_http_methods(["GET", "POST"])
def notification_settings(request):
    if not gate.may(request.user, "alerts.receive"):
        raise PermissionDenied(_("Only counsellors and administrators receive alerts."))
    current = selectors.settings_for(request.user)
    form = forms.NotificationSettingsForm(request.POST or None, current=current)
    if request.method == "POST":
        if form.is_valid():
            services.notification_settings_save(
                user=request.user,
                audiences=form.audiences(),
                daily_digest=form.cleaned_data["daily_digest"],
            )
            messages.success(request, _("Notification settings saved."))
            return redirect("alerts:settings")
        status = 400
    else:
        status = 200
    always = [Kind(k).label for k in Kind if k in ALWAYS_SENT]
    return render(request, "alerts/settings.html", {"form": form, "always": always}, status=status)
