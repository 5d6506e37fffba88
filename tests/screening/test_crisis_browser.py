"""Rule 4 on a phone, in a real browser (Chromium): a teacher ticks "possible self-harm" on
the morning check-in, saves, and reads the crisis steps first, with a button to call the
on-call counsellor; the tab's draft is gone once the server has the check-in."""

import pytest
from playwright.sync_api import expect

from schoolwell.referrals.demo import rules_install_defaults
from schoolwell.referrals.models import OnCall, Priority, Referral
from tests.conftest import ARTIFACTS, browser_login, enroll, make_student, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_teacher_sees_crisis_steps_after_a_self_harm_check_in(
    phone_page, teacher, class_a, counsellor, school_a, concern_tags
):
    rules_install_defaults(school=school_a)
    OnCall.objects.create(school=school_a, counsellor=counsellor, phone="+1 555 010 0142")
    students = [
        make_student(school_a, f"K{i}", given_name=name, family_name="Rivera")
        for i, name in enumerate(["Ana", "Ben", "Cam", "Dee"])
    ]
    for student in students:
        enroll(student, class_a)
    flagged = students[1]
    page = phone_page
    browser_login(page, "teacher")
    page.goto(f"/screening/classes/{class_a.pk}/checkin/")
    page.get_by_role("button", name="Mark the rest “3 Okay”").click()
    page.locator(f'label[for="w-{flagged.pk}-1"]').click()
    row = page.locator(f"#row-{flagged.pk}")
    row.get_by_text("Concerns and note").click()
    row.get_by_label("Possible self-harm or suicide risk (act now)").check()
    key = f"schoolwell-checkin:/screening/classes/{class_a.pk}/checkin/"
    assert page.evaluate(f"sessionStorage.getItem('{key}')") is not None  # a draft is kept
    page.get_by_role("button", name="Save check-in").click()

    card = page.locator("#crisis-card")
    expect(card).to_be_visible()
    call = card.get_by_role("link", name="Call Cora Counsellor (on call)")
    expect(call).to_be_visible()
    expect(call).to_have_attribute("href", "tel:+15550100142")
    expect(card.get_by_role("link", name="Call 988 Suicide & Crisis Lifeline")).to_be_visible()
    expect(card.locator(".crisis-quick li")).to_have_count(5)
    expect(card).to_contain_text("You flagged: Ben Rivera")
    expect(page.locator(".message.success")).to_have_text("Check-in saved (4 changed).")
    # What the teacher sees first, without scrolling: the steps and the call button.
    page.screenshot(path=f"{ARTIFACTS}/crisis-checkin-phone.png")
    screenshot(page, "crisis-checkin-full")
    box = call.bounding_box()
    assert box["y"] + box["height"] <= 844 and box["width"] >= 300  # on screen, easy to tap
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    assert page.evaluate("document.activeElement.id") == "crisis-card"
    assert page.evaluate(f"sessionStorage.getItem('{key}')") is None  # saved: draft gone
    assert Referral.objects.get(student=flagged).priority == Priority.URGENT
