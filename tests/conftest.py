"""Shared personas: every access test tries the right person and the wrong ones.

Two schools in one district plus a school of another district. `teacher` teaches class_a
at school_a; `other_teacher` teaches class_b (same school); `counsellor` counsels school_a;
`other_counsellor` counsels school_b; `parent` is student_a's guardian; `other_parent` is
student_b's; `school_admin` administers school_a; `district_admin` the district.
"""

import datetime as dt
import os

import pytest

from schoolwell.accounts.models import User
from schoolwell.accounts.roles import Role
from schoolwell.roster.models import AcademicTerm, Class, District, Enrollment, School, Student
from schoolwell.roster.services import (
    class_set_teachers,
    district_admin_add,
    guardian_link_set,
    school_staff_add,
)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached access scopes are keyed by user id and grants version, which a rolled-back
    test database hands out again: each test starts with an empty cache."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a request's language stays active in its
    thread after the response (Django activates per request, never resets), so a Spanish
    page in one test would otherwise turn the next test's messages Spanish."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


def make_user(username: str, **extra) -> User:
    return User.objects.create_user(
        username=username, password="pw-for-tests-only", email=f"{username}@example.org", **extra
    )


def make_student(school: School, local_id: str, grade: int = 7, **extra) -> Student:
    return Student.objects.create(
        school=school,
        local_id=local_id,
        given_name=extra.pop("given_name", f"Given{local_id}"),
        family_name=extra.pop("family_name", f"Family{local_id}"),
        grade=grade,
        date_of_birth=dt.date(2013, 5, 1),
        **extra,
    )


def enroll(student: Student, klass: Class) -> Enrollment:
    return Enrollment.objects.create(student=student, klass=klass)


@pytest.fixture
def district(db):
    return District.objects.create(name="Test District", code="test-district")


@pytest.fixture
def other_district(db):
    return District.objects.create(name="Other District", code="other-district")


@pytest.fixture
def term(district):
    return AcademicTerm.objects.create(
        district=district,
        title="2026–2027",
        kind=AcademicTerm.Kind.SCHOOL_YEAR,
        start_date=dt.date(2026, 8, 20),
        end_date=dt.date(2027, 6, 15),
        school_year=2027,
    )


@pytest.fixture
def school_a(district):
    return School.objects.create(district=district, name="School A", code="school-a")


@pytest.fixture
def school_b(district):
    return School.objects.create(district=district, name="School B", code="school-b")


@pytest.fixture
def school_x(other_district):
    return School.objects.create(district=other_district, name="School X", code="school-x")


@pytest.fixture
def class_a(school_a, term):
    return Class.objects.create(school=school_a, term=term, title="Advisory 7-A", grades="07")


@pytest.fixture
def class_a2(school_a, term):
    """Another class of school A, taught by someone else."""
    return Class.objects.create(school=school_a, term=term, title="Advisory 7-B", grades="07")


@pytest.fixture
def class_b(school_b, term):
    return Class.objects.create(school=school_b, term=term, title="Advisory 8-A", grades="08")


@pytest.fixture
def student_a(school_a, class_a):
    student = make_student(school_a, "A1")
    enroll(student, class_a)
    return student


@pytest.fixture
def student_a2(school_a, class_a2):
    """Same school as student_a, another class."""
    student = make_student(school_a, "A2")
    enroll(student, class_a2)
    return student


@pytest.fixture
def student_b(school_b, class_b):
    student = make_student(school_b, "B1", grade=8)
    enroll(student, class_b)
    return student


@pytest.fixture
def student_x(school_x):
    return make_student(school_x, "X1")


@pytest.fixture
def teacher(class_a):
    user = make_user("teacher", first_name="Tess", last_name="Teacher")
    class_set_teachers(klass=class_a, teachers=[user])
    return user


@pytest.fixture
def other_teacher(class_a2):
    user = make_user("other_teacher")
    class_set_teachers(klass=class_a2, teachers=[user])
    return user


@pytest.fixture
def counsellor(school_a):
    user = make_user("counsellor", first_name="Cora", last_name="Counsellor")
    school_staff_add(school=school_a, user=user, role=Role.COUNSELLOR)
    return user


@pytest.fixture
def other_counsellor(school_b):
    user = make_user("other_counsellor")
    school_staff_add(school=school_b, user=user, role=Role.COUNSELLOR)
    return user


@pytest.fixture
def school_admin(school_a):
    user = make_user("school_admin")
    school_staff_add(school=school_a, user=user, role=Role.SCHOOL_ADMIN)
    return user


@pytest.fixture
def district_admin(district):
    user = make_user("district_admin")
    district_admin_add(district=district, user=user)
    return user


@pytest.fixture
def parent(student_a):
    user = make_user("parent", preferred_language="es")
    guardian_link_set(guardian=user, student=student_a)
    return user


@pytest.fixture
def other_parent(student_b):
    user = make_user("other_parent")
    guardian_link_set(guardian=user, student=student_b)
    return user


@pytest.fixture
def outsider(db):
    """Signed in, but with no role anywhere."""
    return make_user("outsider")


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client signed in as that user."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


def _service_missing(item, why: str) -> None:
    """A test needing a service: skipped on a developer machine, a failure in CI."""
    if os.environ.get("SCHOOLWELL_CI") == "1":
        pytest.fail(f"CI must run this test, but {why}", pytrace=False)
    pytest.skip(why)


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            # Expected on the SQLite stage: .ci/run runs these again on PostgreSQL.
            pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    if item.get_closest_marker("redis"):
        import socket

        try:
            socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        except OSError:
            _service_missing(item, "Redis is not reachable at 127.0.0.1:6379")
    if item.get_closest_marker("browser") and not os.path.exists(CHROMIUM):
        _service_missing(item, f"{CHROMIUM} is not installed (apt-get install chromium)")


CHROMIUM = "/usr/bin/chromium"


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
ARTIFACTS = os.environ.get("SCHOOLWELL_ARTIFACTS", "/tmp/schoolwell-artifacts")


@pytest.fixture(scope="session")
def _browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; the ORM calls the tests make
    # around it are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone_page(_browser, live_server, settings):
    """A phone-sized page against the live server; console CSP errors fail the test."""
    context = _browser.new_context(viewport=PHONE, base_url=live_server.url)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert not [e for e in errors if "Content Security Policy" in e], errors


def browser_login(page, username: str, password: str = "pw-for-tests-only") -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def screenshot(page, name: str) -> str:
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.join(ARTIFACTS, f"{name}.png")
    page.screenshot(path=path, full_page=True)
    return path
