"""Writes about sign-in: enrolling, verifying and resetting the second factor."""

from __future__ import annotations

import django_otp
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from schoolwell.accounts.client_ip import client_ip
from schoolwell.accounts.models import SecondFactorEvent
from schoolwell.accounts.second_factor import ENROLLED_SESSION_KEY, may_reset_second_factor

TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def _event(*, user, kind, by=None, request=None) -> SecondFactorEvent:
    return SecondFactorEvent.objects.create(
        user=user, kind=kind, by=by, ip_address=client_ip(request) if request else None
    )


def _mark_verified(request, device: Device) -> None:
    # A new session key once the second step is passed, so a key seen before it
    # (session fixation) is worth nothing afterwards.
    request.session.cycle_key()
    django_otp.login(request, device)
    request.session[ENROLLED_SESSION_KEY] = True


@transaction.atomic
def second_factor_enrol_start(*, user) -> TOTPDevice:
    """The unconfirmed authenticator-app device to scan; the same one until confirmed, so a
    reload of the page does not invalidate a code the user has already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


@transaction.atomic
def second_factor_enrol_confirm(*, request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the scanned device with a code from it; returns the new recovery codes.

    Replaces any earlier devices of the user, and marks this session verified.
    None when the code is wrong (or attempts are throttled).
    """
    user = request.user
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    StaticDevice.objects.filter(user=user).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
    _event(user=user, kind=SecondFactorEvent.Kind.ENROLLED, by=user, request=request)
    _mark_verified(request, device)
    return codes


def _normalise(token: str) -> str:
    return "".join(token.split()).lower()


def _devices_for(user, token: str):
    """An app code is 6 digits; anything else can only be a recovery code."""
    model = TOTPDevice if len(token) == 6 and token.isdigit() else StaticDevice
    return model.objects.filter(user=user, confirmed=True)


def second_factor_verify(*, request, token: str) -> Device | None:
    """The second sign-in step: a code from the app, or one of the recovery codes (used up).

    Each device throttles its own failures (django-otp doubles the wait after each one).
    """
    user = request.user
    token = _normalise(token)
    with transaction.atomic():
        devices = _devices_for(user, token).select_for_update()
        device = next((d for d in devices if d.verify_token(token)), None)
        if isinstance(device, StaticDevice):
            _event(user=user, kind=SecondFactorEvent.Kind.RECOVERY_CODE_USED, request=request)
    if device is not None:
        _mark_verified(request, device)
    return device


def second_factor_throttled(*, user, token: str) -> bool:
    """Was this kind of code refused because of the wait after earlier failures?"""
    devices = list(_devices_for(user, _normalise(token)))
    return bool(devices) and not any(d.verify_is_allowed()[0] for d in devices)


@transaction.atomic
def second_factor_reset(*, user, by, request=None) -> None:
    """An administrator removes someone's second factor (a lost phone); they enrol again at
    their next sign-in, and the signed-in sessions that used the old one lose their
    verification (OTPMiddleware no longer finds the device)."""
    if not may_reset_second_factor(by, user):
        raise PermissionDenied
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _event(user=user, kind=SecondFactorEvent.Kind.RESET, by=by, request=request)
