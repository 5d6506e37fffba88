"""Sign-in rules applied to every request: session limits and the second sign-in step."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
from rest_framework.views import APIView

from schoolwell.accounts.second_factor import second_step
from schoolwell.accounts.session_limits import session_remaining, session_touch

# Views a half-signed-in user (password given, second step not yet) may still use.
ALWAYS_OPEN = frozenset({"logout", "set_language"})


def is_public(view_func) -> bool:
    """Marked @login_not_required, and not an API view: DRF marks every API view so and
    then authenticates by the session itself, so those are anything but public."""
    if getattr(view_func, "login_required", True):
        return False
    return not issubclass(getattr(view_func, "cls", object), APIView)


def activity_neutral(view):
    """Mark a view whose requests are not the user's activity (the warning's status check)."""
    view.activity_neutral = True
    return view


def second_factor_exempt(view):
    """Mark a view that serves the second sign-in step itself."""
    view.second_factor_exempt = True
    return view


class SessionLimitsMiddleware:
    """Ends a signed-in session idle past SESSION_IDLE_TIMEOUT or older than 8 hours.

    Reads only the session (no query); runs before LoginRequiredMiddleware so a page of an
    ended session is answered with the sign-in page, which brings the user back afterwards.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        session = request.session
        if "_auth_user_id" not in session:
            return None
        if session_remaining(session) <= 0:
            logout(request)
            messages.info(request, _("You were signed out after a while without activity."))
            return None
        if not getattr(view_func, "activity_neutral", False):
            session_touch(session)
        return None


class SecondFactorMiddleware:
    """Refuses every non-public view to a session that has not passed a required second step.

    Required: the user's role needs it (second_factor_required) or they enrolled anyway.
    Such a user is sent to enrol (no device yet) or to enter a code, then back where they
    were going. Public views (@login_not_required) stay public: they show nothing that a
    signed-out visitor could not see.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_public(view_func) or getattr(view_func, "second_factor_exempt", False):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in ALWAYS_OPEN:
            return None
        target = second_step(request)
        if target is None:
            return None
        return redirect_to_login(request.get_full_path(), resolve_url(target))
