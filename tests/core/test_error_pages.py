"""404 and 403 pages keep the site's layout, say what happened in the reader's language, and
offer a way home (Django's bare English pages were shown before)."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_restored():
    """A Spanish request leaves Spanish active on the test thread; later tests expect English."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def test_another_familys_child_is_a_clear_404_in_spanish(client_for, parent, student_b):
    client = client_for(parent)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    response = client.get(reverse("consent:child", args=[student_b.pk]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "No encontrado" in html and 'href="/"' in html
    assert student_b.family_name not in html


def test_permission_denied_shows_its_reason(client_for, parent):
    response = client_for(parent).get(reverse("screening:index"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Screening is for school staff." in html
    assert "<h1>Not allowed</h1>" in html


def test_a_stale_form_gets_a_clear_csrf_page(parent, student_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(parent)
    response = client.post(reverse("consent:portal"), {})
    assert response.status_code == 403
    html = response.content.decode()
    assert "nothing was saved" in html and "<h1>Not saved</h1>" in html
