"""One rate limit per token, and per signed-in user for session requests."""

from __future__ import annotations

import pytest

from tests.api.conftest import error_of, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rate(settings):
    settings.API_THROTTLE_RATE = "3/min"


def test_each_token_has_its_own_limit(low_rate, counsellor, student_a):
    first, second = token_client(counsellor), token_client(counsellor)
    for _ in range(3):
        assert first.get("/api/v1/students/").status_code == 200
    response = first.get("/api/v1/students/")
    assert response.status_code == 429
    assert error_of(response)["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    assert second.get("/api/v1/students/").status_code == 200  # another token, its own budget


def test_a_session_is_limited_per_user(low_rate, client_for, counsellor, student_a):
    client = client_for(counsellor)
    for _ in range(3):
        assert client.get("/api/v1/students/").status_code == 200
    assert client.get("/api/v1/students/").status_code == 429
