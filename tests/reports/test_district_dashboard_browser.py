"""A district administrator on a desktop reads the district dashboard: the navigation is in
the bar (no "Menu" button at 1280 px) and the referral figures are numbers, not "<10"."""

import pytest
from django.utils import timezone

from tests.conftest import browser_login, make_student, screenshot
from tests.reports.test_referral_indicators import H, referral

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_district_admin_reads_the_key_figures_on_a_desktop(
    _browser, live_server, district_admin, school_a
):
    now = timezone.now()
    for i in range(12):  # open now is shown at any count; the medians from 10 answered
        student = make_student(school_a, f"D{i}")
        referral(school_a, student, opened=now - (30 + i) * H, due_h=24 * 14, claimed_h=1)
    context = _browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live_server.url
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    browser_login(page, district_admin.username)
    page.goto("/reports/district/")
    section = page.locator("section", has=page.get_by_role("heading", name="Referrals opened"))
    cards = section.locator(".card")
    cards.first.wait_for()
    figures = dict(
        (card.locator("p").nth(0).inner_text(), card.locator("p").nth(1).inner_text())
        for card in cards.all()
    )
    assert figures["Open now"] == "12"
    assert figures["Median time to first action"] == "1 hour"
    assert figures["Median time allowed (due)"] == "14 days"
    assert "<10" not in section.inner_text()
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Home").is_visible()
    assert not page.get_by_text("Menu", exact=True).is_visible()
    screenshot(page, "reports12-district-desktop")
    context.close()
    assert not [e for e in errors if "Content Security Policy" in e], errors
