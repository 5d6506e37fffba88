"""One JSON error body for every API failure: {"error": {"code", "message", "fields"}}.

The services raise their own errors (a referral conflict, a screening input error, a
Django ValidationError...); they are mapped here once, so an endpoint never catches them
one by one and a client always reads the same shape. `fields` names each bad field."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

from schoolwell.consent.models import PublishedFormError
from schoolwell.core.input import InputRejected
from schoolwell.referrals.services import ReferralError
from schoolwell.screening.instruments import UnknownInstrumentError
from schoolwell.screening.scoring import AnswerError
from schoolwell.screening.services import ScreeningInputError
from schoolwell.sel.services import SelError


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class Gone(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_code = "gone"


def _django_validation(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(
            {field: [str(m) for m in errors] for field, errors in exc.message_dict.items()}
        )
    return exceptions.ValidationError([str(m) for m in exc.messages])


def _service_error(exc: Exception) -> exceptions.APIException | None:
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, ReferralError):
        message = str(exc)
        if exc.status_code == 403:
            return exceptions.PermissionDenied(message)
        if exc.status_code == 409:
            return Conflict(message)
        return exceptions.ValidationError([message])
    if isinstance(exc, ScreeningInputError):
        fields = {str(k or "non_field_errors"): [str(v)] for k, v in (exc.errors or {}).items()}
        return exceptions.ValidationError(fields or [exc.message])
    if isinstance(exc, DjangoValidationError):
        return _django_validation(exc)
    if isinstance(
        exc,
        InputRejected | SelError | AnswerError | UnknownInstrumentError | PublishedFormError,
    ):
        return exceptions.ValidationError([str(exc)])
    return None


def _fields(detail) -> dict:
    if isinstance(detail, dict):
        return {
            str(k): [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in detail.items()
        }
    return {}


def _first_code(codes) -> str:
    while isinstance(codes, dict | list) and codes:
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return str(codes) if isinstance(codes, str) else "error"


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def api_exception_handler(exc, context):
    exc = _service_error(exc) or exc
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        fields = _fields(detail)
        if isinstance(detail, list):
            message = " ".join(str(m) for m in detail) or _("The request is not valid.")
        else:
            message = " ".join(fields.pop("non_field_errors", [])) or _(
                "Some fields are not valid: see each field's message."
            )
        code = "invalid" if fields else _first_code(exc.get_codes())
        response.data = error_body(code, message, fields)
    else:
        detail = getattr(exc, "detail", "")
        code = _first_code(exc.get_codes()) if isinstance(exc, exceptions.APIException) else ""
        response.data = error_body(code or "error", str(detail))
    return response
