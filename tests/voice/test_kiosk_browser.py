"""A grade-4 student on a 768×1024 tablet kiosk in Spanish checks in, picks a feeling and
asks to talk today; the adult she chose sees it on her home page. Timed, screenshotted."""

import re
import time

import pytest

from schoolwell.consent.models import Decision
from schoolwell.roster.services import class_set_teachers
from schoolwell.voice.models import StudentCheckIn, WantsToTalk
from tests.conftest import (
    ARTIFACTS,
    CHROMIUM_ARGS,  # noqa: F401  (the session browser is launched with these)
    enroll,
    make_student,
    make_user,
    screenshot,
)
from tests.consent.conftest import decide

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLET = {"width": 768, "height": 1024}
ENGLISH = re.compile(
    r"\b(the|and|with|your|you|this|how|feel|talk|today|thank|done|try|now|tap|send)\b",
    re.IGNORECASE,
)


@pytest.fixture
def tablet(_browser, live_server):
    context = _browser.new_context(viewport=TABLET, base_url=live_server.url, locale="es-ES")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert not [e for e in errors if "Content Security Policy" in e], errors


def _login(page, username: str) -> None:
    """Signing in on a Spanish device (the shared helper reads the English labels)."""
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill("pw-for-tests-only")
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url("**/")


def _spanish_only(page) -> None:
    text = page.locator("main").inner_text()
    assert not ENGLISH.search(text), text


def test_a_grade_4_student_checks_in_and_asks_to_talk_today(
    tablet, _browser, live_server, school_a, class_a, parent, checkin_form
):
    maestra = make_user("maestra", first_name="Marta", last_name="Ruiz", preferred_language="es")
    class_set_teachers(klass=class_a, teachers=[maestra])
    lucia = make_student(
        school_a, "L4", grade=4, given_name="Lucía", family_name="Gómez", preferred_language="es"
    )
    enroll(lucia, class_a)
    from schoolwell.roster.services import guardian_link_set

    guardian_link_set(guardian=parent, student=lucia)
    decide(lucia, parent, checkin_form, Decision.GRANTED)

    page = tablet
    _login(page, "maestra")
    page.goto(f"/voice/class/{class_a.pk}/")
    page.get_by_role("button", name="Abrir un quiosco de la clase en este dispositivo").click()
    page.wait_for_url("**/voice/k/")
    assert page.get_by_role("heading", name="¡Hola! Toca tu nombre para hacer tu registro.")
    screenshot(page, "voice-1-kiosk-names-es")
    _spanish_only(page)

    started = time.monotonic()
    page.get_by_role("link", name="Lucía G.").click()
    page.get_by_role("heading", name="¡Hola, Lucía! ¿Cómo estás hoy?").wait_for()
    _spanish_only(page)
    screenshot(page, "voice-2-checkin-es")
    page.locator("label", has_text="Triste").click()
    page.locator("label", has_text="Poca").click()
    page.locator("label", has_text="Los amigos").click()
    page.locator("label", has_text="Sí, hoy").click()
    page.locator("label", has_text="Marta Ruiz").click()
    screenshot(page, "voice-3-checkin-filled-es")
    page.get_by_role("button", name="Enviar mi registro").click()
    page.get_by_role("heading", name="Gracias por hacer tu registro").wait_for()
    seconds = time.monotonic() - started
    assert seconds < 60
    assert page.get_by_text("Le avisamos a Marta Ruiz. Un adulto hablará contigo hoy.").is_visible()
    _spanish_only(page)
    screenshot(page, "voice-4-done-es")
    page.get_by_role("link", name="Pruébalo ahora").click()
    assert page.locator("ol.steps li").count() >= 3
    _spanish_only(page)
    screenshot(page, "voice-5-skill-es")
    page.get_by_role("link", name="Ya terminé").click()
    page.wait_for_url("**/voice/k/")
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]

    saved = StudentCheckIn.objects.get(student=lucia)
    assert saved.feeling == "sad" and saved.wants_to_talk == WantsToTalk.TODAY
    assert saved.trusted_adult == maestra and saved.channel == "kiosk"

    # The adult she chose, on her own device, sees it on her home page.
    context = _browser.new_context(viewport=TABLET, base_url=live_server.url)
    other = context.new_page()  # a Spanish-speaking teacher: her own language
    _login(other, "maestra")
    panel = other.get_by_role("region", name="Estudiantes que quieren hablar hoy")
    assert panel.get_by_role("link", name="Lucía Gómez").is_visible()
    screenshot(other, "voice-6-teacher-home-es")
    context.close()
    with open(f"{ARTIFACTS}/voice-journey-seconds.txt", "w") as fh:
        fh.write(f"{seconds:.2f}\n")


def test_the_teacher_reads_todays_class_on_a_phone(
    phone_page, teacher, class_a, consented, student_a2
):
    from django.utils import timezone

    from tests.conftest import browser_login
    from tests.voice.conftest import record

    record(
        consented,
        feeling="worried",
        wants_to_talk=WantsToTalk.TODAY,
        trusted_adult_id=teacher.pk,
        now=timezone.now(),
    )
    page = phone_page
    browser_login(page, "teacher")
    page.goto(f"/voice/class/{class_a.pk}/")
    row = page.get_by_role("row", name=re.compile(consented.display_name))
    assert "Worried" in row.inner_text() and "Yes, today" in row.inner_text()
    assert page.get_by_text("1 of 1 checked in").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "voice-7-class-today-phone")
