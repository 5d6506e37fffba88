"""schemathesis against the API's own OpenAPI schema: every operation, as each persona in
turn, with a bounded, derandomized number of generated requests. No server error, and
every response conforms to the schema (status code, content type, body).

Each generated request is sent as each of the eight personas (tests/api/conftest.py).
The schema is generated in-process (drf-spectacular) and the requests go through the
Django WSGI application, so the run needs no server and fits in the normal suite."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from schoolwell.api.services import api_token_issue
from tests.api.conftest import PERSONAS

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 5
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _schema() -> dict:
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


schema = schemathesis.openapi.from_dict(_schema())
schema.app = get_wsgi_application()


@pytest.fixture
def wsgi_in_test_transaction(settings):
    """Requests through the WSGI handler share the test's transaction (as Django's test
    client does): the handler's signal that closes a connection in a transaction is
    held back for the test."""
    settings.ALLOWED_HOSTS = ["*"]
    settings.API_THROTTLE_RATE = "100000/min"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def callers(request, world) -> list[tuple[str, dict]]:
    """Each persona's headers (its own token), and no credentials at all."""
    headers = []
    for persona in PERSONAS:
        if persona is None:
            headers.append(("anonymous", {}))
            continue
        _token, key = api_token_issue(user=request.getfixturevalue(persona), name="schemathesis")
        headers.append((persona, {"Authorization": f"Token {key}"}))
    return headers


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, callers, wsgi_in_test_transaction):
    # Each generated request is sent as every persona in turn: one world per operation.
    for _persona, headers in callers:
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)
