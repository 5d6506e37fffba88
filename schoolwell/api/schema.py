"""OpenAPI documentation of what DRF cannot see by itself: the token scheme, and the
error body on every operation (responses declared per view in views.common)."""

from __future__ import annotations

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes


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
