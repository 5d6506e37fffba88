"""The parent portal: own children only, decide, withdraw with confirmation, history,
in the guardian's language."""

import pytest
from django.conf import settings
from django.urls import reverse

from schoolwell.audit.models import AccessLog
from schoolwell.consent.gating import ConsentState, effective_consent
from schoolwell.consent.models import ConsentDecision, Decision, Purpose

from .conftest import make_live_form

pytestmark = pytest.mark.django_db
SCREENING = Purpose.UNIVERSAL_SCREENING


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def urls(student, form):
    return {
        "child": reverse("consent:child", args=[student.pk]),
        "form": reverse("consent:form", args=[student.pk, form.pk]),
        "decide": reverse("consent:decide", args=[student.pk, form.pk]),
        "revoke": reverse("consent:revoke", args=[student.pk, form.pk]),
    }


def test_portal_lists_own_children_and_waiting_requests(client_for, english, parent, live_form):
    response = client_for(parent).get(reverse("consent:portal"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "GivenA1 FamilyA1" in body
    assert "Read the form and decide" in body
    assert reverse("audit:disclosures", args=[parent.guardian_links.get().student_id]) in body


def test_portal_shows_no_one_elses_child(client_for, english, parent, student_b, live_form):
    body = client_for(parent).get(reverse("consent:portal")).content.decode()
    assert student_b.given_name + " " + student_b.family_name not in body


def test_grant_then_withdraw(client_for, english, parent, student_a, live_form):
    client = client_for(parent)
    u = urls(student_a, live_form)
    page = client.get(u["form"]).content.decode()
    assert "Para one" in page and "I give permission" in page
    response = client.post(u["decide"], {"decision": "granted"})
    assert response.status_code == 302
    assert effective_consent(student_a, SCREENING).state == ConsentState.GRANTED
    child = client.get(u["child"]).content.decode()
    assert "Permission given" in child and "Parent portal" in child

    confirm = client.get(u["revoke"])
    assert confirm.status_code == 200 and "Withdraw your permission?" in confirm.content.decode()
    assert effective_consent(student_a, SCREENING).allowed is True  # asking changes nothing
    client.post(u["revoke"])
    consent = effective_consent(student_a, SCREENING)
    assert (consent.allowed, consent.state) == (False, ConsentState.REVOKED)
    assert "Permission withdrawn" in client.get(u["child"]).content.decode()


def test_deny(client_for, english, parent, student_a, live_form):
    client_for(parent).post(urls(student_a, live_form)["decide"], {"decision": "denied"})
    assert effective_consent(student_a, SCREENING).state == ConsentState.DENIED


def test_bad_decision_is_a_clear_400(client_for, english, parent, student_a, live_form):
    response = client_for(parent).post(
        urls(student_a, live_form)["decide"], {"decision": "revoked"}
    )
    assert response.status_code == 400
    assert "Nothing was changed" in response.content.decode()
    assert not ConsentDecision.objects.exists()


def test_revoke_without_permission_is_refused(client_for, english, parent, student_a, live_form):
    response = client_for(parent).post(urls(student_a, live_form)["revoke"])
    assert response.status_code == 400
    assert not ConsentDecision.objects.exists()


def test_another_familys_child_on_every_url(client_for, parent, other_parent, student_a, student_b):
    """A guardian trying another family's student: 404 everywhere, nothing leaked or written."""
    form_b = make_live_form(student_b.school)
    make_live_form(student_a.school)
    client = client_for(parent)
    for name, url in urls(student_b, form_b).items():
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"decision": "granted"})
            assert response.status_code in (404, 405), (name, method, response.status_code)
            assert student_b.family_name not in response.content.decode()
    assert not ConsentDecision.objects.exists()
    assert not AccessLog.objects.exists()


def test_own_child_with_another_schools_form_is_404(client_for, parent, student_a, student_b):
    form_b = make_live_form(student_b.school)
    for name, url in urls(student_a, form_b).items():
        if name != "child":
            assert client_for(parent).get(url).status_code in (404, 405)


@pytest.mark.parametrize("persona", ["teacher", "counsellor", "outsider"])
def test_portal_is_for_guardians(client_for, request, persona, student_a, live_form):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("consent:portal")).status_code == 404
    for url in urls(student_a, live_form).values():
        assert client.get(url).status_code in (404, 405)
        # 405 where the page only reads: refused before any lookup, so nothing leaks.
        assert client.post(url, {"decision": "granted"}).status_code in (404, 405)
    assert not ConsentDecision.objects.exists()


def test_school_admin_is_sent_to_coverage(client_for, school_admin):
    response = client_for(school_admin).get(reverse("consent:portal"))
    assert response.status_code == 302 and response.url == reverse("consent:coverage")


def test_portal_in_spanish_for_a_spanish_speaking_guardian(client_for, parent, student_a):
    make_live_form(student_a.school)
    assert parent.preferred_language == "es"
    client = client_for(parent)
    body = client.get(reverse("consent:portal")).content.decode()
    assert '<html lang="es">' in body
    assert "Consentimiento para sus hijos" in body
    assert "Leer el formulario y decidir" in body
    assert "Formulario universal_screening v1" in body  # the form's own Spanish title
    form_page = client.get(urls(student_a, student_a.school.consent_forms.get())["form"])
    assert "Doy mi permiso" in form_page.content.decode()
    assert "Párrafo uno" in form_page.content.decode()


def test_language_selector_wins_over_preferred_language(client_for, english, parent, live_form):
    body = client_for(parent).get(reverse("consent:portal")).content.decode()
    assert "Consent for your children" in body and '<html lang="en">' in body


def test_earlier_version_stays_readable(client_for, english, parent, student_a, live_form):
    client = client_for(parent)
    client.post(urls(student_a, live_form)["decide"], {"decision": "granted"})
    make_live_form(student_a.school, version=2)
    page = client.get(urls(student_a, live_form)["form"]).content.decode()
    assert "earlier version" in page and "I give permission" not in page


def test_portal_queries_do_not_grow_with_children(
    client_for, english, parent, school_a, live_form, django_assert_max_num_queries
):
    from schoolwell.roster.models import Student
    from schoolwell.roster.services import guardian_link_set

    client = client_for(parent)
    client.get(reverse("consent:portal"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("consent:portal"))
    few_queries = len(few.captured_queries)  # now: the next request resets the query log
    for i in range(5):
        child = Student.objects.create(
            school=school_a, local_id=f"K{i}", given_name="Kid", family_name=str(i), grade=4
        )
        guardian_link_set(guardian=parent, student=child)
    client.get(reverse("consent:portal"))  # new grants: the scope is computed once again
    with django_assert_max_num_queries(few_queries):
        response = client.get(reverse("consent:portal"))
    assert response.content.decode().count("Read the form and decide") == 6


def test_history_names_who_and_how(client_for, english, parent, student_a, counsellor, live_form):
    from schoolwell.consent.models import Channel
    from schoolwell.consent.services import consent_grant

    consent_grant(
        student=student_a,
        guardian=parent,
        form=live_form,
        channel=Channel.PHONE,
        recorded_by=counsellor,
    )
    page = client_for(parent).get(urls(student_a, live_form)["child"]).content.decode()
    assert "Phone call" in page and "recorded by Cora Counsellor" in page
    assert str(Decision.GRANTED.label) in page
