"""Writes of the safety pathway. Each is one transaction; the rows are their own record
(append-only, with who and when), and only the school's counsellors may write them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwell.accounts import gate
from schoolwell.accounts.models import User
from schoolwell.referrals import schooldays
from schoolwell.referrals.models import Referral
from schoolwell.safety.models import (
    ASSESSMENT_FIELDS,
    PLAN_PARTS,
    FollowUp,
    GuardianNotification,
    GuardianPolicy,
    NotificationDecision,
    RiskAssessment,
    SafetyPlanRevision,
    SafetySettings,
)
from schoolwell.safety.selectors import settings_for


class SafetyError(Exception):
    """A step not allowed now or bad input: shown to the user, nothing changed."""

    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SafetyForbidden(SafetyError):
    status_code = 403


def _require_counsellor(user: User, referral: Referral) -> None:
    if not gate.may(user, "safety.write", referral):
        raise SafetyForbidden(_("Only the school's counsellors work the safety pathway."))


def _locked(referral: Referral) -> Referral:
    # Serialises the pathway's writes on one referral (plan versions, one open follow-up).
    return Referral.objects.select_for_update().get(pk=referral.pk)


@transaction.atomic
def risk_assessment_record(
    *, referral: Referral, by: User, data: dict[str, Any], now: dt.datetime | None = None
) -> RiskAssessment:
    """Record the counsellor's assessment (a reassessment is a new row)."""
    _require_counsellor(by, referral)
    referral = _locked(referral)
    if not referral.is_open:
        raise SafetyError(_("This referral is closed."))
    return RiskAssessment.objects.create(
        referral=referral,
        student_id=referral.student_id,
        assessed_by=by,
        assessed_at=now or timezone.now(),
        **{name: data[name] for name in ASSESSMENT_FIELDS},
    )


def follow_up_due_on(*, school_id: int, start: dt.datetime) -> dt.date:
    """The school day the follow-up contact is due: the school's number of school days
    after `start` (a plan made on Friday with 1 day is due Monday)."""
    days = settings_for(school_id).follow_up_school_days
    return timezone.localtime(schooldays.add_school_days(start, days)).date()


@transaction.atomic
def safety_plan_revise(
    *, referral: Referral, by: User, parts: dict[str, str], now: dt.datetime | None = None
) -> SafetyPlanRevision:
    """Write the next version of the student's safety plan. The pathway's order: a risk
    assessment comes first. The first version schedules the follow-up contact."""
    _require_counsellor(by, referral)
    referral = _locked(referral)
    if not referral.is_open:
        raise SafetyError(_("This referral is closed."))
    if not RiskAssessment.objects.filter(referral=referral).exists():
        raise SafetyError(_("Record the risk assessment before the safety plan."))
    now = now or timezone.now()
    last = SafetyPlanRevision.objects.filter(referral=referral).aggregate(n=Max("version"))["n"]
    revision = SafetyPlanRevision.objects.create(
        referral=referral,
        student_id=referral.student_id,
        version=(last or 0) + 1,
        written_by=by,
        created_at=now,
        **{name: parts[name].strip() for name in PLAN_PARTS},
    )
    if last is None and not FollowUp.objects.filter(referral=referral).exists():
        FollowUp.objects.create(
            referral=referral,
            student_id=referral.student_id,
            due_on=follow_up_due_on(school_id=referral.school_id, start=now),
            scheduled_by=by,
            scheduled_at=now,
        )
    return revision


@transaction.atomic
def guardian_notification_record(
    *,
    referral: Referral,
    by: User,
    decision: str,
    guardian_name: str = "",
    method: str = "",
    notified_at: dt.datetime | None = None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> GuardianNotification:
    """Record that a guardian was told (who, when, how) or, where the school's policy
    allows, why not: telling them would endanger the student."""
    _require_counsellor(by, referral)
    referral = _locked(referral)
    policy = settings_for(referral.school_id).guardian_policy
    if decision == NotificationDecision.NOTIFIED:
        if not (guardian_name.strip() and method and notified_at):
            raise SafetyError(_("Say which guardian was told, when and how."))
        reason = ""
    elif decision == NotificationDecision.WITHHELD:
        if policy == GuardianPolicy.ALWAYS:
            raise SafetyError(_("This school's policy is to always notify a guardian."))
        if not reason.strip():
            raise SafetyError(_("Say why telling a guardian would endanger the student."))
        guardian_name, method, notified_at = "", "", None
    else:
        raise SafetyError(_("Choose whether a guardian was notified."))
    return GuardianNotification.objects.create(
        referral=referral,
        student_id=referral.student_id,
        policy=policy,
        decision=decision,
        guardian_name=guardian_name.strip(),
        method=method,
        notified_at=notified_at,
        reason=reason.strip(),
        recorded_by=by,
        recorded_at=now or timezone.now(),
    )


@transaction.atomic
def follow_up_complete(
    *, follow_up: FollowUp, by: User, now: dt.datetime | None = None
) -> FollowUp:
    """The follow-up contact happened: it leaves the counsellor's list."""
    _require_counsellor(by, follow_up.referral)
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.done_at is not None:
        raise SafetyError(_("This follow-up is already done."))
    follow_up.done_at = now or timezone.now()
    follow_up.done_by = by
    follow_up.save(update_fields=["done_at", "done_by"])
    return follow_up


@transaction.atomic
def safety_settings_set(
    *,
    school,
    by: User,
    guardian_policy: str,
    follow_up_school_days: int,
    on_call_contact: str,
) -> SafetySettings:
    """A school administrator sets the pathway's policy for their school."""
    if not gate.may(by, "safety.settings", school):
        raise SafetyForbidden(_("Only the school's administrators change these settings."))
    found, _created = SafetySettings.objects.update_or_create(
        school=school,
        defaults={
            "guardian_policy": guardian_policy,
            "follow_up_school_days": follow_up_school_days,
            "on_call_contact": on_call_contact.strip(),
        },
    )
    return found
