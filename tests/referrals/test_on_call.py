"""The on-call roster page: a school's administrators set who is on call and the number
staff tap in a crisis (rule 4); nobody else can, and only the school's counsellors."""

import pytest
from django.urls import reverse

from schoolwell.referrals.crisis import on_call_contacts
from schoolwell.referrals.models import OnCall
from schoolwell.referrals.services import OnCallEntry, ReferralError, on_call_set


def url(school):
    return reverse("referrals:on_call", args=[school.pk])


def rows(counsellors_on_call: list[tuple[bool, str]]) -> dict:
    data = {"form-TOTAL_FORMS": len(counsellors_on_call), "form-INITIAL_FORMS": 0}
    for index, (on, phone) in enumerate(counsellors_on_call):
        if on:
            data[f"form-{index}-on_call"] = "on"
        data[f"form-{index}-phone"] = phone
    return data


@pytest.mark.parametrize("persona", ["teacher", "counsellor", "parent", "other_counsellor"])
def test_only_administrators_see_the_roster(request, client_for, school_a, persona, counsellor):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(url(school_a)).status_code == 404
    assert client.post(url(school_a), rows([(True, "988")])).status_code == 404
    assert not OnCall.objects.exists()


def test_administrator_puts_a_counsellor_on_call_with_a_phone(
    client_for, school_admin, school_a, counsellor, colleague
):
    client = client_for(school_admin)
    html = client.get(url(school_a)).content.decode()
    assert "Cora Counsellor" in html and "Col League" in html
    # Rows in the page's order, by family name: Cora Counsellor, then Col League.
    response = client.post(url(school_a), rows([(True, "+1 555 010 0142"), (False, "")]))
    assert response.status_code == 302
    row = OnCall.objects.get()
    assert (row.counsellor, row.active, row.phone) == (counsellor, True, "+1 555 010 0142")
    assert [(c.name, c.phone) for c in on_call_contacts(school_a.pk)] == [
        ("Cora Counsellor", "+1 555 010 0142")
    ]
    client.post(url(school_a), rows([(False, "+1 555 010 0142"), (False, "")]))
    assert on_call_contacts(school_a.pk) == []


def test_bad_phone_is_refused(client_for, school_admin, school_a, counsellor):
    response = client_for(school_admin).post(url(school_a), rows([(True, "ring me")]))
    assert response.status_code == 400
    assert "3 to 15 digits" in response.content.decode()
    assert not OnCall.objects.exists()


def test_rows_that_no_longer_match_the_counsellors_are_not_saved(
    client_for, school_admin, school_a, counsellor
):
    response = client_for(school_admin).post(url(school_a), rows([(True, "988"), (True, "911")]))
    assert response.status_code == 409
    assert not OnCall.objects.exists()


def test_only_the_schools_counsellors_can_be_on_call(school_a, other_counsellor):
    with pytest.raises(ReferralError):
        on_call_set(school=school_a, entries=[OnCallEntry(other_counsellor, True, "988")])
    assert not OnCall.objects.exists()
