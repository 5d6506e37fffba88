import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "pw-for-tests-only"


def enrol(user, codes=("recovery1", "recovery2")) -> TOTPDevice:
    """A confirmed authenticator app and recovery codes, as enrolment leaves them."""
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
    return device


def code_for(device: TOTPDevice) -> str:
    """What the phone would show now, computed from the device's key."""
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def sign_in(client, user):
    """The password step through the real form; returns the response to the home page."""
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "password refused"
    return client.get(reverse("home"))


@pytest.fixture
def required(settings):
    settings.REQUIRE_2FA_FOR_STAFF = True
