"""Sign-in throttling keys on the real client behind trusted proxies, and only then."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from schoolwell.accounts.client_ip import client_ip

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


def fail_until_locked(client, settings, **meta):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            reverse("login"), {"username": "teacher", "password": "wrong"}, **meta
        )
    assert response.status_code == 429


def sign_in(client, **meta):
    return client.post(
        reverse("login"), {"username": "teacher", "password": "pw-for-tests-only"}, **meta
    )


def test_two_clients_behind_one_proxy_are_locked_out_separately(client, settings, teacher):
    settings.TRUSTED_PROXY_COUNT = 1
    fail_until_locked(client, settings, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    # The other client behind the same proxy is not locked out...
    response = sign_in(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert response.status_code == 302
    client.post(reverse("logout"))
    # ...and the first one still is.
    response = sign_in(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert response.status_code == 429


def test_forged_prefix_does_not_escape_a_lockout_behind_the_proxy(client, settings, teacher):
    settings.TRUSTED_PROXY_COUNT = 1
    fail_until_locked(client, settings, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    # The client writes its own X-Forwarded-For; the proxy appends the real address.
    response = sign_in(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
    assert response.status_code == 429


def test_forged_header_without_a_configured_proxy_changes_nothing(client, settings, teacher):
    settings.TRUSTED_PROXY_COUNT = 0
    fail_until_locked(client, settings, REMOTE_ADDR="198.51.100.9")
    response = sign_in(client, REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="203.0.113.77")
    assert response.status_code == 429


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.5", "10.0.0.2"),
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.1", "203.0.113.5"),
        (2, "203.0.113.5", "10.0.0.2"),  # fewer hops than proxies: not through them all
        (1, "not-an-address", "10.0.0.2"),
        (1, "", "10.0.0.2"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_disclosure_record_uses_the_same_address(settings, student_a, teacher):
    from schoolwell.audit.services import access_log_record

    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    log = access_log_record(user=teacher, student=student_a, what="test", request=request)
    assert log.ip_address == "203.0.113.5"
