"""Services that record decisions: who may record what, on which form version."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from schoolwell.consent.gating import ConsentState, effective_consent
from schoolwell.consent.models import Channel, ConsentDecision, Decision, Policy, Purpose
from schoolwell.consent.services import (
    consent_deny,
    consent_grant,
    consent_revoke,
    consent_self_record,
    consent_settings_update,
)
from schoolwell.roster.models import GuardianLink

from .conftest import make_form

pytestmark = pytest.mark.django_db
SCREENING = Purpose.UNIVERSAL_SCREENING


def grant(student, guardian, form, channel=Channel.PORTAL, by=None):
    return consent_grant(
        student=student, guardian=guardian, form=form, channel=channel, recorded_by=by or guardian
    )


def test_guardian_grants_in_the_portal(student_a, parent, live_form):
    decision = grant(student_a, parent, live_form)
    assert (decision.decision, decision.channel, decision.recorded_by) == (
        Decision.GRANTED,
        Channel.PORTAL,
        parent,
    )
    assert effective_consent(student_a, SCREENING).allowed is True


def test_same_decision_twice_writes_one_row(student_a, parent, live_form):
    grant(student_a, parent, live_form)
    grant(student_a, parent, live_form)
    assert ConsentDecision.objects.count() == 1


def test_another_familys_guardian_is_refused(student_a, other_parent, live_form):
    with pytest.raises(PermissionDenied):
        grant(student_a, other_parent, live_form)
    assert not ConsentDecision.objects.exists()


def test_guardian_without_consent_rights_is_refused(student_a, parent, live_form):
    GuardianLink.objects.filter(guardian=parent).update(may_consent=False)
    with pytest.raises(ValidationError):
        grant(student_a, parent, live_form)
    assert not ConsentDecision.objects.exists()


def test_nobody_decides_in_a_guardians_name_in_the_portal(student_a, parent, counsellor, live_form):
    with pytest.raises(PermissionDenied):
        grant(student_a, parent, live_form, by=counsellor)


def test_only_the_current_version_can_be_decided(student_a, parent, live_form):
    from django.utils import timezone

    make_form(
        student_a.school,
        version=2,
        school_year=live_form.school_year,
        published_at=timezone.now(),
    )
    with pytest.raises(ValidationError, match="newer version"):
        grant(student_a, parent, live_form)


def test_a_draft_cannot_be_decided(student_a, parent, school_a):
    draft = make_form(school_a, published_at=None)
    with pytest.raises(ValidationError):
        grant(student_a, parent, draft)


def test_another_schools_form_is_refused(student_a, parent, school_b):
    from django.utils import timezone

    other = make_form(school_b, published_at=timezone.now())
    with pytest.raises(ValidationError):
        grant(student_a, parent, other)


@pytest.mark.parametrize("persona", ["school_admin", "counsellor", "district_admin"])
def test_school_staff_record_paper_and_phone(request, student_a, parent, live_form, persona):
    staff = request.getfixturevalue(persona)
    decision = grant(student_a, parent, live_form, channel=Channel.PAPER, by=staff)
    assert decision.recorded_by == staff and decision.channel == Channel.PAPER
    consent_deny(
        student=student_a,
        guardian=parent,
        form=live_form,
        channel=Channel.PHONE,
        recorded_by=staff,
    )
    assert effective_consent(student_a, SCREENING).state == ConsentState.DENIED


@pytest.mark.parametrize("persona", ["teacher", "other_counsellor", "other_parent", "outsider"])
def test_others_may_not_record_paper(request, student_a, parent, live_form, persona):
    someone = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        grant(student_a, parent, live_form, channel=Channel.PAPER, by=someone)
    assert not ConsentDecision.objects.exists()


def test_revoke_needs_something_to_withdraw(student_a, parent, live_form):
    with pytest.raises(ValidationError):
        consent_revoke(
            student=student_a,
            guardian=parent,
            form=live_form,
            channel=Channel.PORTAL,
            recorded_by=parent,
        )


def test_revocation_blocks_at_once(student_a, parent, live_form):
    grant(student_a, parent, live_form)
    assert effective_consent(student_a, SCREENING).allowed is True
    consent_revoke(
        student=student_a,
        guardian=parent,
        form=live_form,
        channel=Channel.PORTAL,
        recorded_by=parent,
    )
    consent = effective_consent(student_a, SCREENING)
    assert (consent.allowed, consent.state) == (False, ConsentState.REVOKED)


def test_minor_self_consent_needs_the_setting(student_a, counsellor, school_admin, school_a):
    from django.utils import timezone

    from schoolwell.consent.gating import school_year_now

    form = make_form(
        school_a,
        Purpose.COUNSELLING,
        policy=Policy.PASSIVE,
        school_year=school_year_now(school_a),
        published_at=timezone.now(),
    )

    def record():
        return consent_self_record(
            student=student_a, form=form, decision=Decision.GRANTED, recorded_by=counsellor
        )

    with pytest.raises(ValidationError):
        record()  # off by default
    consent_settings_update(
        school=school_a, by=school_admin, minor_self_consent=True, minor_self_consent_age=12
    )
    decision = record()
    assert decision.guardian is None and decision.channel == Channel.IN_PERSON
    assert effective_consent(student_a, Purpose.COUNSELLING).allowed is True


def test_settings_are_for_administrators(school_a, counsellor):
    with pytest.raises(PermissionDenied):
        consent_settings_update(
            school=school_a, by=counsellor, minor_self_consent=True, minor_self_consent_age=12
        )
