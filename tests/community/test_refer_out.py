"""Referring out names a provider: it needs an active agreement and consent that covers
that provider (or its kind), recorded on the referral; the disclosure names the provider."""

import pytest

from schoolwell.audit.models import AccessLog, AppendOnlyError
from schoolwell.community.models import ConsentScope, ProviderReferral
from schoolwell.referrals.models import Status
from schoolwell.referrals.services import ReferralConflict, referral_close, referral_refer_out

from .conftest import consent_for, make_agreement, make_provider

pytestmark = pytest.mark.django_db


def refer(referral, provider, by):
    return referral_refer_out(referral=referral, by=by, provider=provider)


def test_refused_without_an_agreement(claimed, clinic, counsellor):
    consent_for(claimed, clinic, counsellor)
    with pytest.raises(ReferralConflict, match="no active data-sharing agreement with Clinic"):
        refer(claimed, clinic, counsellor)
    claimed.refresh_from_db()
    assert claimed.status == Status.CLAIMED
    assert not ProviderReferral.objects.exists()
    assert not AccessLog.objects.filter(action=AccessLog.Action.DISCLOSE).exists()


@pytest.mark.parametrize("days", [(-100, -1), (5, 100)], ids=["expired", "not_started"])
def test_refused_outside_the_agreements_dates(claimed, clinic, counsellor, days):
    make_agreement(clinic, days=days)
    consent_for(claimed, clinic, counsellor)
    with pytest.raises(ReferralConflict, match="agreement"):
        refer(claimed, clinic, counsellor)


def test_another_providers_agreement_does_not_count(claimed, clinic, district, counsellor):
    other = make_provider(district, "other")
    make_agreement(other)
    consent_for(claimed, clinic, counsellor)
    with pytest.raises(ReferralConflict, match="agreement"):
        refer(claimed, clinic, counsellor)


def test_purpose_consent_alone_is_not_enough(claimed, clinic, counsellor):
    make_agreement(clinic)
    with pytest.raises(ReferralConflict, match="not consented to sharing with Clinic"):
        refer(claimed, clinic, counsellor)


def test_consent_for_one_provider_does_not_cover_another(claimed, clinic, district, counsellor):
    other = make_provider(district, "other")  # the same kind, but consent named the clinic
    make_agreement(other)
    consent_for(claimed, clinic, counsellor)
    with pytest.raises(ReferralConflict, match="not consented"):
        refer(claimed, other, counsellor)


def test_consent_for_a_kind_covers_providers_of_that_kind_only(
    claimed, clinic, district, counsellor
):
    same_kind = make_provider(district, "sister", category="clinic")
    other_kind = make_provider(district, "crisis", category="crisis")
    make_agreement(same_kind)
    make_agreement(other_kind)
    consent_for(claimed, clinic, counsellor, scope=ConsentScope.CATEGORY)
    with pytest.raises(ReferralConflict, match="not consented"):
        refer(claimed, other_kind, counsellor)
    refer(claimed, same_kind, counsellor)
    assert claimed.provider_loops.get().provider == same_kind


def test_a_later_refusal_wins(claimed, clinic, counsellor):
    make_agreement(clinic)
    consent_for(claimed, clinic, counsellor)
    consent_for(claimed, clinic, counsellor, granted=False)
    with pytest.raises(ReferralConflict, match="not consented"):
        refer(claimed, clinic, counsellor)


def test_consent_is_per_referral_and_append_only(claimed, clinic, counsellor):
    consent = consent_for(claimed, clinic, counsellor)
    assert consent.referral == claimed and consent.student == claimed.student
    consent.granted = False
    with pytest.raises(AppendOnlyError):
        consent.save()


def test_refer_out_opens_the_loop_and_names_the_provider_in_the_disclosure_record(loop):
    provider_loop, token = loop
    assert provider_loop.state == "sent" and provider_loop.link_issued_at
    logs = AccessLog.objects.filter(
        student=provider_loop.referral.student, action=AccessLog.Action.DISCLOSE
    )
    details = list(logs.values_list("detail", flat=True))
    assert "referred to Clinic Center" in details
    assert any(d.startswith("link for Clinic Center") for d in details)
    # Only the hash of the link is stored.
    assert token not in str(ProviderReferral.objects.values_list().get())


def test_referred_external_refused_without_a_loop(claimed, counsellor):
    with pytest.raises(ReferralConflict, match="needs a referral out"):
        referral_close(referral=claimed, by=counsellor, outcome="referred_external", note="x")
    referral_close(referral=claimed, by=counsellor, outcome="monitoring", note="x")


def test_referred_external_accepted_after_the_loop(loop, counsellor):
    provider_loop, _token = loop
    referral_close(
        referral=provider_loop.referral, by=counsellor, outcome="referred_external", note="ok"
    )


def test_refer_out_page_refuses_with_a_clear_reason(client_for, claimed, clinic, counsellor):
    response = client_for(counsellor).post(
        f"/community/refer-out/{claimed.pk}/",
        {"provider": clinic.pk, "scope": "provider", "guardian_name": "Pat", "channel": "phone"},
    )
    assert response.status_code == 409
    assert "no active data-sharing agreement" in response.content.decode()


def test_refer_out_page_shows_the_link_once(client_for, claimed, clinic, counsellor):
    make_agreement(clinic)
    response = client_for(counsellor).post(
        f"/community/refer-out/{claimed.pk}/",
        {"provider": clinic.pk, "scope": "provider", "guardian_name": "Pat", "channel": "phone"},
    )
    assert response.status_code == 200
    assert "/community/p/" in response.content.decode()


@pytest.mark.parametrize("persona", ["teacher", "parent", "other_counsellor", "school_admin"])
def test_only_the_schools_counsellors_refer_out(request, client_for, claimed, persona):
    response = client_for(request.getfixturevalue(persona)).get(
        f"/community/refer-out/{claimed.pk}/"
    )
    assert response.status_code in (403, 404)


def test_hostile_input_is_a_400(client_for, claimed, counsellor):
    response = client_for(counsellor).post(
        f"/community/refer-out/{claimed.pk}/", {"provider": "x' or 1=1", "scope": "everything"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize("size", [1, 12])
def test_agreements_list_query_count_is_constant(
    client_for, district, school_admin, size, django_assert_max_num_queries
):
    for index in range(size):
        make_agreement(make_provider(district, f"p{index}"))
    client = client_for(school_admin)
    client.get("/community/agreements/")
    with django_assert_max_num_queries(14):
        body = client.get("/community/agreements/").content.decode()
    assert body.count("DSA-1") == size
