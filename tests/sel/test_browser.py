"""The SEL pages in headless Chromium: the Plotly chart draws under the CSP, and the
delivery form's "All present" control works (the CI browser stage runs these)."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.conftest import enroll, make_student
from tests.sel.conftest import log

pytestmark = pytest.mark.browser


@pytest.fixture
def page(_browser, live_server):
    """A phone-sized page from the suite's one shared browser (tests/conftest.py)."""
    context = _browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.console_errors = []
    page.on(
        "console",
        lambda m: m.type in ("error", "warning") and page.console_errors.append(m.text),
    )
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    yield page
    context.close()


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-for-tests-only")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_coverage_chart_renders_without_csp_errors(
    transactional_db, live_server, page, school_admin, class_a, make_lesson, schedule
):
    lesson = make_lesson("calm", codes=("self_management", "self_awareness"))
    today = timezone.localdate()
    log(schedule(class_a, lesson, today - dt.timedelta(days=7)))
    schedule(class_a, lesson, today - dt.timedelta(days=1))
    sign_in(page, live_server, "school_admin")
    page.goto(f"{live_server.url}/sel/coverage/")
    page.wait_for_selector(".sel-charts .chart .main-svg")
    assert page.locator(".sel-charts .chart .main-svg").count() >= 2
    assert page.locator(".sel-charts .chart .bars path").count() > 0
    favicon = [e for e in page.console_errors if "404" in e]
    assert [e for e in page.console_errors if e not in favicon] == []


def test_all_present_control_and_partial_attendance(
    transactional_db, live_server, page, teacher, school_a, class_a, make_lesson, schedule
):
    for n in range(3):
        enroll(make_student(school_a, f"S{n}", given_name=f"Pupil{n}"), class_a)
    planned = schedule(class_a, make_lesson("calm"), timezone.localdate())
    sign_in(page, live_server, "teacher")
    page.goto(f"{live_server.url}/sel/schedules/{planned.pk}/log/")
    boxes = page.locator(".sel-roster input[type=checkbox]")
    assert boxes.count() == 3 and page.locator(".sel-roster input:checked").count() == 3
    page.uncheck("#present-all")
    assert page.locator(".sel-roster input:checked").count() == 0
    page.check("#present-all")
    boxes.nth(1).uncheck()
    assert page.evaluate("document.getElementById('present-all').indeterminate")
    assert page.locator(".sel-skipped").is_hidden()
    page.click("main button[type=submit]")
    page.wait_for_url("**/sel/week/**")
    from schoolwell.sel.models import LessonDelivery

    assert LessonDelivery.objects.get().students_present.count() == 2
    assert page.console_errors == [] or all("404" in e for e in page.console_errors)
