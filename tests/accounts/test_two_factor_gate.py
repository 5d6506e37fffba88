"""A session that has not passed a required second step gets no page with data: every URL."""

import re

import pytest
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

from schoolwell.accounts.middleware import is_public
from tests.accounts.conftest import enrol, sign_in

pytestmark = pytest.mark.django_db

OPEN_TO_HALF_SIGNED_IN = {"logout", "set_language"}


def _route(entry) -> str | None:
    """A concrete path piece for a pattern: parameters become 1 (or x); None if unusable."""
    route = str(entry.pattern)
    if route.startswith("^"):  # regex routes (DRF's router)
        route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route.lstrip("^").rstrip("$"))
        return None if re.search(r"[\\()?*+\[]", route) else route
    route = re.sub(r"<int:\w+>", "1", route)
    return re.sub(r"<(?:\w+:)?\w+>", "x", route)


def _paths(patterns, prefix=""):
    for entry in patterns:
        route = _route(entry)
        if route is None:
            continue
        if isinstance(entry, URLResolver):
            yield from _paths(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + route


def staff_paths():
    seen = set()
    for path in _paths(get_resolver().url_patterns):
        if path in seen:
            continue
        seen.add(path)
        try:
            match = resolve(path)
        except Resolver404:
            continue  # a placeholder its converter refuses
        func = match.func
        if is_public(func):
            continue  # nothing a signed-out visitor could not see
        if getattr(func, "second_factor_exempt", False) or match.url_name in OPEN_TO_HALF_SIGNED_IN:
            continue
        yield path


def test_the_url_list_covers_the_apps():
    paths = list(staff_paths())
    assert len(paths) > 40
    for expected in [
        "/referrals/",
        "/roster/students/1/",
        "/reports/",
        "/api/v1/students/",
        "/api/v1/students/1/",
        "/admin/",
        "/admin/accounts/user/",
    ]:
        assert expected in paths


@pytest.mark.parametrize(
    ("persona", "methods"), [("counsellor", ("get", "post")), ("district_admin", ("get",))]
)
def test_unverified_session_gets_no_staff_page(request, client, required, persona, methods):
    user = request.getfixturevalue(persona)
    enrol(user)
    sign_in(client, user)
    verify = reverse("accounts:two_factor_verify")
    for path in staff_paths():
        for method in (getattr(client, name) for name in methods):
            response = method(path)
            assert response.status_code == 302, (method.__name__, path, response.status_code)
            assert response["Location"].startswith(f"{verify}?next="), path
    assert not client.get("/roster/students/1/").content


def test_api_views_are_not_public_although_drf_marks_them_so():
    func = resolve("/api/v1/students/").func
    assert getattr(func, "login_required", True) is False  # DRF's own marking
    assert not is_public(func)
    assert is_public(resolve(reverse("login")).func)


def test_unverified_session_may_still_sign_out_and_switch_language(client, required, counsellor):
    enrol(counsellor)
    sign_in(client, counsellor)
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


def test_half_signed_in_pages_show_no_menu(client, required, counsellor):
    enrol(counsellor)
    sign_in(client, counsellor)
    html = client.get(reverse("accounts:two_factor_verify")).content.decode()
    assert 'class="menu"' not in html and "Sign out" in html
