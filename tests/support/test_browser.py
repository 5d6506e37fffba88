"""A counsellor, on a phone, starts a support plan from a referral, adds four progress
checks and records a step-down decision; the goal chart draws under the CSP. Screenshots
on a phone and a desktop (/tmp/support-*.png)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from schoolwell.support.models import Decision, PlanStatus, SupportPlan

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def open_page(browser, live_server, viewport, username):
    context = browser.new_context(viewport=viewport, base_url=live_server.url)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-for-tests-only")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    return context, page


def fits(page) -> bool:
    """Nothing wider than the viewport: no sideways scrolling on a phone."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def shot(page, name):
    page.screenshot(path=f"/tmp/support-{name}.png", full_page=True)


def test_counsellor_starts_a_plan_monitors_it_and_steps_down(
    transactional_db, live_server, _browser, counsellor, referral_a
):
    today = timezone.localdate()
    start = today - dt.timedelta(weeks=5)
    context, page = open_page(_browser, live_server, PHONE, "counsellor")
    page.goto(f"/referrals/{referral_a.pk}/")
    page.get_by_role("link", name="Start a support plan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Start a support plan")
    page.locator("#id_tier").select_option("2")
    page.get_by_label("Low mood").check()
    page.get_by_label("Peer relationships").check()
    page.locator("#id_start_date").fill(start.isoformat())
    page.locator("#id_description").fill("Joins in with classmates at lunch")
    page.locator("#id_measure").select_option("rating")
    page.locator("#id_baseline").fill("3")
    page.locator("#id_target").fill("7")
    assert fits(page)
    shot(page, "phone-new")
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_text("Support plan started.")).to_be_visible()
    plan = SupportPlan.objects.get()
    assert plan.referral_id == referral_a.pk

    goal_pk = plan.goals.get().pk
    for week, value in enumerate([4, 5.5, 7, 7.5], start=1):
        page.get_by_text("Add a progress check").click()
        page.locator(f"#check-{goal_pk}-date").fill((start + dt.timedelta(weeks=week)).isoformat())
        page.get_by_label("Rating (0–10)").fill(str(value))
        page.get_by_role("button", name="Add check").click()
        expect(page.get_by_text("Progress check added.")).to_be_visible()
    expect(page.locator(".chart .main-svg").first).to_be_visible()
    assert page.locator(".chart .scatterlayer .trace").count() >= 2  # points and trend
    page.get_by_text("Add an intervention").click()
    assert fits(page)
    shot(page, "phone-plan")

    page.get_by_role("link", name="Make a review decision").click()
    expect(page.locator("[data-suggestion]")).to_have_attribute("data-suggestion", "step_down")
    assert fits(page)
    shot(page, "phone-review")

    desktop_context, desktop = open_page(_browser, live_server, DESKTOP, "counsellor")
    desktop.goto(f"/support/{plan.pk}/")
    expect(desktop.locator(".chart .main-svg").first).to_be_visible()
    shot(desktop, "desktop-plan")
    desktop.goto(f"/support/{plan.pk}/review/")
    expect(desktop.get_by_text("Goal met and held: step down or close").first).to_be_visible()
    shot(desktop, "desktop-review")

    page.get_by_label("Step down").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Review decision recorded.")).to_be_visible()
    expect(page.locator(".history")).to_contain_text("Step down")
    shot(page, "phone-decided")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED
    assert plan.reviews.get().decision == Decision.STEP_DOWN

    desktop.goto(f"/support/{plan.pk}/")
    expect(desktop.get_by_text("Stepped down to universal support").first).to_be_visible()
    shot(desktop, "desktop-decided")
    for p in (page, desktop):
        assert not [e for e in p.console_errors if "Content Security Policy" in e], p.console_errors
    desktop_context.close()
    context.close()
