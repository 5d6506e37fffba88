"""The alerts part of `seed_demo` (order 65, after the referrals' cases): the demo
counsellor's notification settings, and deliveries in every state on the demo district —
sent (the referrals' own alerts), retrying, and given up with its escalation."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from schoolwell.accounts.models import User
from schoolwell.alerts.models import Audience, Channel, Delivery, Kind, State
from schoolwell.alerts.sending import delivery_escalate, retry_delay
from schoolwell.alerts.services import notification_settings_save

REFUSED = "SMTPDataError: (451, b'4.3.0 Mail server temporarily unavailable')"
UNREACHABLE = "ConnectionRefusedError: [Errno 111] Connection refused"


@transaction.atomic
def seed_deliveries(district, rng, stdout) -> None:
    counsellor = User.objects.filter(username="counsellor").first()
    if counsellor is None:
        return
    if not hasattr(counsellor, "notification_settings"):
        notification_settings_save(
            user=counsellor,
            audiences={
                Kind.HIGH: Audience.ALL,
                Kind.OVERDUE: Audience.CASELOAD,
                Kind.REASSIGNED: Audience.CASELOAD,
            },
            daily_digest=False,
        )
    schools = district.schools.all()
    if Delivery.objects.filter(school__in=schools, state=State.GAVE_UP).exists():
        return
    emails = list(
        Delivery.objects.filter(
            school__in=schools, channel=Channel.EMAIL, state__in=[State.SENT, State.QUEUED]
        )
        .exclude(kind=Kind.DELIVERY_FAILED)
        .select_related("recipient")
        .order_by("created_at", "pk")
    )
    if len(emails) < 2:
        return
    now = timezone.now()
    # The mail server refused twice: retried with backoff, next attempt in a minute.
    retrying, failed = emails[-1], emails[0]
    Delivery.objects.filter(pk=retrying.pk).update(
        state=State.RETRYING,
        attempts=2,
        sent_at=None,
        last_error=REFUSED,
        next_attempt_at=now + retry_delay(2),
    )
    # An urgent alert that never got through: given up, the next on-call counsellor and the
    # administrators alerted instead (queued here; the sweep or the dev server's eager tasks
    # send them).
    Delivery.objects.filter(pk=failed.pk).update(
        state=State.GAVE_UP, attempts=6, sent_at=None, last_error=UNREACHABLE
    )
    failed.refresh_from_db()
    escalations = delivery_escalate(delivery=failed, now=failed.created_at + dt.timedelta(hours=1))
    if stdout:
        stdout.write(
            f"Alerts: demo deliveries retrying and given up ({len(escalations)} escalation rows);"
            " notification settings for the counsellor."
        )
