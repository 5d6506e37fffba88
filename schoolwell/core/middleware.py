"""Response headers that keep children's data out of shared caches and browser features."""

from __future__ import annotations

from django.utils.cache import patch_cache_control

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
