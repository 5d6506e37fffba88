"""OpenAPI documentation of what DRF cannot see by itself: the token scheme, ids scoped
to the caller, and the error body on every operation."""

from __future__ import annotations

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "schoolwell.api.auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "An integration token issued by an administrator: `Token <key>`.",
        }


class ScopedIdFieldSchema(OpenApiSerializerFieldExtension):
    """An id within the caller's scope is an integer on the wire."""

    target_class = "schoolwell.api.views.common.ScopedIdField"

    def map_serializer_field(self, auto_schema, direction):
        return build_basic_type(OpenApiTypes.INT)


def _error(text: str) -> OpenApiResponse:
    from schoolwell.api.views.common import ErrorSerializer

    return OpenApiResponse(ErrorSerializer, description=text)


ERRORS = {
    "400": "Invalid input, body or query parameter: `fields` names each bad field.",
    "401": "No valid credentials (send `Authorization: Token <key>`).",
    "403": "Your role may not do this here.",
    "404": "No such object within your scope (whether it exists elsewhere is not said).",
    "429": "Too many requests for this token: wait for `Retry-After` seconds.",
}
WRITE_ERRORS = {
    "409": "The object's state does not allow this step now.",
    "415": "The body is not JSON (nor a form).",
}


class ApiAutoSchema(AutoSchema):
    """Every operation documents the one error body for each status it can answer."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = ERRORS | (WRITE_ERRORS if self.method != "GET" else {})
        for code, text in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(_error(text), code)
        return responses
