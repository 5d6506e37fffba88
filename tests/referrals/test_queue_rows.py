"""A queue row says why in words (the leading reason, "+N more") and can be claimed in
place; the page stays at a constant number of queries with many reasons."""

import pytest
from django.urls import reverse

from schoolwell.referrals.models import ReasonCode, ReferralReason, Status

from .conftest import NOW, open_referral
from .test_queue import bulk_referrals

URL = reverse("referrals:queue")


def add_reasons(referrals, per: int = 3):
    ReferralReason.objects.bulk_create(
        ReferralReason(
            referral=r,
            source="rule",
            trigger_key=f"k{n}",
            code=ReasonCode.CRITICAL if n == per - 1 else ReasonCode.CHECKIN_LOW,
            params=(
                {"instrument": "phq-a", "items": [["self-harm-thoughts", "q9", 2]]}
                if n == per - 1
                else {"count": 3 + n, "threshold": "2", "days": 10}
            ),
            summary="x",
            priority=r.priority if n == per - 1 else 3,
            created_at=NOW,
        )
        for r in referrals
        for n in range(per)
    )


def test_row_shows_the_leading_reason_and_how_many_more(client_for, school_a, counsellor):
    add_reasons(bulk_referrals(school_a, 2))
    page = client_for(counsellor).get(URL).content.decode()
    assert page.count("PHQ-A item 9: More than half the days") == 2
    assert page.count("+2 more") == 2
    assert "3 low check-ins" not in page  # only the leading reason is spelled out


def test_queue_queries_are_constant_with_reasons(
    client_for, school_a, counsellor, django_assert_max_num_queries
):
    client = client_for(counsellor)
    add_reasons(bulk_referrals(school_a, 5))
    with django_assert_max_num_queries(20) as few:
        assert client.get(URL).status_code == 200
    add_reasons(bulk_referrals(school_a, 300, grade=8), per=6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL, {"page": "2"})
    assert len(response.context["page"].object_list) == 50


def test_claim_button_for_counsellors_only(client_for, student_a, counsellor, school_admin):
    referral = open_referral(student_a)
    claim_url = reverse("referrals:claim", args=[referral.pk])
    assert claim_url in client_for(counsellor).get(URL).content.decode()
    assert claim_url not in client_for(school_admin).get(URL).content.decode()


def test_claim_in_place_answers_the_script(client_for, student_a, counsellor, colleague):
    referral = open_referral(student_a)
    claim_url = reverse("referrals:claim", args=[referral.pk])
    response = client_for(counsellor).post(claim_url, HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 200
    assert response.json()["assignee"] == "Cora Counsellor"
    referral.refresh_from_db()
    assert (referral.assignee, referral.status) == (counsellor, Status.CLAIMED)
    # The loser of a race is told who has it, with a 409, and nothing changes.
    lost = client_for(colleague).post(claim_url, HTTP_X_REQUESTED_WITH="fetch")
    assert lost.status_code == 409
    assert "Cora Counsellor" in lost.json()["message"]


def test_claim_without_script_returns_to_the_queue_page(client_for, student_a, counsellor):
    referral = open_referral(student_a)
    claim_url = reverse("referrals:claim", args=[referral.pk])
    back = f"{URL}?priority=3#r-{referral.pk}"
    response = client_for(counsellor).post(claim_url, {"next": back})
    assert (response.status_code, response["Location"]) == (302, back)


def test_claim_never_redirects_off_site(client_for, student_a, counsellor):
    referral = open_referral(student_a)
    response = client_for(counsellor).post(
        reverse("referrals:claim", args=[referral.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("referrals:detail", args=[referral.pk])


@pytest.mark.parametrize("who", ["teacher", "parent", "other_counsellor", "school_admin"])
def test_wrong_people_cannot_claim_in_place(request, client_for, student_a, who):
    referral = open_referral(student_a)
    response = client_for(request.getfixturevalue(who)).post(
        reverse("referrals:claim", args=[referral.pk]), HTTP_X_REQUESTED_WITH="fetch"
    )
    assert response.status_code in (403, 404)
    referral.refresh_from_db()
    assert referral.assignee is None
