"""A Spanish-speaking parent on a phone opens what the school holds about their child,
downloads a copy and asks for a correction; an administrator decides it on a desktop; the
parent sees the outcome. Screenshots in $SCHOOLWELL_ARTIFACTS (lifecycle-*.png)."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from schoolwell.audit.models import AccessLog
from schoolwell.lifecycle.models import RecordRequest, RequestStatus
from tests.conftest import browser_login, screenshot
from tests.lifecycle.conftest import PRIVATE, RESTRICTED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_parent_reads_downloads_asks_and_sees_the_decision(
    phone_page, _browser, live_server, record, parent, student_a, school_admin
):
    page = phone_page
    browser_login(page, "parent")  # prefers Spanish
    records = page.get_by_role("region", name="Los registros de sus hijos")
    records.get_by_role("link", name=f"Lo que la escuela tiene sobre {student_a}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Lo que la escuela tiene sobre {student_a}"
    )
    expect(page.get_by_role("heading", name="Resultados de evaluación")).to_be_visible()
    expect(page.get_by_text("Depresión leve").first).to_be_visible()
    expect(page.get_by_role("heading", name="Lo que existe pero no se muestra aquí, y por qué"))
    body = page.locator("main").inner_text()
    assert PRIVATE not in body and RESTRICTED not in body
    assert fits(page)
    screenshot(page, "lifecycle-1-held-es")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Descargar una copia (Excel)").click()
    download = download_info.value
    assert download.suggested_filename == f"record-{student_a.pk}.xlsx"
    with open(download.path(), "rb") as copy:  # a temporary name without the extension
        workbook = load_workbook(copy)
    assert "Resultados de evaluación" in workbook.sheetnames
    assert AccessLog.objects.filter(user=parent, what="family record copy").count() == 1

    page.get_by_role("link", name="Pedir una corrección").click()
    page.get_by_label("Qué parte del registro").select_option("checkins")
    page.get_by_label("¿Qué está mal y qué debería decir?").fill(
        "El 3 de mayo mi hijo estaba enfermo en casa."
    )
    assert fits(page)
    screenshot(page, "lifecycle-2-correction-es")
    page.get_by_role("button", name="Enviar la solicitud").click()
    expect(page.get_by_role("status")).to_contain_text("Gracias. La escuela responderá")
    expect(page.get_by_text("Esperando a la escuela")).to_be_visible()
    made = RecordRequest.objects.get()

    # The administrator, on a desktop, in English.
    context = _browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live_server.url
    )
    admin = context.new_page()
    browser_login(admin, "school_admin")
    admin.goto("/family/requests/")
    admin.get_by_role("link", name=student_a.display_name).click()
    expect(admin.get_by_text("El 3 de mayo mi hijo estaba enfermo en casa.")).to_be_visible()
    admin.get_by_label("Accept: correct the record").check()
    admin.get_by_label("Reason, shown to the family").fill(
        "Confirmado por la oficina de asistencia: se corrige a «ausente»."
    )
    screenshot(admin, "lifecycle-3-decide-en")
    admin.get_by_role("button", name="Record decision").click()
    expect(admin.get_by_role("status")).to_contain_text("Decision recorded")
    context.close()
    made.refresh_from_db()
    assert made.status == RequestStatus.ACCEPTED

    page.reload()
    outcome = page.locator(".request-outcome").first
    expect(outcome).to_contain_text("Aceptada: el registro se corregirá")
    expect(outcome).to_contain_text("Confirmado por la oficina de asistencia")
    assert fits(page)
    screenshot(page, "lifecycle-4-outcome-es")
