"""How long a signed-in session lasts: 8 hours from sign-in at most, less when left idle.

Both stamps live in the session itself (no query). The last-activity stamp is rewritten at
most once per SESSION_ACTIVITY_RESOLUTION seconds, so an active user costs one session write
a minute rather than one per page (the reason main kept fixed sessions); an idle session
therefore ends between TIMEOUT - RESOLUTION and TIMEOUT after the last request, and the
warning script is told the server's own remaining time.
"""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.utils import timezone

from schoolwell.accounts.second_factor import ENROLLED_SESSION_KEY, is_enrolled

SIGNED_IN_AT = "schoolwell_signed_in_at"
ACTIVE_AT = "schoolwell_active_at"


def session_start(sender, request, user, **kwargs) -> None:
    """At every sign-in (user_logged_in, whichever view signs in): start both clocks, and
    note whether the user has a second factor to verify (so pages need not ask each time)."""
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[ACTIVE_AT] = now
    # Saving the stamp must not push the end of the session: fix it at sign-in + 8 hours.
    request.session.set_expiry(timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE))
    request.session[ENROLLED_SESSION_KEY] = is_enrolled(user)


def session_remaining(session) -> int:
    """Seconds before the session ends, by whichever limit comes first (0: it has ended)."""
    now = time.time()
    signed_in = session.get(SIGNED_IN_AT)
    if signed_in is None:
        # A session from before these stamps: its fixed cookie age still ends it.
        return settings.SESSION_COOKIE_AGE
    left = signed_in + settings.SESSION_COOKIE_AGE - now
    if settings.SESSION_IDLE_TIMEOUT:
        left = min(left, session.get(ACTIVE_AT, signed_in) + settings.SESSION_IDLE_TIMEOUT - now)
    return max(0, int(left))


def session_touch(session, *, force: bool = False) -> None:
    """Record activity, at most once per resolution unless asked (the keep-alive button)."""
    if SIGNED_IN_AT not in session:
        return
    now = int(time.time())
    if force or now - session.get(ACTIVE_AT, 0) >= settings.SESSION_ACTIVITY_RESOLUTION:
        session[ACTIVE_AT] = now
