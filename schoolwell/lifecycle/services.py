"""Writes of the lifecycle app: each one transaction, writing its own event/audit rows."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwell.accounts import gate
from schoolwell.audit.services import access_log_record
from schoolwell.core.figures import school_consent_changed
from schoolwell.lifecycle import shredder
from schoolwell.lifecycle.models import (
    Category,
    ErasureRequest,
    ErasureStatus,
    GuardianVisibility,
    HiddenResource,
    LegalHold,
    LocalResource,
    PurgeLog,
    RecordRequest,
    RecordRequestEvent,
    RequestStatus,
    RetentionRule,
)
from schoolwell.lifecycle.policy import RETAINED, retention_days
from schoolwell.roster.models import Student

# --- policy tables ---


@transaction.atomic
def visibility_set(*, school, category: str, shown: bool, by) -> GuardianVisibility:
    gate.require(by, "records.policy", school)
    row, _created = GuardianVisibility.objects.update_or_create(
        school=school, category=Category(category), defaults={"shown": shown, "changed_by": by}
    )
    return row


@transaction.atomic
def retention_set(*, school, category: str, days: int, by) -> RetentionRule:
    gate.require(by, "records.policy", school)
    if category not in RETAINED:
        raise ValidationError(_("This kind of record has no retention period."))
    if not 30 <= days <= 36500:
        raise ValidationError(_("Choose between 30 and 36,500 days."))
    row, _created = RetentionRule.objects.update_or_create(
        school=school, category=category, defaults={"days": days}
    )
    return row


# --- correction requests ---


@transaction.atomic
def record_request_make(*, student, guardian, category: str, message: str) -> RecordRequest:
    """A guardian asks the school to correct part of their child's record."""
    gate.require(guardian, "student.guard", student)
    message = message.strip()
    if not message:
        raise ValidationError(_("Please say what is wrong and what it should say."))
    now = timezone.now()
    request = RecordRequest.objects.create(
        student=student,
        guardian=guardian,
        category=Category(category),
        message=message[:2000],
        created_at=now,
    )
    RecordRequestEvent.objects.create(
        request=request, at=now, actor=guardian, kind=RecordRequestEvent.Kind.MADE
    )
    return request


