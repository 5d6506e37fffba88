"""What every API view shares: who may call it at all (asked of the gate), and the
documented error responses."""

from __future__ import annotations

import django_filters
from django import forms
from rest_framework import permissions, serializers

from schoolwell.accounts import gate


def allowed(action: str) -> type[permissions.BasePermission]:
    """Permission class: the user may do `action` somewhere (the object decides the rest)."""

    class Allowed(permissions.BasePermission):
        def has_permission(self, request, view):
            return bool(request.user and request.user.is_authenticated) and gate.may(
                request.user, action
            )

    Allowed.__name__ = f"Allowed[{action}]"
    return Allowed


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A stable code: invalid, not_found, permission_denied…")
    message = serializers.CharField(help_text="For a person, in the request's language.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Each invalid field with its messages (empty unless code is invalid).",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


# Path ids: digits within a 64-bit id, so a huge or non-numeric id is a 404, never an
# overflow in the database driver.
ID_REGEX = r"[0-9]{1,18}"


class IntFilter(django_filters.NumberFilter):
    """A whole-number filter within bounds (an id by default): `1e3`, `1.5`, `-1` or a
    20-digit number is a 400 naming the parameter, never an overflow in the database."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        from schoolwell.core.input import MAX_ID

        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class ScopedIdField(serializers.PrimaryKeyRelatedField):
    """An id that must name an object of the given scoped queryset: anything else (another
    school's, another district's, a missing or absurd id) is the same 'does not exist'."""

    def __init__(self, scoped, **kwargs):
        self.scoped = scoped
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.scoped(self.context["request"].user)

    def to_internal_value(self, data):
        from schoolwell.core.input import MAX_ID

        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if isinstance(data, str) and (not data.isdigit() or len(data) > 19):
            self.fail("does_not_exist", pk_value=data[:20])
        if not 0 < int(data) <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)
