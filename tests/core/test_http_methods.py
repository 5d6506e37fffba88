"""Only the methods a page supports are answered (issue 10). On main, PUT, DELETE, PATCH and
TRACE on the student page answered 200 and each wrote a disclosure row."""

import inspect
import re

import pytest
from django.urls import URLResolver, get_resolver, reverse

from schoolwell.audit.models import AccessLog
from tests.conftest import make_user

UNUSED_METHODS = ("put", "patch", "delete", "trace")


def _callbacks(patterns=None, prefix=""):
    """(route, view) for every pattern of the URLconf."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from _callbacks(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback


def _declared_methods(view) -> list[str] | None:
    """The list given to require_http_methods somewhere in the view's decorator chain."""
    while view is not None:
        if inspect.isfunction(view):
            methods = inspect.getclosurevars(view).nonlocals.get("request_method_list")
            if methods is not None:
                return list(methods)
        view = getattr(view, "__wrapped__", None)
    return None


def _function_views():
    return {
        route: view
        for route, view in _callbacks()
        if view.__module__.startswith("schoolwell.")
        and not hasattr(view, "view_class")  # Django class-based views
        and not hasattr(view, "cls")  # DRF viewsets
    }


def _concrete(route: str, ids: dict[str, int]) -> str:
    """The route with an id that the persona may see where it names a student, a class or
    a school, so a view that did answer would really disclose something."""

    def value(match) -> str:
        name = match.group(1)
        fixed = {"uidb64": "x", "token": "x", "url": "x", "app_label": "roster", "format": "json"}
        if name in fixed:
            return fixed[name]
        kind = next((k for k in ids if k in name), None)
        kind = kind or next((k for k in ids if f"{k}s/" in route or f"{k}es/" in route), None)
        return str(ids[kind]) if kind else "1"

    url = re.sub(r"<(?:\w+:)?(\w+)>", value, route)
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", value, url)
    return "/" + url.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "/")


def test_every_schoolwell_function_view_declares_its_methods():
    undeclared = [route for route, view in _function_views().items() if not _declared_methods(view)]
    assert undeclared == []


def test_read_only_pages_refuse_post(client_for, counsellor, student_a, class_a, school_a):
    client = client_for(counsellor)
    ids = {"student": student_a.pk, "class": class_a.pk, "school": school_a.pk}
    read_only = [
        route for route, view in _function_views().items() if "POST" not in _declared_methods(view)
    ]
    assert "roster/students/<int:pk>/" in read_only
    refused = {route: client.post(_concrete(route, ids)).status_code for route in read_only}
    assert set(refused.values()) == {405}, refused
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("method", UNUSED_METHODS)
def test_the_student_page_answers_only_get(client_for, counsellor, student_a, method):
    response = getattr(client_for(counsellor), method)(
        reverse("roster:student_detail", args=[student_a.pk])
    )
    assert response.status_code == 405
    assert not AccessLog.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["counsellor", "superuser"])
def test_no_url_answers_unused_methods(request, client, student_a, class_a, school_a, persona):
    user = (
        make_user("root", is_superuser=True, is_staff=True)
        if persona == "superuser"
        else request.getfixturevalue(persona)
    )
    client.force_login(user)
    ids = {"student": student_a.pk, "class": class_a.pk, "school": school_a.pk}
    urls = {_concrete(route, ids) for route, _view in _callbacks()}
    assert f"/roster/students/{student_a.pk}/" in urls and len(urls) > 80
    answered = []
    for url in sorted(urls):
        for method in UNUSED_METHODS:
            status = getattr(client, method)(url).status_code
            if 200 <= status < 300:
                answered.append((method.upper(), url, status))
    assert answered == []
    assert not AccessLog.objects.exists()
