"""Two-step sign-in: who is asked, enrolment, codes, recovery codes, throttling."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from schoolwell.accounts.models import SecondFactorEvent
from tests.accounts.conftest import code_for, enrol, sign_in

pytestmark = pytest.mark.django_db

ENROL = reverse("accounts:two_factor_enrol")
VERIFY = reverse("accounts:two_factor_verify")


def wrong_code(device) -> str:
    right = code_for(device)
    return "000000" if right != "000000" else "111111"


@pytest.mark.parametrize("persona", ["counsellor", "school_admin", "district_admin"])
def test_required_role_without_a_device_is_sent_to_enrol(request, client, required, persona):
    response = sign_in(client, request.getfixturevalue(persona))
    assert response.status_code == 302
    assert response["Location"] == f"{ENROL}?next=/"


def test_teacher_and_parent_are_not_asked_when_not_enrolled(client, required, teacher, parent):
    assert sign_in(client, teacher).status_code == 200
    client.post(reverse("logout"))
    assert sign_in(client, parent).status_code == 200


def test_setting_off_asks_nobody(client, settings, counsellor, school_admin):
    settings.REQUIRE_2FA_FOR_STAFF = False
    assert sign_in(client, counsellor).status_code == 200
    client.post(reverse("logout"))
    assert sign_in(client, school_admin).status_code == 200


def test_enrolment_scan_confirm_and_recovery_codes_shown_once(client, required, counsellor):
    sign_in(client, counsellor)
    page = client.get(f"{ENROL}?next=/referrals/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html  # the QR code, CSP-clean (img-src data:)
    device = TOTPDevice.objects.get(user=counsellor, confirmed=False)
    secret = "".join(re.search(r'id="secret"[^>]*>(.*?)</p>', html).group(1).split())
    secret = re.sub(r"</?span>", "", secret)
    assert len(secret) == 32  # the typed-in alternative: the 20-byte key in base32

    response = client.post(ENROL, {"code": code_for(device), "next": "/referrals/"})
    assert response.status_code == 302
    codes_page = client.get(response["Location"])
    codes = re.findall(r"<code>([a-z2-7]{8})</code>", codes_page.content.decode())
    assert len(codes) == 10
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=counsellor).values_list("token", flat=True)
    )
    assert '<a class="button" href="/referrals/">' in codes_page.content.decode()
    # Shown once: the page does not show them again.
    assert client.get(reverse("accounts:two_factor_recovery_codes")).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("referrals:queue")).status_code == 200
    event = SecondFactorEvent.objects.get(user=counsellor)
    assert event.kind == SecondFactorEvent.Kind.ENROLLED and event.by == counsellor


def test_enrolment_refuses_a_wrong_code(client, required, counsellor):
    sign_in(client, counsellor)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=counsellor)
    response = client.post(ENROL, {"code": wrong_code(device)})
    assert response.status_code == 400
    assert "That code didn&#x27;t work" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(reverse("home")).status_code == 302
    assert not SecondFactorEvent.objects.exists()


def test_sign_in_with_a_code_from_the_app(client, required, counsellor):
    device = enrol(counsellor)
    client.post(reverse("login"), {"username": "counsellor", "password": "pw-for-tests-only"})
    response = client.get(reverse("referrals:queue"))
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=/referrals/"
    response = client.post(VERIFY, {"code": code_for(device), "next": "/referrals/"})
    assert response.status_code == 302 and response["Location"] == "/referrals/"
    assert client.get(reverse("referrals:queue")).status_code == 200


def test_wrong_code_is_refused(client, required, counsellor):
    device = enrol(counsellor)
    sign_in(client, counsellor)
    response = client.post(VERIFY, {"code": wrong_code(device), "next": "/"})
    assert response.status_code == 400
    assert "That code didn&#x27;t work" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_a_used_code_cannot_be_replayed(client, required, counsellor):
    device = enrol(counsellor)
    code = code_for(device)
    sign_in(client, counsellor)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.post(reverse("logout"))
    sign_in(client, counsellor)
    assert client.post(VERIFY, {"code": code}).status_code == 400


def test_recovery_code_works_once(client, required, counsellor):
    enrol(counsellor, codes=["abcd2345", "efgh6723"])
    sign_in(client, counsellor)
    assert client.post(VERIFY, {"code": "ABCD 2345"}).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["efgh6723"]
    event = SecondFactorEvent.objects.get()
    assert event.kind == SecondFactorEvent.Kind.RECOVERY_CODE_USED and event.user == counsellor
    client.post(reverse("logout"))
    sign_in(client, counsellor)
    assert client.post(VERIFY, {"code": "abcd2345"}).status_code == 400
    assert client.get(reverse("home")).status_code == 302


def test_failed_codes_are_throttled(client, required, counsellor):
    device = enrol(counsellor)
    sign_in(client, counsellor)
    client.post(VERIFY, {"code": wrong_code(device)})
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # After 5 failures the next try must wait 16 s: even the right code is refused meanwhile.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=5, throttling_failure_timestamp=timezone.now()
    )
    response = client.post(VERIFY, {"code": code_for(device)})
    assert response.status_code == 400
    assert "Too many wrong codes" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_enrolled_teacher_is_asked_even_when_not_required(client, settings, teacher):
    """Voluntary enrolment: a second factor that could be skipped would protect nothing."""
    settings.REQUIRE_2FA_FOR_STAFF = False
    device = enrol(teacher)
    response = sign_in(client, teacher)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_teacher_may_enrol_voluntarily(client_for, teacher):
    client = client_for(teacher)
    assert "Off: you sign in" in client.get(reverse("accounts:two_factor")).content.decode()
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=teacher)
    assert client.post(ENROL, {"code": code_for(device)}).status_code == 302
    html = client.get(reverse("accounts:two_factor")).content.decode()
    assert "On: you sign in" in html and "10 recovery codes left" in html


def test_a_password_alone_cannot_replace_the_factor(client, required, counsellor):
    enrol(counsellor)
    sign_in(client, counsellor)
    response = client.get(ENROL)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=counsellor).count() == 1


def test_verify_does_not_redirect_off_site(client, required, counsellor):
    device = enrol(counsellor)
    sign_in(client, counsellor)
    response = client.post(VERIFY, {"code": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_pages_are_in_spanish(client, required, counsellor):
    enrol(counsellor)
    sign_in(client, counsellor)
    client.post(reverse("set_language"), {"language": "es", "next": VERIFY})
    html = client.get(VERIFY).content.decode()
    assert "Inicio de sesión en dos pasos" in html


@pytest.mark.parametrize(
    "name",
    [
        "accounts:two_factor",
        "accounts:two_factor_verify",
        "accounts:two_factor_enrol",
        "accounts:two_factor_recovery_codes",
        "accounts:two_factor_staff",
    ],
)
def test_signed_out_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")


def test_session_endpoints_for_signed_out_visitors(client):
    assert client.get(reverse("accounts:session_status")).json() == {"remaining": 0}
    response = client.post(reverse("accounts:session_keep_alive"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_recovery_codes_page_without_new_codes_shows_none(client, counsellor):
    device = enrol(counsellor, codes=["abcd2345"])
    sign_in(client, counsellor)
    client.post(VERIFY, {"code": code_for(device)})
    response = client.get(reverse("accounts:two_factor_recovery_codes"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:two_factor")
