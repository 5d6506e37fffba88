"""Publishing a new consent version shows how many decisions it voids and needs an explicit
confirmation (a class once went from 11 consents to 0 without a word)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from schoolwell.consent.gating import ConsentState, effective_consent_map
from schoolwell.consent.models import Decision, Purpose
from schoolwell.consent.selectors import consent_publish_impact
from schoolwell.consent.services import consent_form_publish
from schoolwell.roster.services import guardian_link_set
from tests.conftest import make_student, make_user

from .conftest import decide, make_form


@pytest.fixture
def decided(school_a, term):
    """Version 1 in force: three students granted, one denied, one with no answer; and an
    unpublished version 2 with the same text."""
    v1 = make_form(school_a)
    students = [make_student(school_a, f"P{n}") for n in range(5)]
    for n, (student, decision) in enumerate(
        zip(students, [Decision.GRANTED] * 3 + [Decision.DENIED], strict=False)
    ):
        guardian = make_user(f"guardian{n}")
        guardian_link_set(guardian=guardian, student=student)
        decide(student, guardian, v1, decision)
    v2 = make_form(school_a, version=2, published_at=None)
    return {"v1": v1, "v2": v2, "students": students}


def test_impact_counts_the_consents_in_effect(decided):
    impact = consent_publish_impact(decided["v2"])
    assert (impact.current, impact.voided, impact.refusals) == (decided["v1"], 3, 1)
    assert impact.needs_confirmation


def test_a_form_for_another_year_or_purpose_voids_nothing(decided, school_a):
    next_year = make_form(school_a, version=3, school_year=2028, published_at=None)
    assert consent_publish_impact(next_year).voided == 0
    counselling = make_form(school_a, Purpose.COUNSELLING, published_at=None)
    assert consent_publish_impact(counselling).current is None


def test_the_service_refuses_without_the_confirmed_number(decided, school_admin):
    with pytest.raises(ValidationError, match="voids 3 consents"):
        consent_form_publish(form=decided["v2"], by=school_admin, notify=False)
    with pytest.raises(ValidationError):
        consent_form_publish(form=decided["v2"], by=school_admin, notify=False, confirmed_voids=2)
    decided["v2"].refresh_from_db()
    assert not decided["v2"].is_published
    consent_form_publish(form=decided["v2"], by=school_admin, notify=False, confirmed_voids=3)
    states = effective_consent_map(decided["students"], Purpose.UNIVERSAL_SCREENING)
    assert {c.state for c in states.values()} == {ConsentState.NO_ANSWER}


def test_publish_page_shows_the_count_and_needs_the_tick(client_for, school_admin, decided):
    client = client_for(school_admin)
    url = reverse("consent:form_publish", args=[decided["v2"].pk])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "3 consents in effect on version 1 will no longer count." in html
    assert "1 refusal or withdrawal will no longer count either." in html
    # No tick: nothing published.
    assert client.post(url, {"voids": "3"}).status_code == 400
    decided["v2"].refresh_from_db()
    assert not decided["v2"].is_published
    # A stale figure (a decision came in after the page was shown): shown again, 400.
    response = client.post(url, {"voids": "2", "confirm": "on"})
    assert response.status_code == 400 and "voids 3 consents" in response.content.decode()
    decided["v2"].refresh_from_db()
    assert not decided["v2"].is_published
    assert client.post(url, {"voids": "3", "confirm": "on"}).status_code == 302
    decided["v2"].refresh_from_db()
    assert decided["v2"].is_published


def test_publish_page_in_spanish(client_for, school_admin, decided):
    client = client_for(school_admin)
    client.cookies["django_language"] = "es"
    html = client.get(reverse("consent:form_publish", args=[decided["v2"].pk])).content.decode()
    assert "3 consentimientos vigentes de la versión 1 dejarán de contar." in html


def test_edit_page_links_to_the_confirmation(client_for, school_admin, decided):
    html = (
        client_for(school_admin)
        .get(reverse("consent:form_edit", args=[decided["v2"].pk]))
        .content.decode()
    )
    assert reverse("consent:form_publish", args=[decided["v2"].pk]) in html


@pytest.mark.parametrize("who", ["teacher", "counsellor", "parent"])
def test_only_the_schools_administrators_publish(request, client_for, decided, who):
    status = 404  # the form is outside their scope
    client = client_for(request.getfixturevalue(who))
    url = reverse("consent:form_publish", args=[decided["v2"].pk])
    assert client.get(url).status_code == status
    assert client.post(url, {"voids": "3", "confirm": "on"}).status_code == status
    decided["v2"].refresh_from_db()
    assert not decided["v2"].is_published


def test_another_schools_administrator_gets_404(client_for, decided, school_b):
    other_admin = make_user("other_admin")
    from schoolwell.accounts.roles import Role
    from schoolwell.roster.services import school_staff_add

    school_staff_add(school=school_b, user=other_admin, role=Role.SCHOOL_ADMIN)
    url = reverse("consent:form_publish", args=[decided["v2"].pk])
    assert client_for(other_admin).get(url).status_code == 404