@transaction.atomic
def record_request_decide(
    *, request: RecordRequest, by, accept: bool, reason: str
) -> RecordRequest:
    """An administrator of the school accepts or declines; the reason is shown to the family."""
    gate.require(by, "records.decide", request.student)
    request = RecordRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.OPEN:
        raise ValidationError(_("This request has already been decided."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Please give the family a reason."))
    now = timezone.now()
    request.status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
    request.decided_by, request.decided_at, request.reason = by, now, reason[:2000]
    request.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    RecordRequestEvent.objects.create(
        request=request,
        at=now,
        actor=by,
        kind=RecordRequestEvent.Kind.ACCEPTED if accept else RecordRequestEvent.Kind.DECLINED,
    )
    return request


# --- legal holds ---


def active_hold(student) -> LegalHold | None:
    return LegalHold.objects.filter(student=student, released_at__isnull=True).first()


@transaction.atomic
def legal_hold_place(*, student, by, reason: str) -> LegalHold:
    gate.require(by, "records.erase", student)
    if not reason.strip():
        raise ValidationError(_("Please say why the record is held."))
    if active_hold(student):
        raise ValidationError(_("This record is already on legal hold."))
    return LegalHold.objects.create(
        student=student, reason=reason.strip()[:255], placed_by=by, placed_at=timezone.now()
    )


@transaction.atomic
def legal_hold_release(*, hold: LegalHold, by) -> LegalHold:
    gate.require(by, "records.erase", hold.student)
    if hold.released_at:
        raise ValidationError(_("This hold was already released."))
    hold.released_by, hold.released_at = by, timezone.now()
    hold.save(update_fields=["released_by", "released_at"])
    return hold


# --- erasure of one student's data ---


@transaction.atomic
def erasure_request(*, student, by, verification: str) -> ErasureRequest:
    """The first administrator: a verified request (how it was verified is recorded)."""
    gate.require(by, "records.erase", student)
    if not verification.strip():
        raise ValidationError(_("Please say how the request was verified."))
    if ErasureRequest.objects.filter(student=student, status=ErasureStatus.REQUESTED).exists():
        raise ValidationError(_("An erasure of this student is already waiting for approval."))
    return ErasureRequest.objects.create(
        student=student,
        verification=verification.strip()[:255],
        requested_by=by,
        requested_at=timezone.now(),
    )


def _student_roots(student) -> list:
    """Every row that belongs to the student, from every app, except what is kept."""
    kept = shredder.kept_models()
    roots = []
    for rel in shredder.relations(Student):
        if rel.related_model in kept:
            continue
        roots.append(rel.related_model._base_manager.filter(**{rel.field.name: student}))
    return roots


# Which model's rows a category's purge log counts.
COUNTED = {
    "screening.CheckIn": Category.CHECKINS,
    "voice.StudentCheckIn": Category.CHECKINS,
    "screening.ScreeningResult": Category.SCREENING,
    "referrals.Referral": Category.SUPPORT,
    "support.SupportPlan": Category.SUPPORT,
    "consent.ConsentDecision": Category.CONSENT,
}


def _log(*, school_id: int, cause: str, counts: dict[str, int], erasure=None) -> list[PurgeLog]:
    per_category: dict[str, int] = {}
    for label, rows in counts.items():
        if label in COUNTED:
            per_category[COUNTED[label]] = per_category.get(COUNTED[label], 0) + rows
    now = timezone.now()
    return [
        PurgeLog.objects.create(
            at=now, school_id=school_id, cause=cause, category=category, rows=rows, erasure=erasure
        )
        for category, rows in per_category.items()
        if rows
    ]


@transaction.atomic
def erasure_approve(*, erasure: ErasureRequest, by) -> ErasureRequest:
    """The second administrator: erases the student's data (refused under a legal hold).
    The student row stays, de-identified, so the disclosure record and this request remain
    as the audit of what was done."""
    erasure = (
        ErasureRequest.objects.select_for_update().select_related("student").get(pk=erasure.pk)
    )
    student = erasure.student
    gate.require(by, "records.erase", student)
    if erasure.status != ErasureStatus.REQUESTED:
        raise ValidationError(_("This erasure has already been decided."))
    if erasure.requested_by_id == by.pk:
        raise PermissionDenied(_("A second administrator must approve an erasure."))
    if active_hold(student):
        raise ValidationError(_("This record is on legal hold: it cannot be erased."))
    counts = shredder.shred(_student_roots(student))
    Student.objects.filter(pk=student.pk).update(
        given_name="Erased",  # stored, so not in the writer's language
        family_name=f"#{student.pk}",
        preferred_name="",
        date_of_birth=None,
        sourced_id=None,
        local_id=f"erased-{student.pk}",
        active=False,
    )
    school_consent_changed([student.school_id])  # no longer an active student
    erasure.status, erasure.decided_by, erasure.decided_at = (
        ErasureStatus.DONE,
        by,
        timezone.now(),
    )
    erasure.save(update_fields=["status", "decided_by", "decided_at"])
    _log(school_id=student.school_id, cause=PurgeLog.Cause.ERASURE, counts=counts, erasure=erasure)
    access_log_record(user=by, student=student, what="erasure", action="disclose", detail="")
    return erasure


@transaction.atomic
def erasure_refuse(*, erasure: ErasureRequest, by) -> ErasureRequest:
    gate.require(by, "records.erase", erasure.student)
    if erasure.status != ErasureStatus.REQUESTED:
        raise ValidationError(_("This erasure has already been decided."))
    erasure.status, erasure.decided_by, erasure.decided_at = (
        ErasureStatus.REFUSED,
        by,
        timezone.now(),
    )
    erasure.save(update_fields=["status", "decided_by", "decided_at"])
    return erasure


# --- the retention schedule ---


def expired_roots(school, today: dt.date) -> dict[str, list]:
    """Per category, the rows past the school's retention period (held students excepted)."""
    from schoolwell.referrals.models import Referral
    from schoolwell.referrals.models import Status as ReferralStatus
    from schoolwell.screening.models import CheckIn, ScreeningResult
    from schoolwell.support.models import PlanStatus, SupportPlan
    from schoolwell.voice.models import StudentCheckIn

    days = retention_days(school.pk)
    held = LegalHold.objects.filter(released_at__isnull=True).values("student_id")
    students = Student.objects.filter(school=school).exclude(pk__in=held)

    def cutoff(category) -> dt.date:
        return today - dt.timedelta(days=days[category])

    last_checkin = (
        CheckIn.objects.filter(student=OuterRef("pk")).order_by("-date").values("date")[:1]
    )
    # The day a student left: their last enrollment's end, else their last check-in.
    left = (
        students.filter(active=False)
        .annotate(left_on=Coalesce(Max("enrollments__end_date"), Subquery(last_checkin)))
        .filter(left_on__lt=cutoff(Category.CHECKINS))
        .values("pk")
    )
    screening_cutoff = cutoff(Category.SCREENING)
    support_cutoff = cutoff(Category.SUPPORT)
    plans = SupportPlan.objects.filter(
        student__in=students, status=PlanStatus.CLOSED, closed_on__lt=support_cutoff
    )
    # A referral goes only with every plan that grew from it.
    kept_plans = SupportPlan.objects.exclude(pk__in=plans).filter(referral__isnull=False)
    referrals = Referral.objects.filter(
        student__in=students,
        status=ReferralStatus.CLOSED,
        closed_at__date__lt=support_cutoff,
    ).exclude(pk__in=kept_plans.values("referral_id"))
    return {
        # Teachers' check-ins and the student's own (schoolwell.voice) alike.
        Category.CHECKINS: [
            CheckIn.objects.filter(student__in=left),
            StudentCheckIn._base_manager.filter(student__in=left),
        ],
        Category.SCREENING: [
            ScreeningResult.objects.filter(
                student__in=students, administered_at__date__lt=screening_cutoff
            )
        ],
        Category.SUPPORT: [plans, referrals],
    }


def retention_apply(*, today: dt.date | None = None, schools=None) -> list[PurgeLog]:
    """Delete what has expired, school by school (one transaction each), logging counts."""
    from schoolwell.roster.models import School

    today = today or timezone.localdate()
    logs: list[PurgeLog] = []
    for school in schools if schools is not None else School.objects.order_by("pk"):
        with transaction.atomic():
            roots = expired_roots(school, today)
            counts = shredder.shred([qs for category in RETAINED for qs in roots[category]])
            logs += _log(school_id=school.pk, cause=PurgeLog.Cause.RETENTION, counts=counts)
    return logs


# --- the family resources library, curated per district ---


@transaction.atomic
def resource_visibility_set(*, district, slug: str, shown: bool, by) -> None:
    from schoolwell.lifecycle.resources import library

    gate.require(by, "district.administer", district)
    if slug not in {r.slug for r in library()}:
        raise ValidationError(_("There is no such resource."))
    if shown:
        HiddenResource.objects.filter(district=district, slug=slug).delete()
    else:
        HiddenResource.objects.get_or_create(district=district, slug=slug)


@transaction.atomic
def local_resource_add(*, district, by, **fields) -> LocalResource:
    gate.require(by, "district.administer", district)
    resource = LocalResource(district=district, added_by=by, **fields)
    resource.full_clean()
    resource.save()
    return resource


@transaction.atomic
def local_resource_remove(*, resource: LocalResource, by) -> None:
    gate.require(by, "district.administer", resource.district)
    resource.delete()
