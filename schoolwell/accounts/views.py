"""Two-step sign-in pages (enrol, verify, recovery codes, administrators' reset) and the
session endpoints behind the inactivity warning."""

from __future__ import annotations

from base64 import b32encode
from urllib.parse import quote

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolwell.accounts import gate
from schoolwell.accounts.forms import AppCodeForm, CodeForm
from schoolwell.accounts.middleware import activity_neutral, second_factor_exempt
from schoolwell.accounts.models import User
from schoolwell.accounts.second_factor import (
    ENROLLED_SESSION_KEY,
    enrolled_staff,
    is_enrolled,
    recovery_codes_left,
    second_factor_required,
)
from schoolwell.accounts.services import (
    second_factor_enrol_confirm,
    second_factor_enrol_start,
    second_factor_reset,
    second_factor_throttled,
    second_factor_verify,
)
from schoolwell.accounts.session_limits import session_remaining, session_touch

NEW_CODES_SESSION_KEY = "schoolwell_2fa_new_codes"


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@second_factor_exempt
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second sign-in step: a code from the app, or a recovery code."""
    user = request.user
    if user.is_verified():
        return redirect(_next(request))
    if not is_enrolled(user):
        if second_factor_required(user):
            return redirect_with_next("accounts:two_factor_enrol", request)
        request.session[ENROLLED_SESSION_KEY] = False  # reset meanwhile: nothing to verify
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        # Asked before trying: a refusal during the wait must not read as a wrong code.
        if second_factor_throttled(user=user, token=code):
            error = _("Too many wrong codes. Wait a minute, then try again.")
        elif second_factor_verify(request=request, token=code):
            return redirect(_next(request))
        else:
            error = _("That code didn't work. Check the app and try again.")
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "error": error, "next": _next(request)},
        status=400 if error or form.errors else 200,
    )


def redirect_with_next(url_name: str, request):
    return redirect_to_login(_next(request), resolve_url(url_name))


@second_factor_exempt
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request):
    """Set up the authenticator app: scan (or type) the secret, confirm with a code."""
    user = request.user
    if is_enrolled(user) and not user.is_verified():
        # Replacing a factor needs the current one: a password alone must not be enough.
        return redirect_with_next("accounts:two_factor_verify", request)
    device = second_factor_enrol_start(user=user)
    form = AppCodeForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        codes = second_factor_enrol_confirm(
            request=request, device=device, token=form.cleaned_data["code"]
        )
        if codes is not None:
            request.session[NEW_CODES_SESSION_KEY] = codes
            codes_url = reverse("accounts:two_factor_recovery_codes")
            return redirect(f"{codes_url}?next={quote(_next(request), safe='/')}")
        error = _("That code didn't work. Check the app's clock and try the newest code.")
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/two_factor_enrol.html",
        {
            "form": form,
            "error": error,
            "next": _next(request),
            "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "required": second_factor_required(user),
        },
        status=400 if error or form.errors else 200,
    )


@require_GET
def two_factor_recovery_codes(request):
    """The new recovery codes, shown once: they are taken out of the session here."""
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    if not codes:
        return redirect("accounts:two_factor")
    return render(
        request,
        "registration/two_factor_recovery_codes.html",
        {"codes": codes, "next": _next(request)},
    )


@require_GET
def two_factor(request):
    """One's own two-step sign-in: whether it is on, codes left, set up or replace."""
    user = request.user
    enrolled = is_enrolled(user)
    return render(
        request,
        "registration/two_factor.html",
        {
            "enrolled": enrolled,
            "codes_left": recovery_codes_left(user) if enrolled else 0,
            "required": second_factor_required(user),
            "administers": gate.may(user, "two_factor.reset"),
        },
    )


@require_GET
def two_factor_staff(request):
    """Administrators: enrolled staff of their schools, each with a reset (a lost phone)."""
    if not gate.may(request.user, "two_factor.reset"):
        raise Http404
    devices = enrolled_staff(request.user)
    return render(request, "registration/two_factor_staff.html", {"devices": devices})


@require_POST
def two_factor_staff_reset(request, user_pk: int):
    if not gate.may(request.user, "two_factor.reset"):
        raise Http404
    # Out of reach (another school's or district's staff, or not enrolled): a 404 (rule 9).
    device = get_object_or_404(enrolled_staff(request.user), user_id=user_pk)
    target = get_object_or_404(User, pk=device.user_id)
    try:
        second_factor_reset(user=target, by=request.user, request=request)
    except PermissionDenied:
        messages.error(
            request,
            _(
                "%(user)s also works beyond the schools you administer: "
                "ask a district administrator to reset it."
            )
            % {"user": target},
        )
    else:
        messages.success(
            request,
            _("Two-step sign-in of %(user)s was reset. They set it up again at next sign-in.")
            % {"user": target},
        )
    return redirect("accounts:two_factor_staff")


@login_not_required
@second_factor_exempt
@activity_neutral
@require_GET
def session_status(request):
    """Seconds left in this session, for the inactivity warning (asking is not activity)."""
    if not request.user.is_authenticated:
        return JsonResponse({"remaining": 0})
    return JsonResponse({"remaining": session_remaining(request.session)})


@second_factor_exempt
@require_POST
def session_keep_alive(request):
    """ "Stay signed in": counts as activity now, whatever the resolution."""
    session_touch(request.session, force=True)
    return JsonResponse({"remaining": session_remaining(request.session)})
