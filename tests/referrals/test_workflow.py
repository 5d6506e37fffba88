"""Triage → in progress → referred out → closed, reassign: each step an append-only event."""

import datetime as dt

import pytest
from django.urls import reverse

from schoolwell.audit.models import AccessLog, AppendOnlyError
from schoolwell.consent.models import Channel, ConsentDecision, ConsentForm, Decision, Purpose
from schoolwell.referrals.models import ExternalProvider, ReferralEvent, Status
from schoolwell.referrals.services import (
    ReferralConflict,
    ReferralError,
    referral_claim,
    referral_close,
    referral_reassign,
    referral_refer_out,
    referral_status_set,
)

from .conftest import NOW, open_referral


@pytest.fixture
def claimed(student_a, counsellor):
    referral = open_referral(student_a)
    return referral_claim(referral=referral, by=counsellor)


@pytest.fixture
def provider(district):
    return ExternalProvider.objects.create(district=district, code="clinic", name="Clinic")


def sharing_consent(student, guardian, decision):
    form = ConsentForm.objects.create(
        school=student.school,
        purpose=Purpose.EXTERNAL_SHARING,
        version=1,
        school_year=2027,
        title={"en": "Sharing"},
        published_at=NOW - dt.timedelta(days=30),
    )
    ConsentDecision.objects.create(
        student=student,
        guardian=guardian,
        form=form,
        decision=decision,
        channel=Channel.PAPER,
        recorded_by=guardian,
        at=NOW - dt.timedelta(days=1),
    )


def kinds(referral):
    return list(referral.events.values_list("kind", flat=True))


def test_full_path_writes_one_event_per_step(claimed, counsellor):
    referral_status_set(referral=claimed, by=counsellor, status=Status.TRIAGE)
    referral_status_set(referral=claimed, by=counsellor, status=Status.IN_PROGRESS)
    referral_refer_out(referral=claimed, by=counsellor, team="Student support team")
    referral_close(referral=claimed, by=counsellor, outcome="monitoring", note="Doing well.")
    claimed.refresh_from_db()
    assert claimed.status == Status.CLOSED and claimed.outcome == "monitoring"
    assert kinds(claimed) == [
        "created",
        "claimed",
        "status_changed",
        "status_changed",
        "referred_out",
        "closed",
    ]
    assert all(e.actor == counsellor for e in claimed.events.exclude(kind="created"))


def test_events_cannot_be_changed_or_deleted(claimed):
    event = claimed.events.first()
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        claimed.events.all().delete()
    with pytest.raises(AppendOnlyError):
        ReferralEvent.objects.filter(pk=event.pk).update(kind="closed")


def test_unclaimed_referral_cannot_move(student_a, counsellor):
    referral = open_referral(student_a)
    with pytest.raises(ReferralConflict, match="Claim"):
        referral_status_set(referral=referral, by=counsellor, status=Status.TRIAGE)


def test_only_the_assignee_moves_it(claimed, colleague):
    with pytest.raises(ReferralConflict, match="Cora Counsellor"):
        referral_status_set(referral=claimed, by=colleague, status=Status.TRIAGE)


def test_close_needs_a_listed_outcome_and_a_note(claimed, counsellor):
    with pytest.raises(ReferralError, match="outcome"):
        referral_close(referral=claimed, by=counsellor, outcome="made-up", note="x")
    with pytest.raises(ReferralError, match="closing note"):
        referral_close(referral=claimed, by=counsellor, outcome="monitoring", note="  ")
    claimed.refresh_from_db()
    assert claimed.status == Status.CLAIMED


def test_closed_is_final(claimed, counsellor):
    referral_close(referral=claimed, by=counsellor, outcome="monitoring", note="ok")
    with pytest.raises(ReferralConflict, match="closed"):
        referral_status_set(referral=claimed, by=counsellor, status=Status.TRIAGE)


