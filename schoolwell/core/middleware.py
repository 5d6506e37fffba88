"""Only the HTTP methods the site uses are answered (issue 10).

Every page is a server-rendered form: GET reads, POST writes. Views declare their own
methods (`require_GET` / `require_http_methods`); this is the backstop for what we do not
write ourselves (the admin, Django's set_language, class-based views), so that PUT, PATCH,
DELETE or TRACE never reach a view — on main they answered 200 on the student page and each
wrote a disclosure row. The API (DRF) answers methods per endpoint itself.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseNotAllowed

SITE_METHODS = frozenset({"GET", "HEAD", "POST", "OPTIONS"})


class SiteMethodsMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.exempt = tuple(settings.HTTP_METHODS_EXEMPT_PREFIXES)

    def __call__(self, request):
        if request.method not in SITE_METHODS and not request.path.startswith(self.exempt):
            return HttpResponseNotAllowed(sorted(SITE_METHODS - {"OPTIONS"}))
        return self.get_response(request)
