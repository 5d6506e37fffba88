"""Who can access a record, in a real browser on a phone: every grant source is listed, and a
grant change is seen at the next page (the cached scope follows the grants version)."""

import pytest
from guardian.shortcuts import assign_perm
from playwright.sync_api import expect

from schoolwell.roster.services import class_set_teachers
from tests.conftest import browser_login, make_user, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_who_can_access_lists_direct_grants_and_follows_grant_changes(
    phone_page, teacher, counsellor, parent, student_a, class_a, school_a
):
    direct = make_user("direct", first_name="Dana", last_name="Direct")
    assign_perm("roster.counsel_school", direct, school_a)  # a grant made outside the groups
    page = phone_page
    browser_login(page, "teacher")
    page.goto(f"/roster/students/{student_a.pk}/")
    page.get_by_text("Who can open this record").click()
    counsellors = page.locator("dt", has_text="Counsellors").locator("xpath=../dd")
    expect(counsellors).to_be_visible()
    expect(counsellors).to_contain_text("Dana Direct")
    expect(counsellors).to_contain_text("Cora Counsellor")
    screenshot(page, "gate-who-can-access")
    class_set_teachers(klass=class_a, teachers=[])  # the teacher loses the class
    response = page.goto(f"/roster/students/{student_a.pk}/")
    assert response.status == 404
    screenshot(page, "gate-after-grant-removed")
