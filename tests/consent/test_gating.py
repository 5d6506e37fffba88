"""Effective consent, derived in every combination (DESIGN rule 2, PPRA notes)."""

import datetime as dt

import pytest
from django.utils import timezone

from schoolwell.consent.gating import (
    ConsentState,
    effective_consent,
    effective_consent_map,
    effective_consents,
    may_share_externally,
    require_screening_consent,
)
from schoolwell.consent.models import Decision, Policy, Purpose, SchoolConsentSettings
from schoolwell.roster.models import AcademicTerm, GuardianLink

from .conftest import NOW, days, decide, make_form, notify

pytestmark = pytest.mark.django_db
SCREENING = Purpose.UNIVERSAL_SCREENING


def state(student, purpose=SCREENING, on=NOW):
    return effective_consent(student, purpose, on=on)


def test_no_form_means_not_allowed(student_a, parent):
    consent = state(student_a)
    assert (consent.allowed, consent.state) == (False, ConsentState.NO_FORM)
    assert consent.form_version is None


def test_active_policy_without_answer_is_refused(student_a, parent):
    make_form(student_a.school)
    consent = state(student_a)
    assert (consent.allowed, consent.state) == (False, ConsentState.NO_ANSWER)
    assert consent.form_version == 1


def test_active_grant_allows(student_a, parent):
    form = make_form(student_a.school)
    decision = decide(student_a, parent, form)
    consent = state(student_a)
    assert (consent.allowed, consent.state) == (True, ConsentState.GRANTED)
    assert consent.form_version == 1 and consent.form_id == form.pk
    assert consent.decided_at == decision.at


@pytest.mark.parametrize("denier_first", [True, False])
def test_one_guardian_denies_other_grants_denial_wins(
    student_a, parent, second_parent, denier_first
):
    form = make_form(student_a.school)
    first, second = (second_parent, parent) if denier_first else (parent, second_parent)
    decide(
        student_a,
        first,
        form,
        Decision.DENIED if denier_first else Decision.GRANTED,
        at=NOW - days(3),
    )
    decide(
        student_a,
        second,
        form,
        Decision.GRANTED if denier_first else Decision.DENIED,
        at=NOW - days(2),
    )
    consent = state(student_a)
    assert (consent.allowed, consent.state) == (False, ConsentState.DENIED)


def test_revoke_after_grant_takes_effect_at_once(student_a, parent):
    form = make_form(student_a.school)
    decide(student_a, parent, form, at=NOW - days(10))
    revoked = decide(student_a, parent, form, Decision.REVOKED, at=NOW - dt.timedelta(seconds=1))
    assert state(student_a, on=revoked.at - dt.timedelta(microseconds=1)).allowed is True
    consent = state(student_a, on=revoked.at)
    assert (consent.allowed, consent.state) == (False, ConsentState.REVOKED)
    assert consent.decided_at == revoked.at


def test_one_guardian_revokes_while_other_still_grants(student_a, parent, second_parent):
    form = make_form(student_a.school)
    decide(student_a, parent, form, at=NOW - days(5))
    decide(student_a, second_parent, form, at=NOW - days(4))
    decide(student_a, second_parent, form, Decision.REVOKED, at=NOW - days(1))
    assert state(student_a).state == ConsentState.REVOKED


def test_latest_decision_of_a_guardian_counts(student_a, parent):
    form = make_form(student_a.school)
    decide(student_a, parent, form, Decision.DENIED, at=NOW - days(5))
    decide(student_a, parent, form, Decision.GRANTED, at=NOW - days(1))
    assert state(student_a).state == ConsentState.GRANTED


def test_guardian_without_may_consent_does_not_count(student_a, parent, second_parent):
    GuardianLink.objects.filter(guardian=second_parent).update(may_consent=False)
    form = make_form(student_a.school)
    decide(student_a, second_parent, form, Decision.GRANTED, at=NOW - days(3))
    assert state(student_a).state == ConsentState.NO_ANSWER
    # Nor does their objection block another guardian's grant.
    decide(student_a, parent, form, Decision.GRANTED, at=NOW - days(2))
    decide(student_a, second_parent, form, Decision.DENIED, at=NOW - days(1))
    assert state(student_a).state == ConsentState.GRANTED


