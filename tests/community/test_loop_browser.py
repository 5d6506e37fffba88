"""A counsellor, on a phone, refers a student to a provider from the directory; the provider
opens their link (no account), acknowledges and records a first appointment and an outcome;
the counsellor sees the loop closed. Screenshots in /tmp/community-*.png."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import browser_login

from .conftest import make_agreement

pytestmark = pytest.mark.browser


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def shot(page, name):
    page.screenshot(path=f"/tmp/community-{name}.png", full_page=True)


def test_counsellor_refers_out_and_the_provider_closes_the_loop(
    transactional_db, live_server, _browser, phone_page, claimed, clinic, counsellor
):
    make_agreement(clinic)
    page = phone_page
    browser_login(page, "counsellor")
    page.goto("/community/providers/")
    expect(page.get_by_role("heading", name="Clinic Center")).to_be_visible()
    shot(page, "directory")
    page.goto(f"/referrals/{claimed.pk}/")
    page.get_by_role("link", name="Refer to a provider from the directory").click()
    page.get_by_label("Provider").select_option(label="Clinic Center")
    page.get_by_label("The guardian's consent covers").select_option("provider")
    page.get_by_label("Guardian who consented").fill("Pat Guardian")
    page.get_by_label("How consent was given").select_option("phone")
    assert fits(page)
    shot(page, "refer-out")
    page.get_by_role("button", name="Refer out and create the provider's link").click()
    link = page.get_by_label("Link")
    expect(link).to_be_visible()
    url = link.input_value()
    assert "/community/p/" in url
    shot(page, "link")

    # The provider: no account, another browser context.
    provider = _browser.new_context(viewport={"width": 390, "height": 844})
    theirs = provider.new_page()
    theirs.goto(url)
    expect(theirs.get_by_text(claimed.student.display_name)).to_be_visible()
    theirs.get_by_label("We have received this referral").check()
    theirs.get_by_role("button", name="Send to the school").click()
    expect(theirs.get_by_text("Acknowledged:")).to_be_visible()
    day = timezone.localdate() + dt.timedelta(days=4)
    theirs.get_by_label("First appointment").fill(day.isoformat())
    theirs.get_by_label("Outcome").select_option("engaged")
    assert fits(theirs)
    shot(theirs, "provider")
    theirs.get_by_role("button", name="Send to the school").click()
    expect(theirs.get_by_text("The school has your answer")).to_be_visible()
    shot(theirs, "provider-done")
    assert theirs.goto(url).status == 410
    provider.close()

    page.goto(f"/referrals/{claimed.pk}/")
    panel = page.locator("section", has=page.get_by_role("heading", name="Community provider"))
    expect(panel.get_by_text("Loop closed")).to_be_visible()
    expect(panel.get_by_text("Engaged in treatment")).to_be_visible()
    shot(page, "closed")
