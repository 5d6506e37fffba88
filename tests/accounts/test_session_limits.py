"""Signed-in sessions end after inactivity (with a warning) and 8 hours after sign-in."""

import datetime as dt
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolwell.accounts.session_limits import ACTIVE_AT, SIGNED_IN_AT
from tests.accounts.conftest import sign_in

pytestmark = pytest.mark.django_db

STATUS = reverse("accounts:session_status")
KEEP_ALIVE = reverse("accounts:session_keep_alive")


def shift(client, **seconds_ago):
    """Move the session's stamps into the past, as if time had passed."""
    session = client.session
    for key, ago in seconds_ago.items():
        session[{"signed_in": SIGNED_IN_AT, "active": ACTIVE_AT}[key]] = int(time.time()) - ago
    session.save()


def test_sign_in_starts_both_clocks_and_fixes_the_end(client, teacher, settings):
    sign_in(client, teacher)
    session = client.session
    assert abs(session[SIGNED_IN_AT] - time.time()) < 5
    assert session[ACTIVE_AT] == session[SIGNED_IN_AT]
    end = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs((session.get_expiry_date() - end).total_seconds()) < 5


def test_idle_session_is_signed_out_and_sent_to_sign_in(client, teacher, settings):
    sign_in(client, teacher)
    shift(client, active=settings.SESSION_IDLE_TIMEOUT + 1)
    response = client.get(reverse("roster:student_list"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/roster/students/"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "signed out after a while without activity" in page


def test_activity_keeps_the_session(client, teacher, settings):
    sign_in(client, teacher)
    shift(client, active=settings.SESSION_IDLE_TIMEOUT - 60)
    assert client.get(reverse("home")).status_code == 200
    assert abs(client.session[ACTIVE_AT] - time.time()) < 5  # stamped again


def test_activity_is_written_at_most_once_per_resolution(client, teacher, settings):
    sign_in(client, teacher)
    shift(client, active=settings.SESSION_ACTIVITY_RESOLUTION - 20)
    stamp = client.session[ACTIVE_AT]
    client.get(reverse("home"))
    assert client.session[ACTIVE_AT] == stamp  # no session write for this page


def test_eight_hours_after_sign_in_ends_even_an_active_session(client, teacher, settings):
    sign_in(client, teacher)
    shift(client, signed_in=settings.SESSION_COOKIE_AGE + 1, active=10)
    assert client.get(reverse("home")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_status_reports_remaining_time_and_is_not_activity(client, teacher, settings):
    sign_in(client, teacher)
    shift(client, active=600)
    remaining = client.get(STATUS).json()["remaining"]
    assert (
        settings.SESSION_IDLE_TIMEOUT - 600 - 5 <= remaining <= settings.SESSION_IDLE_TIMEOUT - 600
    )
    assert client.get(STATUS).json()["remaining"] <= remaining  # asking did not reset the clock


def test_keep_alive_resets_the_idle_clock(client, teacher, settings):
    sign_in(client, teacher)
    shift(client, active=settings.SESSION_IDLE_TIMEOUT - 90)
    remaining = client.post(KEEP_ALIVE).json()["remaining"]
    assert remaining >= settings.SESSION_IDLE_TIMEOUT - 5


def test_keep_alive_cannot_revive_an_ended_session(client, teacher, settings):
    sign_in(client, teacher)
    shift(client, active=settings.SESSION_IDLE_TIMEOUT + 1)
    response = client.post(KEEP_ALIVE)
    assert response.status_code == 302  # to the sign-in page
    assert client.get(STATUS).json() == {"remaining": 0}


def test_signed_in_pages_carry_the_warning_and_anonymous_ones_do_not(client, teacher, settings):
    html = client.get(reverse("login")).content.decode()
    assert "session-warning" not in html
    sign_in(client, teacher)
    html = client.get(reverse("home")).content.decode()
    assert 'id="session-warning"' in html and "accounts/session.js" in html
    assert "Stay signed in" in html
    remaining = int(html.split('data-remaining="')[1].split('"')[0])
    assert settings.SESSION_IDLE_TIMEOUT - 5 <= remaining <= settings.SESSION_IDLE_TIMEOUT


def test_idle_timeout_zero_turns_the_idle_end_off(client, teacher, settings):
    settings.SESSION_IDLE_TIMEOUT = 0
    sign_in(client, teacher)
    shift(client, active=10 * 3600 // 2)
    assert client.get(reverse("home")).status_code == 200