@pytest.mark.parametrize("decision", [None, Decision.DENIED])
def test_external_referral_refused_without_consent(claimed, counsellor, provider, parent, decision):
    if decision:
        sharing_consent(claimed.student, parent, decision)
    with pytest.raises(ReferralConflict, match="No data-sharing consent"):
        referral_refer_out(referral=claimed, by=counsellor, provider=provider, now=NOW)
    claimed.refresh_from_db()
    assert claimed.status == Status.CLAIMED and claimed.referred_to_provider is None
    assert not AccessLog.objects.filter(action=AccessLog.Action.DISCLOSE).exists()


def test_external_referral_with_consent_is_logged_as_a_disclosure(
    claimed, counsellor, provider, parent
):
    from tests.community.conftest import consent_for, make_agreement

    sharing_consent(claimed.student, parent, Decision.GRANTED)
    # Community coordination (issue 17): an agreement and consent for this provider too.
    make_agreement(provider, days=(-60, 100))
    consent_for(claimed, provider, counsellor)
    referral_refer_out(referral=claimed, by=counsellor, provider=provider, now=NOW)
    claimed.refresh_from_db()
    assert claimed.status == Status.REFERRED_OUT and claimed.referred_to_provider == provider
    assert AccessLog.objects.filter(
        student=claimed.student, action=AccessLog.Action.DISCLOSE
    ).exists()


def test_refer_out_needs_exactly_one_target(claimed, counsellor, provider):
    with pytest.raises(ReferralError):
        referral_refer_out(referral=claimed, by=counsellor)
    with pytest.raises(ReferralError):
        referral_refer_out(referral=claimed, by=counsellor, team="SST", provider=provider)


def test_reassign_to_a_colleague(claimed, school_admin, colleague):
    referral_reassign(referral=claimed, by=school_admin, to=colleague)
    claimed.refresh_from_db()
    assert claimed.assignee == colleague
    event = claimed.events.get(kind="reassigned")
    assert event.actor == school_admin and event.data["to"] == colleague.pk


def test_reassign_only_to_a_counsellor_of_the_school(claimed, counsellor, other_counsellor):
    with pytest.raises(ReferralError):
        referral_reassign(referral=claimed, by=counsellor, to=other_counsellor)


def test_bad_status_form_is_400_and_changes_nothing(client_for, claimed, counsellor):
    url = reverse("referrals:status", args=[claimed.pk])
    response = client_for(counsellor).post(url, {"status": "closed"})
    assert response.status_code == 400
    claimed.refresh_from_db()
    assert claimed.status == Status.CLAIMED


def test_close_page_with_unknown_outcome_is_400(client_for, claimed, counsellor):
    url = reverse("referrals:close", args=[claimed.pk])
    response = client_for(counsellor).post(url, {"outcome": "nope", "note": "x"})
    assert response.status_code == 400
    claimed.refresh_from_db()
    assert claimed.status == Status.CLAIMED


def test_pages_walk_the_workflow(client_for, claimed, counsellor):
    client = client_for(counsellor)
    for name, data in [
        ("status", {"status": "triage"}),
        ("refer_out", {"team": "SST"}),
        ("note", {"body": "Spoke with family."}),
        ("close", {"outcome": "school_support_plan", "note": "Plan agreed."}),
    ]:
        response = client.post(reverse(f"referrals:{name}", args=[claimed.pk]), data)
        assert response.status_code == 302, (name, response.content[:500])
    claimed.refresh_from_db()
    assert claimed.status == Status.CLOSED
    page = client.get(reverse("referrals:detail", args=[claimed.pk])).content.decode()
    assert "Plan agreed." in page and "Spoke with family." in page


def test_database_refuses_to_update_an_event(claimed):
    from django.db import DatabaseError, connection, transaction

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE referrals_referralevent SET kind = 'closed'")
    assert "closed" not in kinds(claimed)


def test_detail_page_queries_do_not_grow_with_history(
    client_for, claimed, counsellor, django_assert_max_num_queries
):
    from schoolwell.referrals.services import referral_note_add

    url = reverse("referrals:detail", args=[claimed.pk])
    client = client_for(counsellor)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for i in range(30):
        referral_note_add(referral=claimed, by=counsellor, body=f"n{i}", private=i % 2 == 0)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
