"""A teacher does a whole-class check-in on a phone, in a real browser (Chromium)."""

import time

import pytest

from schoolwell.screening.models import CheckIn
from tests.conftest import ARTIFACTS, browser_login, enroll, make_student, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLASS_SIZE = 25


def test_whole_class_check_in_on_a_phone(phone_page, teacher, class_a, concern_tags):
    students = [make_student(class_a.school, f"P{i:02d}", family_name=f"Pupil{i:02d}")
                for i in range(CLASS_SIZE)]  # fmt: skip
    for student in students:
        enroll(student, class_a)
    page = phone_page
    browser_login(page, "teacher")
    started = time.monotonic()
    page.goto(f"/screening/classes/{class_a.pk}/checkin/")
    assert page.get_by_role("heading", name="Check-in · Advisory 7-A").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    screenshot(page, "checkin-1-empty")
    for index, student in enumerate(students):
        if index == 3:
            page.locator(f'label[for="w-{student.pk}-absent"]').click()
            continue
        value = [4, 3, 4, 5, 2, 4, 3][index % 7]
        page.locator(f'label[for="w-{student.pk}-{value}"]').click()
        if value == 2:
            row = page.locator(f"#row-{student.pk}")
            row.get_by_text("Concerns and note").click()
            row.get_by_label("Very tired or low energy").check()
            row.get_by_label("Short note (optional)").fill("Tired, skipped breakfast")
    screenshot(page, "checkin-2-filled")
    # What the teacher sees on the phone mid-way: a row with a concern and a note.
    page.locator(f"#row-{students[3].pk}").scroll_into_view_if_needed()
    page.screenshot(path=f"{ARTIFACTS}/checkin-2-phone-view.png")
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_selector(".message.success")
    elapsed = time.monotonic() - started
    page.screenshot(path=f"{ARTIFACTS}/checkin-3-saved.png")
    print(f"\nwhole-class check-in of {CLASS_SIZE} students: {elapsed:.1f} s scripted")
    assert CheckIn.objects.filter(teacher=teacher).count() == CLASS_SIZE
    assert CheckIn.objects.filter(absent=True).count() == 1
    tired = CheckIn.objects.filter(wellbeing=2)
    assert tired.count() == 3 and all(c.tags == ["tired"] for c in tired)
    # The saved state is shown again, so a correction starts from what was entered.
    assert page.locator(f"#w-{students[0].pk}-4").is_checked()
    assert elapsed < 60


def test_entries_survive_an_expired_session(phone_page, teacher, class_a, concern_tags):
    """DESIGN: entries lost when a session times out. The tab keeps a draft until saved."""
    students = [make_student(class_a.school, f"E{i}", family_name=f"Exp{i}") for i in range(3)]
    for student in students:
        enroll(student, class_a)
    page = phone_page
    browser_login(page, "teacher")
    page.goto(f"/screening/classes/{class_a.pk}/checkin/")
    for student, value in zip(students, [2, 4, 5], strict=True):
        page.locator(f'label[for="w-{student.pk}-{value}"]').click()
    # The session expires while the teacher is busy (the CSRF cookie stays, as it would).
    kept = [c for c in page.context.cookies() if c["name"] != "sessionid"]
    page.context.clear_cookies()
    page.context.add_cookies(kept)
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url("**/accounts/login/**")
    assert not CheckIn.objects.exists()
    page.get_by_label("Username").fill("teacher")
    page.get_by_label("Password").fill("pw-for-tests-only")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/screening/classes/{class_a.pk}/checkin/**")
    assert page.locator("#draft-restored").is_visible()
    assert page.locator(f"#w-{students[0].pk}-2").is_checked()
    assert page.locator(f"#w-{students[2].pk}-5").is_checked()
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_selector(".message.success")
    assert sorted(CheckIn.objects.values_list("wellbeing", flat=True)) == [2, 4, 5]
    page.reload()  # saved: the draft is gone, the page shows the stored values
    assert not page.locator("#draft-restored").is_visible()
