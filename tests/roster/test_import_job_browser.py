"""A background roster import on a phone: progress while it runs, then the usual result,
swapped in by the page's own polling (a static script: CSP)."""

import pytest

from schoolwell.roster.models import ImportJob

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_progress_then_result_on_a_phone(phone_page, district_admin, district):
    from tests.conftest import browser_login, screenshot

    job = ImportJob.objects.create(
        requested_by=district_admin,
        district=district,
        state=ImportJob.State.RUNNING,
        stage=ImportJob.Stage.CHECKING,
        rows_done=45000,
        rows_total=180000,
    )
    page = phone_page
    browser_login(page, "district_admin")
    page.goto(f"/roster/import/jobs/{job.pk}/")
    progress = page.get_by_label("Progress")
    assert progress.get_attribute("value") == "25"
    assert "45000 of 180000 rows checked" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "roster-import-job-1-progress")

    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.DONE,
        stage="",
        counts={"students": {"created": 50000, "updated": 0, "deactivated": 0, "unchanged": 0}},
    )
    page.get_by_role("heading", name="Roster imported").wait_for(timeout=15000)
    assert "50000" in page.get_by_role("status").inner_text()
    screenshot(page, "roster-import-job-2-done")
