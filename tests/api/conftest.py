"""Personas for the API: each signs in with its own integration token.

The eight callers every endpoint is tried as: teacher and counsellor of school A, the
counsellor of school B (the wrong school), school A's administrator, the district
administrator, school A's parent, school B's parent (the wrong family), and nobody.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from schoolwell.api.services import api_token_issue

PERSONAS = [
    "teacher",
    "counsellor",
    "other_counsellor",
    "school_admin",
    "district_admin",
    "parent",
    "other_parent",
    None,
]


def token_client(user, *, schools=(), days=30) -> APIClient:
    client = APIClient()
    if user is not None:
        _token, key = api_token_issue(user=user, name="tests", schools=schools, days=days)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def api_as(request):
    """api_as("counsellor") → a client sending that persona's token (None: no token)."""

    def _client(persona: str | None, **kwargs) -> APIClient:
        user = request.getfixturevalue(persona) if persona else None
        return token_client(user, **kwargs)

    return _client


def error_of(response) -> dict:
    """The one error body: {"error": {"code", "message", "fields"}}."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    return body["error"]
