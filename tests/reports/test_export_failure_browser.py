"""A failed export on a phone: its reason, in the reader's language, next to its status."""

import datetime as dt

import pytest
from django.utils import timezone

from schoolwell.reports.models import Export
from tests.conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_failed_export_says_why_in_spanish(phone_page, teacher):
    teacher.preferred_language = "es"
    teacher.save()
    Export.objects.create(
        requested_by=teacher,
        kind="roster",
        status=Export.Status.FAILED,
        error=Export.Failure.DATABASE,
        expires_at=timezone.now() + dt.timedelta(hours=24),
    )
    page = phone_page
    browser_login(page, "teacher")
    page.goto("/reports/exports/")
    status = page.locator("#my-exports [data-role=status]").first
    status.wait_for()
    assert status.inner_text() == (
        "Fallida · No se pudo leer la base de datos mientras se generaba la exportación. "
        "Solicítela de nuevo."
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "hostile-export-failed-es")
