"""The demo's two-step sign-in: staff with devices to reset; the demo logins need none."""

import random

import pytest
from django.urls import reverse

from schoolwell.accounts.demo import seed_second_factor
from schoolwell.accounts.models import SecondFactorEvent, User
from schoolwell.accounts.second_factor import enrolled_staff, is_enrolled
from schoolwell.core import demo

pytestmark = pytest.mark.django_db


def test_demo_second_factor_is_seeded_once_and_logins_stay_password_only(client):
    district = demo.build_roster()
    seed_second_factor(district, random.Random(demo.SEED), None)
    events = SecondFactorEvent.objects.count()
    seed_second_factor(district, random.Random(demo.SEED), None)
    assert SecondFactorEvent.objects.count() == events  # idempotent

    assert is_enrolled(User.objects.get(username="counsellor.elem"))
    assert SecondFactorEvent.objects.filter(kind=SecondFactorEvent.Kind.RESET).exists()
    school_admin = User.objects.get(username="schooladmin")
    assert len(enrolled_staff(school_admin)) == 2  # the two secondary teachers
    for login in demo.DEMO_LOGINS:
        user = User.objects.get(username=login.username)
        assert not is_enrolled(user)
        client.post(reverse("login"), {"username": user.username, "password": demo.DEMO_PASSWORD})
        assert client.get(reverse("home")).status_code == 200, login.username
        client.post(reverse("logout"))