def test_decision_after_the_moment_asked_about_is_ignored(student_a, parent):
    form = make_form(student_a.school)
    decide(student_a, parent, form, at=NOW + days(1))
    assert state(student_a).state == ConsentState.NO_ANSWER


class TestPassive:
    @pytest.fixture
    def form(self, school_a):
        return make_form(school_a, policy=Policy.PASSIVE, notice_days=14)

    def test_no_notice_sent_yet_is_not_consent(self, student_a, parent, form):
        consent = state(student_a)
        assert (consent.allowed, consent.state) == (False, ConsentState.NO_ANSWER)

    def test_within_notice_period_is_not_yet_allowed(self, student_a, parent, form):
        notify(student_a, parent, form, at=NOW - days(13))
        consent = state(student_a)
        assert (consent.allowed, consent.state) == (False, ConsentState.PASSIVE_NOTICE_PERIOD)
        assert "3 Nov 2026" in str(consent.reason)  # the site's short date format

    def test_after_notice_period_without_objection_is_allowed(self, student_a, parent, form):
        notify(student_a, parent, form, at=NOW - days(14))
        # 14 whole days after the day of the notice (October 19): from November 3.
        assert state(student_a).state == ConsentState.PASSIVE_NOTICE_PERIOD
        midnight = timezone.make_aware(dt.datetime(2026, 11, 3))
        consent = state(student_a, on=midnight)
        assert (consent.allowed, consent.state) == (True, ConsentState.PASSIVE_NO_OBJECTION)
        assert consent.decided_at == midnight
        assert state(student_a, on=midnight - dt.timedelta(seconds=1)).allowed is False

    def test_period_counts_from_the_first_notice(self, student_a, parent, form):
        notify(student_a, parent, form, at=NOW - days(20))
        notify(student_a, parent, form, at=NOW - days(2))  # a reminder
        assert state(student_a).allowed is True

    def test_opt_out_blocks_even_after_the_period(self, student_a, parent, second_parent, form):
        notify(student_a, parent, form, at=NOW - days(30))
        decide(student_a, parent, form, Decision.GRANTED, at=NOW - days(20))
        decide(student_a, second_parent, form, Decision.DENIED, at=NOW - days(1))
        consent = state(student_a)
        assert (consent.allowed, consent.state) == (False, ConsentState.OPTED_OUT)

    def test_revocation_is_an_opt_out(self, student_a, parent, form):
        notify(student_a, parent, form, at=NOW - days(30))
        decide(student_a, parent, form, Decision.REVOKED, at=NOW - days(1))
        assert state(student_a).state == ConsentState.OPTED_OUT

    def test_explicit_grant_allows_during_the_period(self, student_a, parent, form):
        notify(student_a, parent, form, at=NOW - days(2))
        decide(student_a, parent, form, at=NOW - days(1))
        assert state(student_a).state == ConsentState.GRANTED

    def test_notice_to_guardian_without_may_consent_starts_nothing(
        self, student_a, parent, second_parent, form
    ):
        GuardianLink.objects.filter(guardian=second_parent).update(may_consent=False)
        notify(student_a, second_parent, form, at=NOW - days(30))
        assert state(student_a).state == ConsentState.NO_ANSWER

    def test_new_version_starts_a_new_notice_period(self, student_a, parent, form):
        notify(student_a, parent, form, at=NOW - days(25))
        decide(student_a, parent, form, Decision.DENIED, at=NOW - days(24))
        v2 = make_form(
            student_a.school, policy=Policy.PASSIVE, version=2, published_at=NOW - days(5)
        )
        # The opt-out was on version 1: it does not silently carry into version 2 …
        assert state(student_a).state == ConsentState.NO_ANSWER
        # … the family is told about version 2, and a new notice period runs.
        notify(student_a, parent, v2, at=NOW - days(5))
        assert state(student_a).state == ConsentState.PASSIVE_NOTICE_PERIOD
        assert state(student_a, on=NOW + days(10)).state == ConsentState.PASSIVE_NO_OBJECTION


