"""The teacher-rated grid on a phone: sticky names, keyboard entry, a draft saved as the
teacher goes that is still there after signing out and back in."""

import pytest

from schoolwell.screening.models import GridDraft, ScreeningResult
from tests.conftest import ARTIFACTS, browser_login, enroll, make_student
from tests.screening.conftest import decide_screening

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_grid_draft_survives_sign_out_then_submits(phone_page, teacher, class_a, srss_window):
    students = [make_student(class_a.school, f"G{i}", family_name=f"Grid{i}") for i in range(6)]
    for student in students:
        enroll(student, class_a)
    decide_screening(students)
    page = phone_page
    browser_login(page, "teacher")
    url = f"/screening/windows/{srss_window.pk}/classes/{class_a.pk}/grid/"
    page.goto(url)
    first = page.locator(f"#a-{students[0].pk}-steal")
    first.focus()
    for _ in range(12):  # keyboard only: choose "1", Tab to the next cell
        page.keyboard.press("1")
        page.keyboard.press("Tab")
    page.wait_for_selector("#draft-status:has-text('Draft saved')")
    page.locator(f"#a-{students[0].pk}-lonely").scroll_into_view_if_needed()
    page.screenshot(path=f"{ARTIFACTS}/grid-1-phone.png")
    assert GridDraft.objects.get().answers[str(students[0].pk)]["lonely"] == "1"
    page.get_by_role("button", name="Sign out").click()
    browser_login(page, "teacher")
    page.goto(url)
    assert page.locator(f"#a-{students[0].pk}-lonely").input_value() == "1"
    page.get_by_role("button", name="Submit ratings").click()
    page.wait_for_selector(".message.success")
    page.screenshot(path=f"{ARTIFACTS}/grid-2-submitted.png")
    assert ScreeningResult.objects.get().subscales["E7"]["score"] == 7
    assert not GridDraft.objects.exists()
