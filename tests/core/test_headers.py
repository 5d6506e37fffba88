"""Pages about children are never stored by browsers or proxies; unused browser features are
denied everywhere."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from schoolwell.core.middleware import PrivacyHeadersMiddleware

pytestmark = pytest.mark.django_db


def assert_private(response):
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives, response["Cache-Control"]
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("teacher", lambda f: reverse("home")),
        ("teacher", lambda f: reverse("roster:class_detail", args=[f("class_a").pk])),
        ("teacher", lambda f: reverse("screening:checkin_class", args=[f("class_a").pk])),
        ("counsellor", lambda f: reverse("referrals:queue")),
        ("counsellor", lambda f: reverse("roster:student_detail", args=[f("student_a").pk])),
        ("counsellor", lambda f: "/api/v1/students/"),
        ("parent", lambda f: reverse("consent:portal")),
        ("school_admin", lambda f: reverse("roster:school_staff", args=[f("school_a").pk])),
        ("school_admin", lambda f: reverse("accounts:two_factor_staff")),
        ("district_admin", lambda f: reverse("reports:district")),
        ("teacher", lambda f: "/roster/students/999999/"),  # a 404 is covered as well
    ],
)
def test_signed_in_pages_are_no_store(request, client_for, persona, url):
    client = client_for(request.getfixturevalue(persona))
    response = client.get(url(request.getfixturevalue))
    assert response.status_code in (200, 404)
    assert_private(response)


@pytest.mark.parametrize("name", ["login", "password_reset", "healthz"])
def test_public_pages_are_no_store_too(client, name):
    assert_private(client.get(reverse(name)))


def test_redirects_and_posts_are_covered(client, teacher):
    response = client.post(
        reverse("login"), {"username": "teacher", "password": "pw-for-tests-only"}
    )
    assert response.status_code == 302
    assert_private(response)


def test_a_view_declaring_public_caching_keeps_it():
    def public_view(request):
        response = HttpResponse("static-like")
        response["Cache-Control"] = "public, max-age=3600"
        return response

    response = PrivacyHeadersMiddleware(public_view)(RequestFactory().get("/"))
    assert response["Cache-Control"] == "public, max-age=3600"
    assert "camera=()" in response["Permissions-Policy"]


def test_a_view_own_no_cache_directives_are_kept_and_tightened():
    def view(request):
        response = HttpResponse("x")
        response["Cache-Control"] = "max-age=0, no-cache"
        return response

    response = PrivacyHeadersMiddleware(view)(RequestFactory().get("/"))
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert directives == {"max-age=0", "no-cache", "no-store", "private"}
