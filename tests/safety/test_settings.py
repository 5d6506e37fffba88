"""The pathway's per-school settings: its administrators set them; nobody else can."""

import pytest
from django.urls import reverse

from schoolwell.safety.models import GuardianPolicy, SafetySettings

VALUES = {
    "guardian_policy": GuardianPolicy.UNLESS_ENDANGERS,
    "follow_up_school_days": 3,
    "on_call_contact": "Ms. Rivera, 555-0100",
}


def url(school):
    return reverse("safety:settings_edit", args=[school.pk])


@pytest.mark.parametrize("who", ["school_admin", "district_admin"])
def test_administrators_set_their_schools_policy(request, client_for, school_a, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("safety:settings")).status_code == 200
    assert client.post(url(school_a), VALUES).status_code == 302
    saved = SafetySettings.objects.get(school=school_a)
    assert (saved.guardian_policy, saved.follow_up_school_days, saved.on_call_contact) == (
        GuardianPolicy.UNLESS_ENDANGERS,
        3,
        "Ms. Rivera, 555-0100",
    )


def test_out_of_range_school_days_are_refused(client_for, school_a, school_admin):
    response = client_for(school_admin).post(url(school_a), VALUES | {"follow_up_school_days": 0})
    assert response.status_code == 400
    assert not SafetySettings.objects.exists()


@pytest.mark.parametrize("who", ["counsellor", "teacher", "parent", "other_counsellor"])
def test_others_cannot_change_them(request, client_for, school_a, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("safety:settings")).status_code == 403
    assert client.post(url(school_a), VALUES).status_code == 404
    assert not SafetySettings.objects.exists()


def test_another_schools_administrator_gets_404(client_for, school_b, school_admin):
    assert client_for(school_admin).post(url(school_b), VALUES).status_code == 404
