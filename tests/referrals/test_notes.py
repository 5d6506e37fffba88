"""Counsellor notes: counsellors and administrators only; private notes only their author."""

import pytest
from django.urls import reverse

from schoolwell.referrals.selectors import referral_notes
from schoolwell.referrals.services import ReferralForbidden, referral_note_add

from .conftest import open_referral


@pytest.fixture
def referral_with_notes(student_a, counsellor):
    referral = open_referral(student_a)
    referral_note_add(referral=referral, by=counsellor, body="Shared note", private=False)
    referral_note_add(referral=referral, by=counsellor, body="Memory aid", private=True)
    return referral


def test_counsellor_author_sees_both(referral_with_notes, counsellor):
    seen = referral_notes(user=counsellor, referral=referral_with_notes)
    assert [n.body for n in seen.notes] == ["Shared note", "Memory aid"]
    assert seen.hidden_private == 0


@pytest.mark.parametrize("who", ["colleague", "school_admin", "district_admin"])
def test_other_staff_see_the_shared_note_and_only_a_count_of_private_ones(
    request, referral_with_notes, who
):
    seen = referral_notes(user=request.getfixturevalue(who), referral=referral_with_notes)
    assert [n.body for n in seen.notes] == ["Shared note"]
    assert seen.hidden_private == 1


@pytest.mark.parametrize("who", ["teacher", "parent", "other_counsellor", "outsider"])
def test_teachers_parents_and_others_see_no_notes(request, referral_with_notes, who):
    seen = referral_notes(user=request.getfixturevalue(who), referral=referral_with_notes)
    assert seen.notes == [] and seen.hidden_private == 0


def test_page_shows_count_but_not_content_of_a_colleagues_private_note(
    client_for, referral_with_notes, colleague
):
    page = client_for(colleague).get(reverse("referrals:detail", args=[referral_with_notes.pk]))
    body = page.content.decode()
    assert "Shared note" in body and "Memory aid" not in body
    assert "1 restricted note" in body


@pytest.mark.parametrize("who", ["teacher", "parent"])
def test_teachers_and_parents_cannot_open_the_referral_page(
    request, client_for, referral_with_notes, who
):
    page = client_for(request.getfixturevalue(who)).get(
        reverse("referrals:detail", args=[referral_with_notes.pk])
    )
    assert page.status_code == 403
    assert "Shared note" not in page.content.decode()


def test_teacher_cannot_add_a_note(student_a, teacher):
    referral = open_referral(student_a)
    with pytest.raises(ReferralForbidden):
        referral_note_add(referral=referral, by=teacher, body="x", private=False)


def test_private_note_writes_no_event(student_a, counsellor):
    referral = open_referral(student_a)
    referral_note_add(referral=referral, by=counsellor, body="aid", private=True)
    assert not referral.events.filter(kind="note_added").exists()


def test_empty_note_is_400(client_for, student_a, counsellor):
    referral = open_referral(student_a)
    response = client_for(counsellor).post(
        reverse("referrals:note", args=[referral.pk]), {"body": ""}
    )
    assert response.status_code == 400
    assert not referral.notes.exists()