class TestVersionsAndYears:
    def test_new_version_needs_a_new_decision(self, student_a, parent):
        v1 = make_form(student_a.school, published_at=NOW - days(60))
        decide(student_a, parent, v1, at=NOW - days(50))
        make_form(student_a.school, version=2, published_at=NOW - days(1))
        consent = state(student_a)
        assert (consent.allowed, consent.state, consent.form_version) == (
            False,
            ConsentState.NO_ANSWER,
            2,
        )
        # Before version 2 was published, the grant on version 1 held.
        earlier = state(student_a, on=NOW - days(2))
        assert (earlier.allowed, earlier.form_version) == (True, 1)

    def test_unpublished_draft_changes_nothing(self, student_a, parent):
        v1 = make_form(student_a.school)
        decide(student_a, parent, v1)
        make_form(student_a.school, version=2, published_at=None)
        assert state(student_a).form_version == 1 and state(student_a).allowed

    def test_withdrawn_form_is_not_in_force(self, student_a, parent):
        v1 = make_form(student_a.school)
        decide(student_a, parent, v1)
        v1.active = False
        v1.save(update_fields=["active"])
        assert state(student_a).state == ConsentState.NO_FORM

    def test_grant_does_not_carry_into_a_new_school_year(self, student_a, parent, district):
        form = make_form(student_a.school)
        decide(student_a, parent, form)
        AcademicTerm.objects.create(
            district=district,
            title="2027–2028",
            kind=AcademicTerm.Kind.SCHOOL_YEAR,
            start_date=dt.date(2027, 8, 20),
            end_date=dt.date(2028, 6, 15),
            school_year=2028,
        )
        next_year = timezone.make_aware(dt.datetime(2027, 9, 1, 9))
        assert state(student_a, on=next_year).state == ConsentState.NO_FORM
        make_form(student_a.school, version=2, school_year=2028, published_at=next_year - days(5))
        consent = state(student_a, on=next_year)
        assert (consent.allowed, consent.state, consent.form_version) == (
            False,
            ConsentState.NO_ANSWER,
            2,
        )

    def test_without_a_term_the_year_runs_august_to_july(self, student_a, parent):
        form = make_form(student_a.school, school_year=2028, published_at=NOW)
        decide(student_a, parent, form, at=NOW)
        # No term covers September 2027: the fallback says school year 2028.
        assert state(student_a, on=dt.date(2027, 9, 1)).allowed is True
        assert state(student_a, on=dt.date(2027, 7, 1)).state == ConsentState.NO_FORM


def test_consent_is_per_purpose(student_a, parent):
    form = make_form(student_a.school)
    make_form(student_a.school, Purpose.EXTERNAL_SHARING)
    decide(student_a, parent, form)
    assert state(student_a).allowed is True
    sharing = may_share_externally(student_a, on=NOW)
    assert (sharing.allowed, sharing.state) == (False, ConsentState.NO_ANSWER)


def test_consent_is_per_school(student_a, student_b, parent, other_parent):
    make_form(student_a.school)
    decide(student_b, other_parent, make_form(student_b.school))
    assert state(student_b).allowed is True
    assert state(student_a).allowed is False


def test_require_screening_consent_splits_students(
    student_a, student_a2, student_b, parent, other_parent
):
    form = make_form(student_a.school)
    decide(student_a, parent, form)
    allowed, refused = require_screening_consent([student_a, student_a2, student_b], on=NOW)
    assert allowed == {student_a.pk}
    assert refused[student_a2.pk].state == ConsentState.NO_ANSWER
    assert refused[student_b.pk].state == ConsentState.NO_FORM


