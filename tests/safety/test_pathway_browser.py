"""A counsellor goes from an urgent referral to claim, risk assessment, safety plan and the
printed plan, in a real browser, on a desktop and on a phone."""

import re

import pytest

from schoolwell.referrals.models import Priority
from schoolwell.referrals.services import concern_raise
from schoolwell.safety.models import FollowUp, RiskAssessment, SafetyPlanRevision
from tests.conftest import CHROMIUM_ARGS, PHONE, browser_login  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}


def shot(page, name: str) -> None:
    page.screenshot(path=f"/tmp/caseload-{name}.png", full_page=True)


@pytest.fixture
def page_for(_browser, live_server):
    contexts = []

    def _open(viewport):
        context = _browser.new_context(viewport=viewport, base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.csp_errors = errors
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_urgent_referral_to_printed_safety_plan(
    page_for, student_a, teacher, counsellor, size, viewport
):
    student_a.preferred_language = "es"
    student_a.save()
    concern_raise(
        student=student_a,
        by=teacher,
        concern_code="self_harm_concern",
        note="Said nobody would notice if they were gone.",
        priority=Priority.URGENT,
    )
    page = page_for(viewport)
    browser_login(page, "counsellor")
    today = page.get_by_role("heading", name="Needs action today")
    today.wait_for()
    assert page.get_by_text("Urgent referral").first.is_visible()
    shot(page, f"{size}-1-home")

    page.goto("/referrals/")
    row = page.locator("table.queue tbody tr").first
    assert "Concern raised by Tess Teacher: Possible self-harm" in row.inner_text()
    shot(page, f"{size}-2-queue")
    row.get_by_role("button", name="Claim").click()
    # Claimed in place: the row now names the counsellor, without leaving the queue.
    row.locator('[data-cell="assignee"]').get_by_text("Cora Counsellor").wait_for()
    assert page.url.endswith("/referrals/")
    shot(page, f"{size}-3-claimed")

    row.get_by_role("link").first.click()
    pathway = page.get_by_role("heading", name="Suicide-risk pathway")
    pathway.wait_for()
    shot(page, f"{size}-4-referral")
    page.get_by_role("link", name="Start the risk assessment").click()
    page.get_by_role("heading", name="Risk assessment: GivenA1 FamilyA1").wait_for()
    for label in (
        "Active thoughts of ending their life",
        "Vague or partial plan",
        "No intent to act",
        "Some access",
        "None known",
        "Moderate",
    ):
        page.get_by_label(label, exact=True).check()
    page.get_by_label("Which means, and what is being done about them").fill("Medication at home.")
    page.get_by_label("Protective factors").fill("Sister; band.")
    page.get_by_label("Why this level").fill("Thoughts without intent; strong supports.")
    shot(page, f"{size}-5-assessment")
    page.get_by_role("button", name="Save the risk assessment").click()

    page.get_by_role("heading", name="Safety plan: GivenA1 FamilyA1").wait_for()
    page.get_by_label("Warning signs").fill("When I stay in my room and stop texting.")
    page.get_by_label("Things I can do on my own to take my mind off it").fill("Walk with music.")
    page.get_by_label("People and places that help take my mind off things").fill("Band.")
    page.get_by_label("People I can ask for help").fill("My sister Ana.")
    assert (
        "988"
        in page.get_by_label("Professionals and services I can contact in a crisis").input_value()
    )
    page.get_by_label("Making my surroundings safer").fill("Medication locked away.")
    shot(page, f"{size}-6-plan")
    page.get_by_role("button", name="Save the safety plan").click()

    page.get_by_text("Safety plan saved (version 1).").wait_for()
    shot(page, f"{size}-7-referral-after")
    page.get_by_role("link", name="Print", exact=True).click()
    page.get_by_role("heading", name="Mi plan de seguridad").wait_for()
    assert page.get_by_text("When I stay in my room and stop texting.").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    shot(page, f"{size}-8-print-screen")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    shot(page, f"{size}-9-print-media")
    if size == "desktop":
        pdf = page.pdf(path="/tmp/caseload-plan.pdf")
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1  # the plan fits one page
    assert RiskAssessment.objects.count() == 1
    assert SafetyPlanRevision.objects.count() == 1
    assert FollowUp.objects.count() == 1
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors
