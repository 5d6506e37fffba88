"""Reads of referrals, always scoped to the user asking.

Counsellors and administrators reach the referrals of their schools; teachers reach only
the coarse status (open / closed) of referrals on concerns they raised; parents none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    Max,
    Prefetch,
    Q,
    QuerySet,
)
from django.http import Http404

from schoolwell.accounts import gate
from schoolwell.accounts.models import User
from schoolwell.referrals import texts
from schoolwell.referrals.models import (
    OPEN_STATUSES,
    Notification,
    Referral,
    ReferralEvent,
    ReferralNote,
    ReferralReason,
    Status,
)
from schoolwell.roster.models import Student


def works_referrals(user: User) -> bool:
    """Counsellors and administrators (school or district) see the referral queue."""
    return gate.may(user, "referral.view")


def staff_referrals(user: User) -> QuerySet[Referral]:
    """Referrals of the schools the user counsels or administers."""
    return Referral.objects.filter(school_id__in=gate.school_ids(user, "referral.view"))


@dataclass(frozen=True)
class QueueFilters:
    status: str = ""
    priority: int | None = None
    grade: int | None = None
    assignee: int | None = None  # a user id; 0 = unassigned
    mine: bool = False
    overdue: bool = False


def referral_queue(*, user: User, filters: QueueFilters, now: dt.datetime) -> QuerySet[Referral]:
    """The open referrals of the user's schools in queue order (rule 6): priority, then due
    time, then age; `is_overdue` marks those past due."""
    referrals = (
        staff_referrals(user)
        .filter(status__in=OPEN_STATUSES)
        .select_related("student", "assignee", "school")
        .annotate(is_overdue=ExpressionWrapper(Q(due_at__lt=now), output_field=BooleanField()))
    )
    if filters.status in OPEN_STATUSES:
        referrals = referrals.filter(status=filters.status)
    if filters.priority:
        referrals = referrals.filter(priority=filters.priority)
    if filters.grade is not None:
        referrals = referrals.filter(student__grade=filters.grade)
    if filters.mine:
        referrals = referrals.filter(assignee=user)
    elif filters.assignee == 0:
        referrals = referrals.filter(assignee__isnull=True)
    elif filters.assignee:
        referrals = referrals.filter(assignee_id=filters.assignee)
    if filters.overdue:
        referrals = referrals.filter(due_at__lt=now)
    return referrals.order_by("priority", "due_at", "opened_at", "pk")


@dataclass(frozen=True)
class LeadingReason:
    reason: ReferralReason | None
    more: int  # the referral's other reasons, shown as "+N more"


def leading_reasons(referrals: list[Referral]) -> dict[int, LeadingReason]:
    """Each referral's most serious reason and how many others it has: one query for the
    page (so the queue query itself stays an index scan in queue order)."""
    by_referral: dict[int, list[ReferralReason]] = {}
    rows = ReferralReason.objects.filter(referral__in=referrals).select_related("raised_by", "rule")
    for reason in rows.order_by():
        by_referral.setdefault(reason.referral_id, []).append(reason)
    return {
        referral_id: LeadingReason(texts.leading_reason(reasons), len(reasons) - 1)
        for referral_id, reasons in by_referral.items()
    }


def queue_counts(*, user: User) -> dict[str, int]:
    """Open referrals per status across the user's schools (one query)."""
    rows = (
        staff_referrals(user)
        .filter(status__in=OPEN_STATUSES)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = dict.fromkeys(OPEN_STATUSES, 0)
    counts.update(dict(rows))
    return counts


def school_counsellors(user: User) -> QuerySet[User]:
    """Counsellors of the user's schools (for the assignee filter and reassignment)."""
    return gate.counsellors_of(gate.school_ids(user, "referral.view")).order_by(
        "last_name", "first_name", "username"
    )


def referral_for_staff(*, user: User, pk: int) -> Referral:
    """One referral of the user's schools, with what its page shows; 404 otherwise."""
    referral = (
        staff_referrals(user)
        .select_related("student__school", "assignee", "referred_to_provider")
        .prefetch_related(
            Prefetch("reasons", queryset=ReferralReason.objects.select_related("raised_by")),
            Prefetch("events", queryset=ReferralEvent.objects.select_related("actor")),
        )
        .filter(pk=pk)
        .first()
    )
    if referral is None:
        raise Http404
    return referral


@dataclass(frozen=True)
class VisibleNotes:
    notes: list[ReferralNote]
    hidden_private: int  # others' memory-aid notes: counted, never shown


def referral_notes(*, user: User, referral: Referral) -> VisibleNotes:
    """Counsellor notes for the school's counsellors and administrators; a private note
    only for its author (FERPA sole-possession); nothing for anyone else."""
    if not gate.may(user, "referral.view", referral):
        return VisibleNotes([], 0)
    notes = referral.notes.select_related("author").annotate(
        hidden=ExpressionWrapper(Q(private=True) & ~Q(author=user), output_field=BooleanField())
    )
    rows = list(notes)
    return VisibleNotes([n for n in rows if not n.hidden], sum(1 for n in rows if n.hidden))


def staff_student(*, user: User, pk: int) -> Student:
    """A student of the user's schools (counsellors/administrators); 404 otherwise."""
    student = gate.students(user, "school.view").select_related("school").filter(pk=pk).first()
    if student is None:
        raise Http404
    return student


def student_referrals(*, user: User, student: Student) -> QuerySet[Referral]:
    return (
        staff_referrals(user)
        .filter(student=student)
        .select_related("assignee", "referred_to_provider")
        .prefetch_related(
            Prefetch("reasons", queryset=ReferralReason.objects.select_related("raised_by")),
            Prefetch("events", queryset=ReferralEvent.objects.select_related("actor")),
        )
        .order_by("-opened_at")
    )


@dataclass(frozen=True)
class RaisedConcern:
    """What a teacher may know about a concern they raised: that a referral exists, and
    whether it is open or closed. Nothing more."""

    student: Student
    is_open: bool
    raised_at: dt.datetime


def concerns_raised_by(*, user: User, student: Student | None = None) -> list[RaisedConcern]:
    students = gate.students(user, "student.teach")
    referrals = (
        Referral.objects.filter(reasons__raised_by=user, student__in=students)
        .values("pk", "student_id", "status")
        .annotate(raised_at=Max("reasons__created_at", filter=Q(reasons__raised_by=user)))
        .order_by("-raised_at")
    )
    if student is not None:
        referrals = referrals.filter(student=student)
    rows = list(referrals[:50])
    by_id = Student.objects.in_bulk({r["student_id"] for r in rows})
    return [
        RaisedConcern(by_id[r["student_id"]], r["status"] != Status.CLOSED, r["raised_at"])
        for r in rows
    ]


def notifications_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("referral")


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
