"""The counsellor's day: what the referrals app puts on "needs action today" and on the
caseload (core.registry providers), and the caseload grouped by student. Each provider
costs a fixed number of queries whatever the queue's size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwell.accounts import gate
from schoolwell.accounts.models import User
from schoolwell.core import registry
from schoolwell.core.registry import ActionItem
from schoolwell.referrals import selectors, texts
from schoolwell.referrals.models import OPEN_STATUSES, Priority, Referral, Status
from schoolwell.roster.models import Student
from schoolwell.roster.selectors import visible_students

LIMIT = 10  # per group on the home page; the queue lists the rest

# What the assignee does next, by the referral's status.
NEXT_STEP = {
    Status.CLAIMED: lambda: _("First contact"),
    Status.TRIAGE: lambda: _("Decide the next steps"),
    Status.IN_PROGRESS: lambda: _("Continue support"),
    Status.REFERRED_OUT: lambda: _("Check on the referral out"),
}


def _counselled(user: User) -> frozenset[int]:
    return gate.school_ids(user, "referral.work")


def _items(referrals: list[Referral], *, group: str, order: int, title, now) -> list[ActionItem]:
    leading = selectors.leading_reasons(referrals)
    items = []
    for r in referrals:
        lead = leading.get(r.pk)
        overdue = r.due_at < now
        items.append(
            ActionItem(
                group=group,
                group_order=order,
                title=title(r),
                url=reverse("referrals:detail", args=[r.pk]),
                student_id=r.student_id,
                student_name=r.student.display_name,
                when=r.due_at,
                detail=texts.reason_text(lead.reason) if lead and lead.reason else "",
                badge="overdue" if overdue else Priority(r.priority).css,
            )
        )
    return items


def action_items(request, scope, today: dt.date) -> list[ActionItem]:
    """Urgent and overdue referrals (unclaimed or the user's own), then students flagged
    but not yet seen by anyone."""
    counselled = gate.school_ids(scope, "referral.work")
    if not counselled:
        return []
    user, now = request.user, timezone.now()
    mine_or_free = Q(assignee=user) | Q(assignee__isnull=True)
    open_ = Referral.objects.filter(
        school_id__in=counselled, status__in=OPEN_STATUSES
    ).select_related("student")
    pressing = list(
        open_.filter(mine_or_free)
        .filter(Q(priority=Priority.URGENT) | Q(due_at__lt=now))
        .order_by("priority", "due_at", "pk")[:LIMIT]
    )
    unseen = list(
        open_.filter(status=Status.NEW, assignee__isnull=True, due_at__gte=now)
        .exclude(priority=Priority.URGENT)
        .order_by("priority", "due_at", "pk")[:LIMIT]
    )

    def pressing_title(r):
        if r.due_at < now:
            return _("Overdue: %(priority)s referral") % {"priority": r.get_priority_display()}
        return _("Urgent referral")

    return _items(
        pressing, group=_("Urgent and overdue"), order=10, title=pressing_title, now=now
    ) + _items(
        unseen,
        group=_("Flagged, not yet seen"),
        order=40,
        title=lambda r: (
            _("%(priority)s referral, unclaimed") % {"priority": r.get_priority_display()}
        ),
        now=now,
    )


def caseload_items(user: User, today: dt.date) -> list[ActionItem]:
    """One item per open referral assigned to the user: its next step and due time."""
    now = timezone.now()
    referrals = list(
        Referral.objects.filter(
            assignee=user, status__in=OPEN_STATUSES, school_id__in=_counselled(user)
        )
        .select_related("student")
        .order_by("due_at", "pk")
    )
    return _items(
        referrals,
        group=_("Referrals"),
        order=50,
        title=lambda r: NEXT_STEP.get(r.status, lambda: r.get_status_display())(),
        now=now,
    )


@dataclass(frozen=True)
class CaseloadRow:
    student: Student
    items: list[ActionItem]

    @property
    def next(self) -> ActionItem:
        return min(self.items, key=_when)


def _when(item: ActionItem) -> dt.datetime:
    when = item.when
    if when is None:
        return dt.datetime.max.replace(tzinfo=dt.UTC)
    if isinstance(when, dt.datetime):
        return when
    return timezone.make_aware(dt.datetime.combine(when, dt.time.min))


def caseload(*, user: User, today: dt.date) -> list[CaseloadRow]:
    """The user's students with what each needs next, soonest first. Students come from
    visible_students, so an item never reveals a student outside the user's scope."""
    by_student: dict[int, list[ActionItem]] = {}
    for item in registry.caseload_items(user, today):
        if item.student_id is not None:
            by_student.setdefault(item.student_id, []).append(item)
    students = visible_students(user).filter(pk__in=list(by_student)).in_bulk()
    rows = [
        CaseloadRow(students[pk], sorted(items, key=_when))
        for pk, items in by_student.items()
        if pk in students
    ]
    return sorted(rows, key=lambda row: (_when(row.next), row.student.display_name))
