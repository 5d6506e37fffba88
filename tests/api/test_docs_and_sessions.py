"""The schema and the docs page (served from the app: no CDN, no inline script), the
session path for the app's own scripts (CSRF), and the second sign-in step."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db


def test_the_schema_is_openapi_3_and_documents_every_operation(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len(operations) >= 34
    for operation in operations:
        assert {"400", "401", "403", "404", "429"} <= set(operation["responses"])
    error = schema["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["$ref"].endswith("/ErrorDetail")
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_the_docs_page_loads_only_the_apps_own_files(client, settings):
    from django.contrib.staticfiles import finders

    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "<script>" not in html and "<style>" not in html and "style=" not in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources
    for source in sources:
        if source.startswith(settings.STATIC_URL):
            assert finders.find(source.removeprefix(settings.STATIC_URL)), source


def test_a_session_write_needs_the_csrf_token(teacher, class_a, student_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)
    body = {"entries": [{"student": student_a.pk, "wellbeing": 4}]}
    url = f"/api/v1/classes/{class_a.pk}/checkins/"
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 403
    client.get("/")
    response = client.post(
        url,
        body,
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert response.status_code == 201


def test_a_token_needs_no_csrf_token(teacher, class_a, student_a):
    client = token_client(teacher)
    client.enforce_csrf_checks = True
    body = {"entries": [{"student": student_a.pk, "wellbeing": 4}]}
    response = client.post(f"/api/v1/classes/{class_a.pk}/checkins/", body, format="json")
    assert response.status_code == 201


def test_a_session_short_of_its_second_step_gets_no_data(settings, client, counsellor, student_a):
    settings.REQUIRE_2FA_FOR_STAFF = True
    client.force_login(counsellor)  # password only: the second step is still due
    response = client.get("/api/v1/students/")
    assert (
        response.status_code == 302
        and "two-factor" in response["Location"]
        or (response.status_code in {302, 401, 403})
    )
    assert b"A1" not in response.content


def test_a_token_is_not_a_session_and_works_with_second_factors_required(
    settings, counsellor, student_a
):
    # The token was issued by an administrator whose session passed the second step.
    settings.REQUIRE_2FA_FOR_STAFF = True
    response = token_client(counsellor).get("/api/v1/students/")
    assert response.status_code == 200


def test_the_token_page_reads_in_spanish(client_for, school_admin):
    school_admin.preferred_language = "es"
    school_admin.save()
    client = client_for(school_admin)
    client.cookies["django_language"] = "es"
    html = client.get("/api/tokens/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Emitir un token" in html and "Tokens de la API" in html
