"""The provider's link: no account, single purpose, expiring; it shows only what the
agreement allows, and a second use after completion is refused (410)."""

import datetime as dt

import pytest
from django.utils import timezone

from schoolwell.community import services
from schoolwell.community.models import DataCategory

from .conftest import consent_for, make_agreement

pytestmark = pytest.mark.django_db


def url(token):
    return f"/community/p/{token}/"


def test_the_link_opens_without_an_account_and_shows_only_the_agreement(
    client, claimed, clinic, counsellor, parent
):
    make_agreement(clinic, categories=[DataCategory.IDENTITY])
    consent_for(claimed, clinic, counsellor)
    _loop, token = services.provider_refer_out(referral=claimed, provider=clinic, by=counsellor)
    response = client.get(url(token))
    assert response.status_code == 200
    body = response.content.decode()
    student = claimed.student
    assert student.display_name in body  # identity: in the agreement
    assert "reason test" not in body  # the referral's reason: not in it
    assert parent.email not in body  # guardian contact: not in it
    assert counsellor.email not in body  # school contact: not in it
    assert student.school.name not in body
    assert "no-store" in response["Cache-Control"]


def test_reason_and_contacts_appear_when_the_agreement_covers_them(
    client, claimed, clinic, counsellor, parent
):
    make_agreement(clinic, categories=[c.value for c in DataCategory])
    consent_for(claimed, clinic, counsellor)
    _loop, token = services.provider_refer_out(referral=claimed, provider=clinic, by=counsellor)
    body = client.get(url(token)).content.decode()
    assert parent.email in body and counsellor.email in body


def test_acknowledge_appointment_and_outcome_then_the_link_is_gone(client, loop):
    provider_loop, token = loop
    assert client.post(url(token), {"acknowledge": "on"}).status_code == 302
    day = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    assert client.post(url(token), {"first_appointment_on": day}).status_code == 302
    provider_loop.refresh_from_db()
    assert provider_loop.state == "acknowledged"
    assert str(provider_loop.first_appointment_on) == day
    response = client.post(url(token), {"outcome": "engaged", "note": "Weekly sessions"})
    assert response.status_code == 200
    provider_loop.refresh_from_db()
    assert provider_loop.state == "closed" and provider_loop.outcome == "engaged"
    # A second use after completion: 410, for reading and for writing.
    assert client.get(url(token)).status_code == 410
    assert client.post(url(token), {"outcome": "declined"}).status_code == 410
    provider_loop.refresh_from_db()
    assert provider_loop.outcome == "engaged"


def test_an_expired_link_is_gone(client, loop):
    provider_loop, token = loop
    type(provider_loop).objects.filter(pk=provider_loop.pk).update(
        link_expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert client.get(url(token)).status_code == 410


def test_a_new_link_replaces_the_old_one(client_for, client, loop, counsellor):
    provider_loop, old = loop
    response = client_for(counsellor).post(f"/community/loops/{provider_loop.pk}/link/")
    assert response.status_code == 200
    client.logout()
    assert client.get(url(old)).status_code == 404


@pytest.mark.parametrize("token", ["nope", "x" * 500, "%00"])
def test_unknown_tokens_are_404(client, db, token):
    assert client.get(url(token)).status_code == 404


def test_outcome_before_acknowledgement_and_bad_dates_are_400(client, loop):
    _provider_loop, token = loop
    assert client.post(url(token), {"outcome": "engaged"}).status_code == 400
    assert client.post(url(token), {"first_appointment_on": "31/31/2026"}).status_code == 400
    assert client.post(url(token), {"outcome": "made-up", "acknowledge": "on"}).status_code == 400


def test_the_referral_page_shows_the_loops_state(client_for, loop, counsellor):
    provider_loop, token = loop
    page = client_for(counsellor).get(f"/referrals/{provider_loop.referral_id}/")
    assert "Sent, awaiting acknowledgement" in page.content.decode()
    services.loop_report(token=token, acknowledge=True, outcome="engaged")
    page = client_for(counsellor).get(f"/referrals/{provider_loop.referral_id}/")
    assert "Loop closed" in page.content.decode()
