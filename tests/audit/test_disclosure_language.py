"""The disclosure record reads in the guardian's language: the stored labels are English."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from schoolwell.audit.models import AccessLog

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_restored():
    """A Spanish request leaves Spanish active on the test thread; later tests expect English."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def test_parent_reads_what_was_seen_in_spanish(client_for, counsellor, parent, student_a):
    client_for(counsellor).get(reverse("roster:student_detail", args=[student_a.pk]))
    AccessLog.objects.create(user=counsellor, student=student_a, what="screening results: phq-a")
    client = client_for(parent)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    html = client.get(reverse("audit:disclosures", args=[student_a.pk])).content.decode()
    assert "perfil del estudiante" in html
    assert "resultados de evaluación: phq-a" in html
    assert "student profile" not in html
    # The record itself is unchanged: it is stored as written.
    assert set(AccessLog.objects.values_list("what", flat=True)) == {
        "student profile",
        "screening results: phq-a",
    }
