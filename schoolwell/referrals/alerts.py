"""Who hears about a referral event, and the periodic overdue check with its escalations.

Run by Celery tasks (tasks.py). Delivery is idempotent: one Notification per user per
event (a unique constraint), and an email only when that notification is first created,
so a retried task never alerts twice.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from schoolwell.accounts import gate
from schoolwell.accounts.models import User
from schoolwell.referrals.models import (
    OPEN_STATUSES,
    Notification,
    Priority,
    Referral,
    ReferralEvent,
)

BATCH = 500


def on_call_counsellors(school_id: int) -> list[User]:
    """The school's on-call counsellors; every counsellor of the school if nobody is on
    call, so an urgent alert never goes nowhere (rule 4)."""
    counsellors = gate.counsellors_of([school_id])
    on_call = list(
        counsellors.filter(on_call__school_id=school_id, on_call__active=True).order_by("pk")
    )
    return on_call or list(counsellors.order_by("pk"))


def _recipients(event: ReferralEvent) -> tuple[list[User], bool]:
    """(who, also by email) for an event; nobody for events that need no one's attention."""
    referral = event.referral
    kind = event.kind
    if kind in (ReferralEvent.Kind.CREATED, ReferralEvent.Kind.PRIORITY_RAISED):
        priority = event.data.get("priority")
        if priority == Priority.URGENT:
            return on_call_counsellors(referral.school_id), True
        if priority == Priority.HIGH:
            return on_call_counsellors(referral.school_id), False
    if kind == ReferralEvent.Kind.ESCALATED:
        return list(gate.administrators_of([referral.school_id]).order_by("pk")), True
    if kind == ReferralEvent.Kind.OVERDUE and referral.assignee_id:
        return [referral.assignee], False
    if kind == ReferralEvent.Kind.REASSIGNED:
        return [referral.assignee], referral.priority == Priority.URGENT
    return [], False


def _message(event: ReferralEvent) -> str:
    referral = event.referral
    values = {
        "priority": Priority(referral.priority).label,
        "student": referral.student.display_name,
        "school": referral.school.name,
    }
    if event.kind == ReferralEvent.Kind.ESCALATED:
        return _("Unclaimed past its due time: %(priority)s referral for %(student)s") % values
    if event.kind == ReferralEvent.Kind.OVERDUE:
        return _("Overdue: %(priority)s referral for %(student)s") % values
    if event.kind == ReferralEvent.Kind.REASSIGNED:
        return _("Assigned to you: %(priority)s referral for %(student)s") % values
    return _("%(priority)s referral for %(student)s at %(school)s") % values


def _email(user: User, event: ReferralEvent) -> None:
    # The email names no student and no reason: mailboxes are less protected than the app.
    referral = event.referral
    link = getattr(settings, "SITE_URL", "") + reverse("referrals:detail", args=[referral.pk])
    values = {"priority": Priority(referral.priority).label, "school": referral.school.name}
    if event.kind == ReferralEvent.Kind.ESCALATED:
        subject = _("SchoolWell: unclaimed referral at %(school)s (%(priority)s)") % values
    else:
        subject = _("SchoolWell: referral at %(school)s (%(priority)s) — act now") % values
    body = _(
        "A referral at %(school)s needs a counsellor. Priority: %(priority)s.\n\n"
        "Open it in SchoolWell: %(link)s\n\n"
        "Details are only in SchoolWell, never in email."
    ) % {**values, "link": link}
    send_mail(subject, body, None, [user.email])


def referral_event_notify(*, event_id: int) -> int:
    """Deliver the in-app notifications (and emails) an event calls for. Returns how many
    people were newly notified."""
    event = ReferralEvent.objects.select_related(
        "referral__student", "referral__school", "referral__assignee"
    ).get(pk=event_id)
    recipients, by_email = _recipients(event)
    delivered = []
    for user in recipients:
        with translation.override(user.preferred_language):
            try:
                with transaction.atomic():
                    notification = Notification.objects.create(
                        user=user, referral=event.referral, event=event, message=_message(event)
                    )
            except IntegrityError:
                continue  # already delivered by an earlier run of this task
            if by_email and user.email:
                _email(user, event)
                Notification.objects.filter(pk=notification.pk).update(emailed=True)
        delivered.append(user.pk)
    if delivered and event.kind != ReferralEvent.Kind.REASSIGNED:
        ReferralEvent.objects.create(
            referral=event.referral,
            kind=ReferralEvent.Kind.ALERTED,
            at=timezone.now(),
            data={"for_event": event.pk, "to": delivered, "email": by_email},
        )
    return len(delivered)


def referrals_mark_overdue(*, now: dt.datetime) -> dict[str, int]:
    """Mark open referrals past their due time; escalate the unclaimed ones to the school's
    administrators. Each referral is marked (and escalated) once."""
    from schoolwell.referrals.tasks import referral_event_notify as notify_task

    marked = escalated = 0
    while True:
        with transaction.atomic():
            batch = list(
                Referral.objects.select_for_update(skip_locked=True)
                .filter(status__in=OPEN_STATUSES, overdue_at__isnull=True, due_at__lt=now)
                .order_by("due_at")[:BATCH]
            )
            if not batch:
                break
            for referral in batch:
                referral.overdue_at = now
                kind = ReferralEvent.Kind.OVERDUE
                fields = ["overdue_at"]
                if referral.assignee_id is None and referral.escalated_at is None:
                    referral.escalated_at = now
                    fields.append("escalated_at")
                    kind = ReferralEvent.Kind.ESCALATED
                    escalated += 1
                referral.save(update_fields=fields)
                event = ReferralEvent.objects.create(
                    referral=referral,
                    kind=kind,
                    at=now,
                    data={"due_at": referral.due_at.isoformat()},
                )
                transaction.on_commit(lambda pk=event.pk: notify_task.delay(pk))
                marked += 1
    return {"marked": marked, "escalated": escalated}
