from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation


def guardian_language(view):
    """Parent pages speak the guardian's preferred language, unless they chose another
    with the language selector (which sets the language cookie)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        preferred = getattr(request.user, "preferred_language", "")
        if not chosen and preferred in dict(settings.LANGUAGES):
            translation.activate(preferred)
            request.LANGUAGE_CODE = preferred
        return view(request, *args, **kwargs)

    return wrapper


def error_messages(error: ValidationError | PermissionDenied) -> list[str]:
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [str(error)] if str(error) else []


def refused(request, error, *, back: str, status: int = 400):
    """A clear 4xx page for a refused action; nothing was changed."""
    if isinstance(error, PermissionDenied):
        status = 403
    return render(
        request,
        "consent/refused.html",
        {"errors": error_messages(error), "back": back},
        status=status,
    )


def portal_url(request) -> str:
    return request.build_absolute_uri(reverse("consent:portal"))


def int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None
