"""In a browser: an administrator issues a token on a phone and sees its key once; the
Swagger UI runs under the site's CSP from the app's own files and lists the endpoints."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_issues_and_revokes_a_token(phone_page, school_admin, counsellor):
    from schoolwell.api.models import ApiToken

    page = phone_page
    browser_login(page, "school_admin")
    page.goto("/api/tokens/")
    page.get_by_label("Name (what uses it)").fill("Student information system")
    page.get_by_label("Acts as").select_option(label="Cora Counsellor")
    page.get_by_label("School A").check()
    page.get_by_role("button", name="Issue token").click()
    key = page.get_by_label("Token", exact=True)
    expect(key).to_be_visible()
    assert len(key.input_value()) > 30
    screenshot(page, "api-token-issued")
    page.get_by_role("button", name="Revoke Student information system").click()
    expect(page.get_by_text("The token was revoked")).to_be_visible()
    expect(page.get_by_role("cell", name="Revoked")).to_be_visible()
    screenshot(page, "api-token-revoked")
    assert ApiToken.objects.get().revoked_at is not None


def test_the_docs_run_under_the_csp(phone_page, counsellor):
    page = phone_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/api/docs/")
    expect(page.get_by_text("SchoolWell API").first).to_be_visible(timeout=20_000)
    expect(page.get_by_text("/api/v1/referrals/{id}/claim/").first).to_be_visible()
    screenshot(page, "api-docs")
