"""Sessions are read from the cache and written through to the database."""

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.accounts.conftest import sign_in

pytestmark = pytest.mark.django_db

STATUS = reverse("accounts:session_status")


def session_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(STATUS).status_code == 200
    return [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]


def test_a_signed_in_request_reads_no_session_row(client, teacher):
    sign_in(client, teacher)
    assert session_queries(client) == []


def test_an_emptied_cache_falls_back_to_the_database(client, teacher):
    sign_in(client, teacher)
    caches["default"].clear()
    assert len(session_queries(client)) == 1  # read once, then cached again
    assert session_queries(client) == []


def test_sign_out_ends_the_session_in_both(client, teacher):
    sign_in(client, teacher)
    key = client.session.session_key
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    client.cookies["sessionid"] = key  # an old copy of the cookie is worth nothing
    response = client.get(reverse("roster:student_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
