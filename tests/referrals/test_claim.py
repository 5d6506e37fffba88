"""Rule 5: claiming is exclusive; bad claims get a clear 4xx and change nothing."""

import pytest
from django.urls import reverse

from schoolwell.referrals.models import Referral, ReferralEvent, Status
from schoolwell.referrals.services import ReferralConflict, referral_claim

from .conftest import open_referral


def test_claim_assigns_and_records_an_event(student_a, counsellor):
    referral = open_referral(student_a)
    referral_claim(referral=referral, by=counsellor)
    referral.refresh_from_db()
    assert (referral.status, referral.assignee) == (Status.CLAIMED, counsellor)
    event = referral.events.get(kind=ReferralEvent.Kind.CLAIMED)
    assert event.actor == counsellor


def test_second_claim_loses_and_is_told_who_has_it(student_a, counsellor, colleague):
    referral = open_referral(student_a)
    referral_claim(referral=referral, by=counsellor)
    with pytest.raises(ReferralConflict, match="Cora Counsellor"):
        referral_claim(referral=referral, by=colleague)
    referral.refresh_from_db()
    assert referral.assignee == counsellor
    assert referral.events.filter(kind=ReferralEvent.Kind.CLAIMED).count() == 1


def test_claim_page_posts_and_redirects(client_for, student_a, counsellor):
    referral = open_referral(student_a)
    response = client_for(counsellor).post(reverse("referrals:claim", args=[referral.pk]))
    assert response.status_code == 302
    assert Referral.objects.get(pk=referral.pk).assignee == counsellor


def test_losing_claim_page_says_who_has_it_with_409(client_for, student_a, counsellor, colleague):
    referral = open_referral(student_a)
    referral_claim(referral=referral, by=counsellor)
    response = client_for(colleague).post(reverse("referrals:claim", args=[referral.pk]))
    assert response.status_code == 409
    assert "Already claimed by Cora Counsellor" in response.content.decode()


def test_claiming_a_closed_referral_is_409_and_changes_nothing(client_for, student_a, counsellor):
    referral = open_referral(student_a)
    Referral.objects.filter(pk=referral.pk).update(status=Status.CLOSED)
    response = client_for(counsellor).post(reverse("referrals:claim", args=[referral.pk]))
    assert response.status_code == 409
    assert "closed" in response.content.decode()
    referral.refresh_from_db()
    assert referral.assignee is None and referral.status == Status.CLOSED
    assert not referral.events.filter(kind=ReferralEvent.Kind.CLAIMED).exists()


def test_unknown_referral_is_404(client_for, counsellor):
    response = client_for(counsellor).post(reverse("referrals:claim", args=[999999]))
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["teacher", "parent", "outsider"])
def test_non_counsellors_cannot_claim_403(request, client_for, student_a, who):
    user = request.getfixturevalue(who)
    referral = open_referral(student_a)
    response = client_for(user).post(reverse("referrals:claim", args=[referral.pk]))
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.assignee is None and referral.status == Status.NEW


def test_other_school_counsellor_gets_404(client_for, student_a, other_counsellor):
    referral = open_referral(student_a)
    response = client_for(other_counsellor).post(reverse("referrals:claim", args=[referral.pk]))
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.assignee is None


def test_school_admin_sees_but_cannot_claim(client_for, student_a, school_admin):
    referral = open_referral(student_a)
    client = client_for(school_admin)
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 200
    response = client.post(reverse("referrals:claim", args=[referral.pk]))
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.assignee is None


def test_claim_needs_post(client_for, student_a, counsellor):
    referral = open_referral(student_a)
    response = client_for(counsellor).get(reverse("referrals:claim", args=[referral.pk]))
    assert response.status_code == 405
