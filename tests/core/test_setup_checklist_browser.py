"""The setup checklist on a phone: it leads the administrator's home page, each step a link
(screenshot /tmp/admintools-home-checklist.png)."""

import pytest
from playwright.sync_api import expect

from tests.conftest import browser_login

pytestmark = pytest.mark.browser


def test_checklist_leads_the_home_page(transactional_db, live_server, phone_page, school_admin):
    page = phone_page
    browser_login(page, "school_admin")
    checklist = page.get_by_role("region", name="Setting up SchoolWell")
    expect(checklist).to_be_visible()
    box = checklist.bounding_box()
    assert box["y"] < page.get_by_role("heading", name="My schools").bounding_box()["y"]
    assert box["x"] + box["width"] <= 390
    page.screenshot(path="/tmp/admintools-home-checklist.png", full_page=True)
    checklist.get_by_role("link", name="Referral rules reviewed").click()
    expect(page.get_by_role("heading", name="Referral rules")).to_be_visible()
