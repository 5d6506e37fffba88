"""Reminders when a provider has not acknowledged a referral within REMIND_AFTER_DAYS: an
outbox row (schoolwell.alerts) to the referral's counsellor, again every as many days."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from schoolwell.alerts import messages
from schoolwell.alerts.models import Channel, Delivery, Kind
from schoolwell.alerts.services import Alert, deliveries_create
from schoolwell.community.models import ProviderReferral
from schoolwell.community.services import REMIND_AFTER_DAYS

MESSAGE_CODE = "community.unacknowledged"


def loops_remind(*, now: dt.datetime) -> int:
    """One reminder per unacknowledged loop per period; returns how many were written."""
    due = now - dt.timedelta(days=REMIND_AFTER_DAYS)
    sent = 0
    with transaction.atomic():
        loops = (
            ProviderReferral.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(acknowledged_at__isnull=True, completed_at__isnull=True, created_at__lt=due)
            .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=due))
            .select_related("referral__assignee", "created_by")
        )
        for loop in loops:
            counsellor = loop.referral.assignee or loop.created_by
            deliveries_create(
                alert=Alert(
                    kind=Kind.OVERDUE,
                    school_id=loop.referral.school_id,
                    message_code=MESSAGE_CODE,
                    channels=(Channel.EMAIL,),
                    params={"loop": loop.pk},
                    referral_id=loop.referral_id,
                ),
                recipients=[counsellor],
                now=now,
            )
            loop.reminded_at = now
            loop.reminders += 1
            loop.save(update_fields=["reminded_at", "reminders"])
            sent += 1
    return sent


def _render(delivery: Delivery) -> messages.Rendered:
    loop = ProviderReferral.objects.select_related("provider").get(pk=delivery.params["loop"])
    path = reverse("referrals:detail", args=[loop.referral_id])
    values = {"provider": loop.provider.name, "days": REMIND_AFTER_DAYS}
    # Like every email: no student's name, no reason.
    text = _("%(provider)s has not acknowledged a referral after %(days)s days.") % values
    body = (
        text + "\n\n" + _("Open it in SchoolWell: %(link)s") % {"link": messages.absolute_url(path)}
    )
    return messages.Rendered(
        subject=_("SchoolWell: a provider has not acknowledged a referral"),
        body=body,
        summary=text,
        text=text,
        path=path,
    )


def message_type() -> messages.MessageType:
    from schoolwell.referrals.alerts import _escalate_to

    return messages.MessageType(
        render=_render,
        deliver_in_app=lambda delivery, rendered: None,  # email only
        escalate_to=_escalate_to,
    )
