from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from schoolwell.accounts import gate
from schoolwell.core.health import health_report
from schoolwell.core.registry import home_panel_providers, panels
from schoolwell.roster.selectors import (
    administered_schools,
    guardian_children,
    taught_classes,
    visible_schools,
)


@login_not_required
@require_safe  # monitors may probe with HEAD
@never_cache
def healthz(request):
    """For load balancers: 200 when the database and the broker answer, else 503 (JSON)."""
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)


@require_GET
def home(request):
    """The role-aware start page: each role sees the shortcuts to its daily work."""
    scope = gate.scope_of(request.user)
    found = panels(home_panel_providers, request, scope)
    # Panels ordered below 10 lead the page (a counsellor's "needs action today").
    context = {
        "scope": scope,
        "lead_panels": [p for p in found if p.order < 10],
        "home_panels": [p for p in found if p.order >= 10],
    }
    if gate.may(scope, "class.teach"):
        context["classes"] = taught_classes(request.user).select_related("school")
    if gate.may(scope, "school.view"):
        context["schools"] = visible_schools(request.user)
        context["admin_schools"] = administered_schools(request.user)
    if gate.may(scope, "student.guard"):
        context["children"] = guardian_children(request.user).select_related("school")
    return render(request, "core/home.html", context)


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # Parents read the site in their own language from the first page; the language
        # switch overrides it for the session's browser afterwards.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            form.get_user().preferred_language,
            samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
        )
        return response


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    pass


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    pass


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    pass


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    pass
