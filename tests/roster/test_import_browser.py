"""Hostile roster files on a phone: the administrator sees a clear refusal, row by row."""

import pytest

from schoolwell.accounts.roles import Role
from schoolwell.roster.models import GuardianLink
from schoolwell.roster.services import school_staff_add
from tests.conftest import browser_login, make_user, screenshot
from tests.roster.conftest import template_rows
from tests.roster.test_import_limits import _add_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _upload(page, path) -> None:
    page.goto("/roster/import/")
    page.get_by_label("SchoolWell roster template (.xlsx or .csv)").check()
    page.get_by_label("Roster file", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Upload and import").click()


def test_hostile_templates_are_refused_clearly(
    phone_page, settings, school_a, school_b, school_admin, make_template
):
    admin_b = make_user("admin_b")
    school_staff_add(school=school_b, user=admin_b, role=Role.SCHOOL_ADMIN)
    page = phone_page
    browser_login(page, "school_admin")

    rows = template_rows()
    rows[0].update(guardian_email=admin_b.email, guardian_given_name="Taken")
    _upload(page, make_template(rows))
    errors = page.get_by_role("alert").filter(has_text="The file was not imported")
    errors.wait_for()
    assert "1 problem found" in errors.inner_text()
    assert "guardian_email" in errors.inner_text()
    assert "belongs to a staff account or to a guardian at another school" in errors.inner_text()
    assert not GuardianLink.objects.filter(guardian=admin_b).exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "roster-import-1-guardian-refused")

    settings.ROSTER_IMPORT_MAX_WORKBOOK_BYTES = 2 * 1024 * 1024
    bomb = make_template(template_rows())
    _add_member(bomb, "xl/media/padding.bin", 3 * 1024 * 1024)
    _upload(page, bomb)
    errors = page.get_by_role("alert").filter(has_text="The file was not imported")
    errors.wait_for()
    assert "larger than 2.0\xa0MB once uncompressed" in errors.inner_text()
    screenshot(page, "roster-import-2-bomb-refused")
