import datetime as dt

import pytest
from django.utils import timezone

from schoolwell.community import services
from schoolwell.community.models import (
    ConsentScope,
    DataCategory,
    DataSharingAgreement,
    ProviderConsent,
    ProviderProfile,
)
from schoolwell.consent.models import Decision
from schoolwell.referrals.models import ExternalProvider
from schoolwell.referrals.services import referral_claim
from tests.referrals.conftest import open_referral
from tests.referrals.test_workflow import sharing_consent


def make_provider(district, code: str, category: str = "clinic") -> ExternalProvider:
    provider = ExternalProvider.objects.create(
        district=district,
        code=code,
        name=f"{code.title()} Center",
        kind={"en": "Clinic", "es": "Clínica"},
        services={"en": "Therapy for teens", "es": "Terapia para adolescentes"},
        languages=["en", "es"],
    )
    ProviderProfile.objects.create(provider=provider, category=category, age_min=10, age_max=18)
    return provider


def make_agreement(provider, *, categories=None, days=(-10, 100)) -> DataSharingAgreement:
    today = timezone.localdate()
    return DataSharingAgreement.objects.create(
        district_id=provider.district_id,
        provider=provider,
        categories=categories or [DataCategory.IDENTITY, DataCategory.REASON],
        purpose="Care coordination",
        starts_on=today + dt.timedelta(days=days[0]),
        expires_on=today + dt.timedelta(days=days[1]),
        document_ref="DSA-1",
        created_at=timezone.now(),
    )


def consent_for(referral, provider, by, *, scope=ConsentScope.PROVIDER, granted=True):
    return services.provider_consent_record(
        referral=referral,
        provider=provider,
        by=by,
        scope=scope,
        granted=granted,
        guardian_name="Pat Guardian",
        channel=ProviderConsent.Channel.PHONE,
    )


@pytest.fixture
def clinic(district):
    return make_provider(district, "clinic")


@pytest.fixture
def claimed(student_a, counsellor, parent):
    # The purpose-level data-sharing consent (the consent app's gate) is on record.
    sharing_consent(student_a, parent, Decision.GRANTED)
    referral = open_referral(student_a, now=timezone.now())
    return referral_claim(referral=referral, by=counsellor)


@pytest.fixture
def loop(claimed, clinic, counsellor):
    """A referral out to the clinic, and the provider's link (loop, token)."""
    make_agreement(clinic)
    consent_for(claimed, clinic, counsellor)
    return services.provider_refer_out(referral=claimed, provider=clinic, by=counsellor)
