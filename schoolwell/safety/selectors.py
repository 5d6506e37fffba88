"""Reads of the safety pathway, for counsellors of the student's school (`safety.read`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404

from schoolwell.accounts import gate
from schoolwell.accounts.models import User
from schoolwell.referrals.models import OPEN_STATUSES, ReasonCode, Referral, ReferralReason
from schoolwell.referrals.texts import CRITICAL_CONCERNS
from schoolwell.safety.models import (
    FollowUp,
    GuardianNotification,
    RiskAssessment,
    SafetyPlanRevision,
    SafetySettings,
)


def settings_for(school_id: int) -> SafetySettings:
    """The school's settings, or the defaults (unsaved) until its administrators set them."""
    found = SafetySettings.objects.filter(school_id=school_id).first()
    return found or SafetySettings(school_id=school_id)


def critical_reasons_q() -> Q:
    """Reasons that put a student on the pathway (as referrals.texts.is_critical says)."""
    concerns = sorted(CRITICAL_CONCERNS)
    return (
        Q(code=ReasonCode.CRITICAL)
        | Q(code=ReasonCode.CONCERN, params__concern__in=concerns)
        | Q(code=ReasonCode.CONCERN_TAG, params__tag__in=concerns)
    )


def has_critical_reason(referral: Referral) -> bool:
    return ReferralReason.objects.filter(critical_reasons_q(), referral=referral).exists()


@dataclass(frozen=True)
class Pathway:
    """Where a referral is on the pathway, in its order."""

    critical: bool
    assessment: RiskAssessment | None
    plan: SafetyPlanRevision | None
    notification: GuardianNotification | None
    follow_up: FollowUp | None
    policy: str

    @property
    def next_step(self) -> str:
        if self.assessment is None:
            return "assessment"
        if self.plan is None:
            return "plan"
        if self.notification is None:
            return "guardian"
        if self.follow_up is not None and self.follow_up.done_at is None:
            return "follow_up"
        return ""


def pathway(referral: Referral) -> Pathway:
    """The referral's pathway: a fixed handful of queries."""
    # The open follow-up, else the last one done.
    follow_up = (
        FollowUp.objects.filter(referral=referral)
        .order_by(F("done_at").desc(nulls_first=True), "-pk")
        .first()
    )
    return Pathway(
        critical=has_critical_reason(referral),
        assessment=RiskAssessment.objects.filter(referral=referral)
        .select_related("assessed_by")
        .first(),
        plan=SafetyPlanRevision.objects.filter(referral=referral)
        .select_related("written_by")
        .first(),
        notification=GuardianNotification.objects.filter(referral=referral).first(),
        follow_up=follow_up,
        policy=settings_for(referral.school_id).guardian_policy,
    )


def plan_revisions(referral: Referral) -> QuerySet[SafetyPlanRevision]:
    return SafetyPlanRevision.objects.filter(referral=referral).select_related("written_by")


def _counselled(user: User) -> frozenset[int]:
    return gate.school_ids(user, "safety.read")


def pathway_referral(*, user: User, pk: int) -> Referral:
    """A referral whose pathway the user may work: the school's counsellors only (the
    gate's `safety.read`/`safety.write`); anyone else gets a 404, as for any record outside
    their scope, even the teacher who raised the concern."""
    referral = (
        Referral.objects.filter(pk=pk, school_id__in=_counselled(user))
        .select_related("student__school", "assignee")
        .first()
    )
    if referral is None:
        raise Http404
    return referral


def follow_ups_due(*, user: User, today: dt.date) -> QuerySet[FollowUp]:
    """Open follow-ups due today or earlier on referrals the user holds (or that nobody
    holds, in a school they counsel)."""
    return (
        FollowUp.objects.filter(
            done_at__isnull=True,
            due_on__lte=today,
            referral__school_id__in=_counselled(user),
        )
        .filter(Q(referral__assignee=user) | Q(referral__assignee__isnull=True))
        .select_related("student", "referral")
        .order_by("due_on", "pk")
    )


def assessments_needed(*, user: User) -> QuerySet[Referral]:
    """Open referrals with a critical reason and no risk assessment yet, in the user's
    schools: unclaimed or the user's own."""
    critical = ReferralReason.objects.filter(critical_reasons_q(), referral=OuterRef("pk"))
    assessed = RiskAssessment.objects.filter(referral=OuterRef("pk"))
    return (
        Referral.objects.filter(
            school_id__in=_counselled(user),
            status__in=OPEN_STATUSES,
        )
        .filter(Q(assignee=user) | Q(assignee__isnull=True))
        .filter(Exists(critical), ~Exists(assessed))
        .select_related("student")
        .order_by("opened_at", "pk")
    )


def open_follow_ups(*, user: User) -> QuerySet[FollowUp]:
    """The open follow-ups of the referrals assigned to the user (for the caseload)."""
    return FollowUp.objects.filter(done_at__isnull=True, referral__assignee=user).filter(
        referral__status__in=OPEN_STATUSES, referral__school_id__in=_counselled(user)
    )
