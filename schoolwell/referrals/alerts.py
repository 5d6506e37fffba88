"""Who hears about a referral event, what they are told, and the periodic overdue check.

Alerts go through the outbox (schoolwell.alerts): `referral_alert_enqueue` writes one row
per recipient and channel inside the transaction that made the event, so the alert commits
with the referral or not at all, and the outbox's tasks send, retry and escalate it.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwell.accounts import gate
from schoolwell.accounts.models import User
from schoolwell.alerts import messages
from schoolwell.alerts.models import Channel, Delivery, Kind, State
from schoolwell.alerts.services import Alert, alert_recipients, deliveries_create
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


def _administrators(school_id: int) -> list[User]:
    return list(gate.administrators_of([school_id]).order_by("pk"))


def _alert_for(event: ReferralEvent) -> tuple[str, list[User], tuple[str, ...]] | None:
    """(kind, the people the alert is for by their role, channels); None when the event
    needs nobody's attention. Routine referrals wait in the queue: fewer alerts, so the
    urgent one is not buried."""
    referral = event.referral
    both = (Channel.IN_APP, Channel.EMAIL)
    if event.kind in (ReferralEvent.Kind.CREATED, ReferralEvent.Kind.PRIORITY_RAISED):
        priority = event.data.get("priority")
        if priority == Priority.URGENT:
            return Kind.URGENT, on_call_counsellors(referral.school_id), both
        if priority == Priority.HIGH:
            return Kind.HIGH, on_call_counsellors(referral.school_id), (Channel.IN_APP,)
    if event.kind == ReferralEvent.Kind.ESCALATED:
        return Kind.ESCALATION, _administrators(referral.school_id), both
    if event.kind == ReferralEvent.Kind.OVERDUE and referral.assignee_id:
        return Kind.OVERDUE, [referral.assignee], (Channel.IN_APP,)
    if event.kind == ReferralEvent.Kind.REASSIGNED:
        if referral.priority == Priority.URGENT:
            # Handing over an urgent referral: the new counsellor must know now.
            return Kind.URGENT, [referral.assignee], both
        return Kind.REASSIGNED, [referral.assignee], (Channel.IN_APP,)
    return None


def referral_alert_enqueue(event: ReferralEvent, *, now: dt.datetime | None = None) -> int:
    """Write the outbox rows an event calls for, in the caller's transaction (the services
    that make events call this). Returns how many people will be alerted."""
    found = _alert_for(event)
    if found is None:
        return 0
    kind, base, channels = found
    referral = event.referral
    recipients = alert_recipients(
        kind=kind,
        base=base,
        pool=(
            gate.counsellors_of([referral.school_id]) | gate.administrators_of([referral.school_id])
        ).distinct(),
        assignee_id=referral.assignee_id,
    )
    if not recipients:
        return 0
    deliveries_create(
        alert=Alert(
            kind=kind,
            school_id=referral.school_id,
            message_code=f"referral.{event.kind}",
            channels=channels,
            params={"priority": referral.priority},
            referral_id=referral.pk,
            referral_event_id=event.pk,
        ),
        recipients=recipients,
        now=now,
    )
    return len(recipients)


def referrals_mark_overdue(*, now: dt.datetime) -> dict[str, int]:
    """Mark open referrals past their due time; escalate the unclaimed ones to the school's
    administrators. Each referral is marked (and escalated) once, and its alerts are
    written in the same transaction as the mark."""
    marked = escalated = 0
    while True:
        with transaction.atomic():
            batch = list(
                Referral.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(status__in=OPEN_STATUSES, overdue_at__isnull=True, due_at__lt=now)
                .select_related("school", "assignee")
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
                referral_alert_enqueue(event, now=now)
                marked += 1
    return {"marked": marked, "escalated": escalated}


# What the alerts say, rendered at send time in the recipient's language.


def _values(delivery: Delivery) -> dict[str, str]:
    referral = delivery.referral
    return {
        "priority": Priority(delivery.params.get("priority", referral.priority)).label,
        "student": referral.student.display_name,
        "school": referral.school.name,
    }


def _render(delivery: Delivery) -> messages.Rendered:
    referral = (
        Referral.objects.select_related("student", "school").get(pk=delivery.referral_id)
        if delivery.referral_id
        else None
    )
    delivery.referral = referral
    values = _values(delivery)
    event_kind = delivery.message_code.split(".", 1)[1]
    path = reverse("referrals:detail", args=[referral.pk])
    link = messages.absolute_url(path)
    if event_kind == "delivery_failed":
        return _render_failure(delivery, values, path, link)
    if event_kind == ReferralEvent.Kind.ESCALATED:
        text = _("Unclaimed past its due time: %(priority)s referral for %(student)s") % values
        subject = _("SchoolWell: unclaimed referral at %(school)s (%(priority)s)") % values
    elif event_kind == ReferralEvent.Kind.OVERDUE:
        text = _("Overdue: %(priority)s referral for %(student)s") % values
        subject = _("SchoolWell: overdue referral at %(school)s (%(priority)s)") % values
    elif event_kind == ReferralEvent.Kind.REASSIGNED:
        text = _("Assigned to you: %(priority)s referral for %(student)s") % values
        subject = _("SchoolWell: a referral at %(school)s is assigned to you (%(priority)s)") % (
            values
        )
    else:
        text = _("%(priority)s referral for %(student)s at %(school)s") % values
        subject = _("SchoolWell: referral at %(school)s (%(priority)s) — act now") % values
    # The email names no student and no reason: mailboxes are less protected than the app.
    body = _(
        "A referral at %(school)s needs a counsellor. Priority: %(priority)s.\n\n"
        "Open it in SchoolWell: %(link)s\n\n"
        "Details are only in SchoolWell, never in email."
    ) % {**values, "link": link}
    summary = _("%(kind)s at %(school)s (%(priority)s)") % {
        **values,
        "kind": Kind(delivery.kind).label,
    }
    return messages.Rendered(subject=subject, body=body, summary=summary, text=text, path=path)


def _render_failure(delivery: Delivery, values: dict, path: str, link: str) -> messages.Rendered:
    failed = Delivery.objects.select_related("recipient").get(pk=delivery.params["failed"])
    values = {
        **values,
        "name": str(failed.recipient),
        "channel": Channel(failed.channel).label,
        "attempts": failed.attempts,
    }
    subject = _("SchoolWell: an alert about a referral at %(school)s was not delivered") % values
    body = _(
        "An alert about a referral at %(school)s (%(priority)s) could not be delivered to "
        "%(name)s (%(channel)s) after %(attempts)s attempts. Make sure someone acts on it.\n\n"
        "Open it in SchoolWell: %(link)s\n\n"
        "Details are only in SchoolWell, never in email."
    ) % {**values, "link": link}
    text = _("Not delivered to %(name)s: %(priority)s referral for %(student)s") % values
    summary = _("Alert not delivered to %(name)s (%(school)s)") % values
    return messages.Rendered(subject=subject, body=body, summary=summary, text=text, path=path)


def _deliver_in_app(delivery: Delivery, rendered: messages.Rendered) -> None:
    # One notification per user per event (a unique constraint): a retry never doubles it.
    Notification.objects.get_or_create(
        user_id=delivery.recipient_id,
        event_id=delivery.referral_event_id,
        defaults={
            "referral_id": delivery.referral_id,
            "message": rendered.text[:255],
            "emailed": Delivery.objects.filter(
                recipient_id=delivery.recipient_id,
                referral_event_id=delivery.referral_event_id,
                channel=Channel.EMAIL,
                state=State.SENT,
            ).exists(),
        },
    )


def _on_sent(delivery: Delivery) -> None:
    """The referral's history says, once per event, that its alert went out (rule 8)."""
    if delivery.channel == Channel.EMAIL:
        Notification.objects.filter(
            user_id=delivery.recipient_id, event_id=delivery.referral_event_id
        ).update(emailed=True)
    if delivery.kind == Kind.DELIVERY_FAILED:
        return
    with transaction.atomic():
        # The referral's row lock makes two workers finishing at once write one event.
        referral = Referral.objects.select_for_update().get(pk=delivery.referral_id)
        event = ReferralEvent.objects.get(pk=delivery.referral_event_id)
        if event.kind == ReferralEvent.Kind.REASSIGNED:
            return
        if referral.events.filter(kind=ReferralEvent.Kind.ALERTED, data__for_event=event.pk):
            return
        rows = Delivery.objects.filter(referral_event=event, escalated_from__isnull=True)
        ReferralEvent.objects.create(
            referral=referral,
            kind=ReferralEvent.Kind.ALERTED,
            at=timezone.now(),
            data={
                "for_event": event.pk,
                "to": sorted(set(rows.values_list("recipient_id", flat=True))),
                "email": rows.filter(channel=Channel.EMAIL).exists(),
            },
        )


def _escalate_to(delivery: Delivery) -> list[User]:
    """The next on-call counsellor after the one who could not be reached (or another
    counsellor of the school), and the school's administrators."""
    counsellors = [u for u in on_call_counsellors(delivery.school_id)]
    others = list(gate.counsellors_of([delivery.school_id]).order_by("pk"))
    ids = [u.pk for u in counsellors]
    after = []
    if delivery.recipient_id in ids:
        at = ids.index(delivery.recipient_id)
        after = counsellors[at + 1 :] + counsellors[:at]
    candidates = after or [u for u in counsellors + others if u.pk != delivery.recipient_id]
    nxt = candidates[:1]
    return nxt + [u for u in _administrators(delivery.school_id) if u not in nxt]


def register_messages() -> None:
    kind = messages.MessageType(
        render=_render,
        deliver_in_app=_deliver_in_app,
        escalate_to=_escalate_to,
        on_sent=_on_sent,
    )
    for code in (*ReferralEvent.Kind.values, "delivery_failed"):
        messages.register(f"referral.{code}", kind)
