"""The client's address for sign-in throttling and the disclosure record, behind proxies."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the outermost appended.

    Each proxy appends the address it received the request from to X-Forwarded-For, so with
    n trusted proxies the client is the n-th entry from the right; anything further left was
    written by the client and may be forged. Without configured proxies the header is ignored.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    if len(hops) < count:
        # Not through every trusted proxy: a misrouted or direct request.
        return remote
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
