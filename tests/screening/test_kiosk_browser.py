"""A kiosk on a phone: a student picks their name, answers one question at a time, and
after a critical answer sees the school's calm message — never a score."""

import pytest

from schoolwell.screening.models import ScreeningResult
from tests.conftest import ARTIFACTS, browser_login
from tests.screening.conftest import decide_screening

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_student_takes_phq_a_on_a_kiosk(phone_page, teacher, class_a, student_a, phqa_window):
    decide_screening([student_a])
    page = phone_page
    browser_login(page, "teacher")
    page.goto(f"/screening/windows/{phqa_window.pk}/classes/{class_a.pk}/")
    page.get_by_role("button", name="Start kiosk").click()
    page.get_by_role("link", name=f"{student_a.given_name} {student_a.family_name[0]}.").click()
    page.screenshot(path=f"{ARTIFACTS}/kiosk-1-question.png")
    answers = ["Several days"] * 8 + ["Several days", "No", "Somewhat difficult", "No", "No"]
    for label in answers:
        page.get_by_role("button", name=label, exact=True).click()
    page.get_by_role("button", name="Finish").click()
    page.screenshot(path=f"{ARTIFACTS}/kiosk-2-critical-message.png")
    text = page.locator("main").inner_text()
    assert "A caring adult from our school will come and talk with you today" in text
    assert "score" not in text.lower()
    assert ScreeningResult.objects.get().critical
