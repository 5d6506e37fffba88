"""Sending outbox rows: claim, deliver, record; retries with exponential backoff; give up
after ALERT_MAX_ATTEMPTS and escalate; the sweep; the daily digest.

A row is claimed by a conditional UPDATE (queued/retrying and due → sending), so two
workers, a retry and the sweep never send the same row twice; the final UPDATE is fenced
by the attempt number, so a stale sender cannot overwrite a newer attempt's outcome.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from schoolwell.alerts import messages
from schoolwell.alerts.models import SENDABLE_STATES, Channel, Delivery, Kind, State
from schoolwell.alerts.services import Alert, deliveries_create, deliveries_kick

logger = logging.getLogger(__name__)
SWEEP_BATCH = 200


def retry_delay(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, 4 min … (ALERT_RETRY_BASE_SECONDS doubling), at most an hour."""
    seconds = settings.ALERT_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, 3600))


def _claim(pk: int, now: dt.datetime) -> Delivery | None:
    won = Delivery.objects.filter(
        pk=pk, state__in=SENDABLE_STATES, next_attempt_at__lte=now
    ).update(state=State.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now())
    if not won:
        return None  # sent, being sent, not due yet, or given up
    return Delivery.objects.select_related("recipient", "school").get(pk=pk)


def _email(delivery: Delivery, rendered: messages.Rendered) -> None:
    EmailMessage(
        rendered.subject,
        rendered.body,
        None,
        [delivery.recipient.email],
        headers={"Message-ID": delivery.message_id},
    ).send(fail_silently=False)


def delivery_send(*, delivery_id: int, now: dt.datetime | None = None) -> str:
    """Send one row if it is due and nobody else is sending it. Returns its new state, or
    "" when there was nothing to do."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return ""
    try:
        kind = messages.message_type(delivery.message_code)
        rendered = messages.render(delivery)
        if delivery.channel == Channel.EMAIL:
            _email(delivery, rendered)
        else:
            with transaction.atomic():
                kind.deliver_in_app(delivery, rendered)
    except Exception as error:  # any failure of the channel: recorded, retried, never lost
        logger.warning("alert delivery %s failed: %s", delivery.pk, error)
        return delivery_record_failure(delivery=delivery, error=error, now=now)
    Delivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts).update(
        state=State.SENT, sent_at=timezone.now(), last_error=""
    )
    if kind.on_sent:
        kind.on_sent(delivery)
    return State.SENT


@transaction.atomic
def delivery_record_failure(*, delivery: Delivery, error: Exception, now: dt.datetime) -> str:
    """Retry later with backoff; after ALERT_MAX_ATTEMPTS give up and tell someone else."""
    text = f"{type(error).__name__}: {error}"[:500]
    current = Delivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts)
    if delivery.attempts >= settings.ALERT_MAX_ATTEMPTS:
        if current.update(state=State.GAVE_UP, last_error=text):
            delivery_escalate(delivery=delivery, now=now)
        return State.GAVE_UP
    delay = retry_delay(delivery.attempts)
    current.update(state=State.RETRYING, last_error=text, next_attempt_at=now + delay)
    transaction.on_commit(lambda: deliveries_kick([delivery.pk], countdown=delay.total_seconds()))
    return State.RETRYING


def delivery_escalate(*, delivery: Delivery, now: dt.datetime) -> list[Delivery]:
    """A given-up delivery becomes new alerts to the people its cause names (the next
    on-call counsellor, the school's administrators). A failed failure report is not
    escalated again: it stays visible on the administrators' page."""
    if delivery.kind == Kind.DELIVERY_FAILED:
        return []
    kind = messages.message_type(delivery.message_code)
    recipients = [u for u in kind.escalate_to(delivery) if u.pk != delivery.recipient_id]
    return deliveries_create(
        alert=Alert(
            kind=Kind.DELIVERY_FAILED,
            school_id=delivery.school_id,
            message_code=f"{delivery.message_code.split('.')[0]}.delivery_failed",
            channels=(Channel.IN_APP, Channel.EMAIL),
            params={"failed": delivery.pk, **delivery.params},
            referral_id=delivery.referral_id,
            referral_event_id=delivery.referral_event_id,
            escalated_from_id=delivery.pk,
        ),
        recipients=recipients,
        now=now,
    )


def deliveries_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Send every row that is due: new rows whose task message was lost (broker down at
    the moment of the cause), retries, and rows a crashed worker left half-sent."""
    now = now or timezone.now()
    lease = now - dt.timedelta(seconds=settings.ALERT_SENDING_LEASE_SECONDS)
    stale = Delivery.objects.filter(state=State.SENDING, claimed_at__lt=lease).update(
        state=State.RETRYING, last_error=_("Interrupted while sending"), next_attempt_at=now
    )
    due = list(
        Delivery.objects.filter(state__in=SENDABLE_STATES, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    outcomes: dict[str, int] = defaultdict(int)
    for pk in due:
        try:
            outcomes[delivery_send(delivery_id=pk, now=now) or "skipped"] += 1
        except Exception:  # one broken row must not hold up every other alert
            logger.exception("alert delivery %s: sweep could not send it", pk)
            outcomes["error"] += 1
    return {"stale": stale, **outcomes}


def digests_send(*, now: dt.datetime | None = None) -> int:
    """One email per person summarising the routine alerts held for their digest."""
    now = now or timezone.now()
    sent = 0
    people = (
        Delivery.objects.filter(state=State.HELD).values_list("recipient_id", flat=True).distinct()
    )
    for user_id in list(people):
        sent += _digest_send(user_id=user_id, now=now)
    return sent


def _digest_send(*, user_id: int, now: dt.datetime) -> int:
    with transaction.atomic():
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(recipient_id=user_id, state=State.HELD)
            .order_by("created_at", "pk")
        )
        if not rows:
            return 0
        ids = [row.pk for row in rows]
        Delivery.objects.filter(pk__in=ids).update(
            state=State.SENDING, attempts=F("attempts") + 1, claimed_at=now
        )
    rows = list(
        Delivery.objects.filter(pk__in=ids)
        .select_related("recipient", "school")
        .order_by("created_at", "pk")
    )
    user = rows[0].recipient
    try:
        lines = []
        for row in rows:
            rendered = messages.render(row)
            lines.append(f"- {rendered.summary}\n  {messages.absolute_url(rendered.path)}")
        with translation.override(user.preferred_language):
            subject = _("SchoolWell: your daily summary (%(n)s items)") % {"n": len(rows)}
            body = (
                _("Routine alerts since your last summary:")
                + "\n\n"
                + "\n".join(lines)
                + "\n\n"
                + _("Details are only in SchoolWell, never in email.")
            )
        message_id = f"<digest-{ids[0]}-{ids[-1]}@{messages.mail_host()}>"
        EmailMessage(subject, body, None, [user.email], headers={"Message-ID": message_id}).send(
            fail_silently=False
        )
    except Exception as error:  # held again: tomorrow's digest tries them once more
        text = f"{type(error).__name__}: {error}"[:500]
        Delivery.objects.filter(pk__in=ids, state=State.SENDING).update(
            state=State.HELD, last_error=text
        )
        logger.warning("digest for user %s failed: %s", user_id, error)
        return 0
    Delivery.objects.filter(pk__in=ids, state=State.SENDING).update(
        state=State.SENT, sent_at=timezone.now(), last_error=""
    )
    return 1
