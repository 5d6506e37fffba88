"""A counsellor opens a student's page in Chromium and the screening-scores chart draws the
student's points (issue 12: it was empty for a student whose screener has subscales only)."""

import re

import pytest

from schoolwell.screening.services import screening_result_record
from tests.conftest import browser_login, screenshot
from tests.reports.test_timeline_panel import add_checkins, page
from tests.screening.conftest import answers_with_total, decide_screening

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_scores_chart_draws_the_students_points(
    _browser, live_server, counsellor, teacher, student_a, class_a, instruments, srss_window
):
    decide_screening([student_a])
    srss = instruments["srss-ie"]
    answers = answers_with_total(srss.definition, ["sad-depressed", "lonely"], 5)
    screening_result_record(
        student=student_a, instrument=srss, window=srss_window, by=teacher, answers=answers
    )
    add_checkins(student_a, teacher, class_a, 5)
    context = _browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live_server.url
    )
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    browser_login(tab, counsellor.username)
    tab.goto(page(student_a))
    chart = tab.locator(".chart[data-figure='chart-student-timeline']")
    # plotly draws each point as a path.point in the trace's group of the scores subplot.
    points = chart.locator(".subplot.xy .scatterlayer .trace path.point")
    points.first.wait_for()
    drawn = tab.evaluate(
        """() => {
          const el = document.querySelector(".chart[data-figure='chart-student-timeline']");
          return el._fullData.filter(t => t.xaxis === "x" && t.visible !== false)
            .map(t => [t.name, t.y.length]);
        }"""
    )
    assert dict(drawn) == {"SRSS-E7 externalizing": 1, "SRSS-I6 internalizing (grades 6–12)": 1}
    scores_points = tab.locator(".subplot.xy .scatterlayer .trace path.point")
    assert scores_points.count() >= 2
    screenshot(tab, "reports12-student-scores-chart")
    context.close()
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_date_axes_name_months_in_the_readers_language(
    _browser, live_server, counsellor, teacher, student_a, class_a, instruments, srss_window
):
    """Plotly writes the month names of a date axis itself: on a Spanish page, in Spanish."""
    add_checkins(student_a, teacher, class_a, 5)
    counsellor.preferred_language = "es"
    counsellor.save(update_fields=["preferred_language"])
    context = _browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live_server.url
    )
    tab = context.new_page()
    browser_login(tab, counsellor.username)
    tab.goto(page(student_a))
    assert tab.locator("html").get_attribute("lang") == "es"
    ticks = tab.locator(".chart[data-figure='chart-student-timeline'] .xaxislayer-above text")
    ticks.first.wait_for()
    months = {"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"}
    english = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
    # A tick's lines run together in its text ("00:00dic"): take the words out of it.
    words = {w for text in ticks.all_text_contents() for w in re.findall(r"[^\W\d_]+", text)}
    assert words & months, words
    assert not words & (english - months), words
    screenshot(tab, "reports12-student-chart-spanish-axis")
    context.close()
