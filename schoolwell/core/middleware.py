"""Site-wide HTTP rules: which methods are answered, and the privacy headers on every response.

Only the methods the site uses are answered (issue 10). Every page is a server-rendered form:
GET reads, POST writes. Views declare their own methods (`require_GET` /
`require_http_methods`); `SiteMethodsMiddleware` is the backstop for what we do not write
ourselves (the admin, Django's set_language, class-based views), so that PUT, PATCH, DELETE or
TRACE never reach a view — on main they answered 200 on the student page and each wrote a
disclosure row. The API (DRF) answers methods per endpoint itself.

`PrivacyHeadersMiddleware` keeps children's data out of shared caches and browser features.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseNotAllowed
from django.utils.cache import patch_cache_control

SITE_METHODS = frozenset({"GET", "HEAD", "POST", "OPTIONS"})


class SiteMethodsMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.exempt = tuple(settings.HTTP_METHODS_EXEMPT_PREFIXES)

    def __call__(self, request):
        if request.method not in SITE_METHODS and not request.path.startswith(self.exempt):
            return HttpResponseNotAllowed(sorted(SITE_METHODS - {"OPTIONS"}))
        return self.get_response(request)


# Browser features the app never uses, denied to every page and to anything a page embeds.
# Only features Chromium and Firefox recognise (an unknown one is logged as a console error).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class PrivacyHeadersMiddleware:
    """`Cache-Control: no-store, private` on every response a view did not declare public.

    Almost every page names a child, and which ones do changes as apps grow, so the rule is
    the simple robust one: nothing is stored by the browser's history cache, a shared
    computer's disk or a proxy unless its view says `public` (static files never get here:
    WhiteNoise and the development server answer them before the middleware).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if "public" not in response.get("Cache-Control", "").lower():
            patch_cache_control(response, no_store=True, private=True)
        return response
