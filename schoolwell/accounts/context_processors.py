from django.conf import settings

from schoolwell.accounts import gate
from schoolwell.accounts.roles import Role
from schoolwell.accounts.second_factor import second_step
from schoolwell.accounts.session_limits import session_remaining
from schoolwell.core.registry import nav_for


def roles(request):
    """Expose the user's roles and navigation (per role) to templates."""
    scope = gate.scope_of(request.user)
    return {
        "roles": {role.value for role in scope.roles},
        "Role": Role,
        "nav_items": nav_for(scope) if scope.roles else [],
    }


def session_limits(request):
    """Seconds left in a signed-in session, for the inactivity warning (read from the session)."""
    if "_auth_user_id" not in getattr(request, "session", {}):
        return {}
    return {
        # Half signed in (password given, second step due): no menu of pages that would bounce.
        "second_step_pending": second_step(request) is not None,
        "session_remaining": session_remaining(request.session),
        "session_warning": settings.SESSION_IDLE_WARNING,
        "session_warning_minutes": max(1, settings.SESSION_IDLE_WARNING // 60),
    }
