"""The parent portal in a real browser on a phone: sign in, grant, then withdraw."""

import pytest

from schoolwell.consent.gating import ConsentState, effective_consent
from schoolwell.consent.models import Purpose
from schoolwell.consent.services import consent_default_forms_create
from tests.conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENING = Purpose.UNIVERSAL_SCREENING


def state(student):
    return effective_consent(student, SCREENING).state


def test_parent_grants_then_withdraws_on_a_phone(phone_page, parent, student_a, school_admin):
    consent_default_forms_create(school=student_a.school, by=school_admin, publish=True)
    page = phone_page
    browser_login(page, "parent")  # prefers Spanish

    # Home: the waiting request is listed.
    home_panel = page.get_by_role("region", name="Solicitudes de consentimiento")
    home_panel.get_by_role("link", name="Permiso para la evaluación de bienestar").click()

    # The full form, in Spanish, with one clear action.
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Permiso para la evaluación de bienestar"
    )
    assert page.get_by_role("heading", name="Sus opciones y derechos").is_visible()
    assert page.get_by_text("Esperando una respuesta").is_visible()
    screenshot(page, "consent-1-form-es")
    assert state(student_a) == ConsentState.NO_ANSWER

    page.get_by_role("button", name="Doy mi permiso", exact=True).click()
    page.wait_for_url(f"**/consent/children/{student_a.pk}/")
    assert page.get_by_role("status").inner_text().startswith("Gracias. Usted dio su permiso")
    assert page.locator(".consent-request").first.get_by_text("Permiso concedido").is_visible()
    latest = page.locator(".consent-history li").first
    assert "Concedido" in latest.inner_text() and "Portal para familias" in latest.inner_text()
    assert state(student_a) == ConsentState.GRANTED
    screenshot(page, "consent-2-granted-es")

    # Withdraw: a confirmation step first; asking changes nothing.
    page.get_by_role("link", name="Retirar mi permiso").first.click()
    assert page.get_by_role("heading", name="¿Retirar su permiso?").is_visible()
    assert state(student_a) == ConsentState.GRANTED
    screenshot(page, "consent-3-confirm-withdraw-es")
    page.get_by_role("button", name="Retirar mi permiso").click()
    page.wait_for_url(f"**/consent/children/{student_a.pk}/")
    assert page.get_by_role("status").inner_text().startswith("Usted retiró su permiso")
    assert page.locator(".consent-request").first.get_by_text("Permiso retirado").is_visible()
    assert page.locator(".consent-history li").first.inner_text().startswith("Retirado")
    assert page.locator(".consent-history li").count() == 2
    assert state(student_a) == ConsentState.REVOKED
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "consent-4-withdrawn-es")


def test_portal_in_english_after_switching(phone_page, parent, student_a, school_admin):
    consent_default_forms_create(school=student_a.school, by=school_admin, publish=True)
    page = phone_page
    browser_login(page, "parent")
    page.get_by_label("Idioma").select_option("en")
    page.get_by_role("button", name="Cambiar").click()
    page.wait_for_load_state()
    page.goto("/consent/")
    assert page.get_by_role("heading", name="Consent for your children").is_visible()
    # Screening, counselling and the student's own daily check-in (the default forms ask
    # for each; sharing with a provider is asked when a referral out needs it).
    assert page.get_by_text("3 requests are waiting for your answer.").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "consent-5-portal-en")
