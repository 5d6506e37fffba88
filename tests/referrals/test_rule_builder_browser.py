"""The rule builder in headless Chromium on a phone: a school administrator creates a rule,
sees what it would have done, and saves it (screenshots /tmp/admintools-rule-*.png)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from schoolwell.referrals.models import RuleKind, ThresholdRule
from schoolwell.screening.models import ScreeningResult
from schoolwell.screening.services import instrument_sync
from tests.conftest import browser_login, make_student

pytestmark = pytest.mark.browser


def test_admin_creates_a_rule_with_its_whatif(
    transactional_db, live_server, phone_page, school_admin, school_a, counsellor
):
    phqa = {i.code: i for i in instrument_sync()}["phq-a"]
    for n, total in enumerate([4, 9, 13, 17]):
        ScreeningResult.objects.create(
            student=make_student(school_a, f"B{n}", given_name=f"Pupil{n}", family_name="Browser"),
            instrument=phqa,
            answers={},
            total=total,
            scores={},
            respondent="student",
            administered_at=timezone.now() - dt.timedelta(days=3 + n),
        )
    page = phone_page
    browser_login(page, "school_admin")
    page.goto("/referrals/rules/")
    page.get_by_label("Instrument total at or above").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="New rule")).to_be_visible()
    page.get_by_label("Score").select_option("phq-a:")
    page.get_by_label("At or above").fill("12")
    page.get_by_label("Due within").fill("5")
    page.screenshot(path="/tmp/admintools-rule-form.png", full_page=True)
    page.get_by_role("button", name="Show what it would do").click()
    whatif = page.get_by_role("region", name="What it would have done")
    expect(whatif).to_be_visible()
    expect(page.get_by_test_id("current-referrals")).to_have_text("0")
    expect(page.get_by_test_id("proposed-referrals")).to_have_text("2")
    expect(whatif.get_by_text("Newly flagged: 2 students")).to_be_visible()
    expect(whatif.get_by_text("Pupil2 Browser")).to_be_visible()
    expect(whatif.get_by_text("Pupil0 Browser")).to_have_count(0)
    whatif.scroll_into_view_if_needed()
    page.screenshot(path="/tmp/admintools-rule-whatif.png", full_page=True)
    page.get_by_role("button", name="Save rule").click()
    expect(page.get_by_text("Rule saved: PHQ-A total 12 or more")).to_be_visible()
    page.screenshot(path="/tmp/admintools-rule-saved.png", full_page=True)
    rule = ThresholdRule.objects.get(school=school_a)
    assert (rule.kind, rule.threshold, rule.due_within) == (RuleKind.SCORE_TOTAL, 12, 5)


def test_rules_page_fits_a_phone(transactional_db, live_server, phone_page, school_admin, school_a):
    from schoolwell.referrals.demo import rules_install_defaults

    rules_install_defaults(school=school_a)
    page = phone_page
    browser_login(page, "school_admin")
    page.goto("/referrals/rules/")
    expect(page.get_by_role("heading", name="Referral rules")).to_be_visible()
    # The table scrolls inside its wrapper; the page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path="/tmp/admintools-rules-list.png", full_page=True)
