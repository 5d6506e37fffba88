"""The shell in a real browser on a phone: sign in, navigate by role, switch language."""

import pytest

from tests.conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_teacher_signs_in_and_uses_the_menu_on_a_phone(phone_page, teacher, student_a):
    page = phone_page
    browser_login(page, "teacher")
    assert page.get_by_role("heading", name="My classes").is_visible()
    screenshot(page, "shell-home-teacher")
    page.get_by_text("Menu").click()
    page.get_by_role("link", name="Students").click()
    assert page.get_by_role("link", name=f"{student_a.family_name}").first.is_visible()
    # Keyboard: the skip link is the first stop and jumps to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"


def test_parent_sees_own_language_and_can_switch(phone_page, parent):
    page = phone_page
    browser_login(page, "parent")  # preferred language: Spanish
    assert page.get_by_role("heading", name="Mis hijos").is_visible()
    assert page.locator("html").get_attribute("lang") == "es"
    screenshot(page, "shell-home-parent-es")
    page.get_by_label("Idioma").select_option("en")
    page.get_by_role("button", name="Cambiar").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="My children").is_visible()


def test_no_horizontal_scroll_on_phone(phone_page, counsellor):
    page = phone_page
    browser_login(page, "counsellor")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