class TestMinorSelfConsent:
    @pytest.fixture
    def form(self, school_a):
        return make_form(school_a, Purpose.COUNSELLING)

    def own(self, student, form, decision, counsellor):
        return decide(student, None, form, decision, by=counsellor)

    def test_off_by_default(self, student_a, parent, counsellor, form):
        self.own(student_a, form, Decision.GRANTED, counsellor)
        assert state(student_a, Purpose.COUNSELLING).allowed is False

    def test_student_old_enough_decides(self, student_a, parent, counsellor, form):
        SchoolConsentSettings.objects.create(
            school=student_a.school, minor_self_consent=True, minor_self_consent_age=13
        )
        decide(student_a, parent, form, Decision.DENIED, at=NOW - days(3))
        self.own(student_a, form, Decision.GRANTED, counsellor)
        consent = state(student_a, Purpose.COUNSELLING)
        assert (consent.allowed, consent.state) == (True, ConsentState.GRANTED)

    def test_too_young_student_cannot(self, student_a, parent, counsellor, form):
        SchoolConsentSettings.objects.create(
            school=student_a.school, minor_self_consent=True, minor_self_consent_age=14
        )
        self.own(student_a, form, Decision.GRANTED, counsellor)
        assert state(student_a, Purpose.COUNSELLING).allowed is False

    def test_only_for_counselling(self, student_a, parent, counsellor):
        SchoolConsentSettings.objects.create(
            school=student_a.school, minor_self_consent=True, minor_self_consent_age=10
        )
        screening = make_form(student_a.school)
        self.own(student_a, screening, Decision.GRANTED, counsellor)
        assert state(student_a).allowed is False


def _students(school, count, prefix):
    from schoolwell.roster.models import Student

    return [
        Student.objects.create(
            school=school,
            local_id=f"{prefix}-{i}",
            given_name="G",
            family_name="F",
            grade=7,
            date_of_birth=dt.date(2013, 1, 1),
        )
        for i in range(count)
    ]


@pytest.mark.parametrize("purpose", [SCREENING, Purpose.COUNSELLING])
def test_bulk_map_is_constant_in_queries(school_a, school_b, purpose):
    """A class screening page of 30–60 students costs the same as one of 5."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from schoolwell.accounts.models import User

    form_a = make_form(school_a, purpose, policy=Policy.PASSIVE)
    form_b = make_form(school_b, purpose)
    counts = []
    for size in (5, 40):
        students = _students(school_a, size // 2, f"a{size}")
        students += _students(school_b, size - size // 2, f"b{size}")
        for i, s in enumerate(students):
            guardian = User.objects.create_user(username=f"g{size}-{i}")
            GuardianLink.objects.create(guardian=guardian, student=s)
            form = form_a if s.school_id == school_a.pk else form_b
            if form is form_a:
                notify(s, guardian, form, at=NOW - days(20 if i % 2 else 1))
            if i % 3:
                decide(s, guardian, form, Decision.DENIED if i % 3 == 1 else Decision.GRANTED)
        with CaptureQueriesContext(connection) as ctx:
            result = effective_consent_map(students, purpose, on=NOW)
        assert len(result) == size
        assert {c.state for c in result.values()} >= {ConsentState.DENIED, ConsentState.GRANTED}
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 6


def test_bulk_map_accepts_a_queryset(student_a, student_a2, parent, django_assert_num_queries):
    from schoolwell.roster.models import Student

    decide(student_a, parent, make_form(student_a.school))
    with django_assert_num_queries(5):
        result = effective_consent_map(
            Student.objects.filter(school=student_a.school), SCREENING, on=NOW
        )
    assert result[student_a.pk].allowed and not result[student_a2.pk].allowed


def test_all_purposes_at_once_including_a_school_purpose(
    student_a, parent, django_assert_num_queries
):
    decide(student_a, parent, make_form(student_a.school))
    make_form(student_a.school, "photo_release", policy=Policy.PASSIVE)
    with django_assert_num_queries(5):
        consents = effective_consents([student_a], on=NOW)[student_a.pk]
    assert consents[SCREENING].state == ConsentState.GRANTED
    assert consents[Purpose.COUNSELLING].state == ConsentState.NO_FORM
    assert consents[Purpose.EXTERNAL_SHARING].state == ConsentState.NO_FORM
    assert consents["photo_release"].state == ConsentState.NO_ANSWER
