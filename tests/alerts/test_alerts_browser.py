"""The alert pages in a real browser on a phone: notification settings from the menu, the
administrators' alert delivery page, the delivery states on a referral's page."""

import pytest
from django.utils import timezone

from schoolwell.alerts.models import Channel, Delivery, Kind, NotificationSettings, State
from schoolwell.referrals.models import Priority
from tests.conftest import browser_login, screenshot
from tests.referrals.conftest import open_referral

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _given_up(referral, recipient) -> Delivery:
    now = timezone.now()
    return Delivery.objects.create(
        recipient=recipient,
        channel=Channel.EMAIL,
        kind=Kind.URGENT,
        school=referral.school,
        referral=referral,
        referral_event=referral.events.first(),
        message_code="referral.created",
        params={"priority": Priority.URGENT},
        state=State.GAVE_UP,
        attempts=6,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
        next_attempt_at=now,
        created_at=now,
    )


def test_counsellor_sets_notifications_from_the_menu(phone_page, counsellor):
    page = phone_page
    browser_login(page, "counsellor")
    page.get_by_text("Menu").click()
    page.get_by_role("link", name="Notification settings").click()
    expect_heading = page.get_by_role("heading", name="Notification settings")
    expect_heading.wait_for()
    assert page.get_by_text("Urgent alerts always reach you").is_visible()
    page.get_by_role("group", name="High-priority referral").get_by_label(
        "All students of my school(s)"
    ).check()
    page.get_by_role("group", name="Referral overdue").get_by_label("No one").check()
    page.get_by_label("Send routine alerts as one email a day").check()
    screenshot(page, "alerts-settings-phone")
    page.get_by_role("button", name="Save settings").click()
    page.get_by_text("Notification settings saved.").wait_for()
    saved = NotificationSettings.objects.get(user=counsellor)
    assert saved.audiences == {"high": "all", "overdue": "none"} and saved.daily_digest
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_admin_sees_a_failed_delivery_and_the_referral_page_shows_it(
    phone_page, school_admin, counsellor, student_a
):
    referral = open_referral(student_a, Priority.ROUTINE)
    _given_up(referral, counsellor)
    page = phone_page
    browser_login(page, "school_admin")
    page.get_by_text("Menu").click()
    page.get_by_role("link", name="Alert delivery").click()
    page.get_by_role("heading", name="Alert delivery").wait_for()
    page.get_by_label("State").select_option("gave_up")
    page.get_by_role("button", name="Filter").click()
    page.get_by_text("Given up").first.wait_for()
    assert page.get_by_text("Connection refused").is_visible()
    screenshot(page, "alerts-deliveries-phone")
    page.get_by_role("link", name="Urgent referral").click()
    page.get_by_role("heading", name="Alert delivery").wait_for()
    assert page.get_by_text("Given up").is_visible()
    screenshot(page, "alerts-referral-detail-phone")
