"""Writing alerts: outbox rows inside the cause's transaction, filtered by each person's
notification settings; and saving those settings."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from schoolwell.accounts.models import User
from schoolwell.alerts.models import (
    ALWAYS_SENT,
    SETTABLE_KINDS,
    Audience,
    Channel,
    Delivery,
    NotificationSettings,
    State,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Alert:
    """What a cause wants said, to whom it is decided separately."""

    kind: str
    school_id: int
    message_code: str
    channels: tuple[str, ...]
    params: dict = field(default_factory=dict)
    referral_id: int | None = None
    referral_event_id: int | None = None
    escalated_from_id: int | None = None


def alert_recipients(
    *, kind: str, base: Sequence[User], pool: QuerySet[User], assignee_id: int | None
) -> list[User]:
    """Who gets an alert of `kind`: the people their role brings it to (`base`: on call,
    administrators, the assignee), as each one's setting narrows or widens it. `pool` is
    everyone of the school who may opt in to "all students". Urgent ignores settings."""
    if kind in ALWAYS_SENT:
        return list(base)
    wanted = {u.pk: u for u in base}
    chosen = {
        s.user_id: s.audience(kind)
        for s in NotificationSettings.objects.filter(user__in=[u.pk for u in base])
    }
    for user_id, audience in chosen.items():
        if audience == Audience.NONE or (audience == Audience.CASELOAD and user_id != assignee_id):
            wanted.pop(user_id, None)
    opted_in = (
        NotificationSettings.objects.filter(user__in=pool)
        .filter(**{f"audiences__{kind}": Audience.ALL})
        .select_related("user")
    )
    for setting in opted_in:
        wanted.setdefault(setting.user_id, setting.user)
    if assignee_id and assignee_id not in wanted:
        setting = (
            NotificationSettings.objects.filter(user_id=assignee_id, user__in=pool)
            .select_related("user")
            .first()
        )
        if setting and setting.audience(kind) == Audience.CASELOAD:
            wanted[assignee_id] = setting.user
    return sorted(wanted.values(), key=lambda u: u.pk)


@transaction.atomic
def deliveries_create(
    *, alert: Alert, recipients: Iterable[User], now: dt.datetime | None = None
) -> list[Delivery]:
    """Outbox rows for each recipient and channel, in the caller's transaction: they commit
    with the cause or not at all. After commit a task is asked to send them now; if the
    broker is down the periodic sweep sends them later."""
    now = now or timezone.now()
    people = list({u.pk: u for u in recipients}.values())
    digest_ids = set()
    if alert.kind not in ALWAYS_SENT:
        digest_ids = set(
            NotificationSettings.objects.filter(
                user__in=[u.pk for u in people], daily_digest=True
            ).values_list("user_id", flat=True)
        )
    rows = []
    for user in people:
        channels = list(alert.channels)
        if user.pk in digest_ids and Channel.EMAIL not in channels:
            channels.append(Channel.EMAIL)  # the digest mentions every routine item
        for channel in sorted(channels, key=lambda c: c != Channel.IN_APP):
            if channel == Channel.EMAIL and not user.email:
                continue
            held = channel == Channel.EMAIL and user.pk in digest_ids
            rows.append(
                Delivery(
                    recipient=user,
                    channel=channel,
                    kind=alert.kind,
                    school_id=alert.school_id,
                    referral_id=alert.referral_id,
                    referral_event_id=alert.referral_event_id,
                    escalated_from_id=alert.escalated_from_id,
                    message_code=alert.message_code,
                    params=alert.params,
                    state=State.HELD if held else State.QUEUED,
                    # Due at once even when the cause is dated (a demo, an import).
                    next_attempt_at=min(now, timezone.now()),
                    created_at=now,
                )
            )
    Delivery.objects.bulk_create(rows)
    queued = [row.pk for row in rows if row.state == State.QUEUED]
    if queued:
        transaction.on_commit(lambda: deliveries_kick(queued))
    return rows


def deliveries_kick(ids: Sequence[int], *, countdown: float = 0) -> None:
    """Ask a worker to send these rows. Losing this message loses nothing: the rows are
    committed and the sweep (CELERY_BEAT_SCHEDULE) picks them up when they are due."""
    from schoolwell.alerts.tasks import delivery_send_task
    from schoolwell.celery import app

    try:
        # No connection retries and no publish retries: with the broker down, give up at
        # once instead of holding the request (or the worker) for seconds.
        with app.connection_for_write(transport_options={"max_retries": 0}) as connection:
            for pk in ids:
                delivery_send_task.apply_async(
                    (pk,), countdown=countdown, retry=False, connection=connection
                )
    except Exception:  # the broker is down: the sweep will send
        logger.warning("alert deliveries %s not queued; the sweep will send them", list(ids))


@transaction.atomic
def notification_settings_save(
    *, user: User, audiences: dict[str, str], daily_digest: bool
) -> NotificationSettings:
    """Store a person's choices; unknown kinds and urgent alerts cannot be configured."""
    clean = {}
    for kind, audience in audiences.items():
        if kind not in SETTABLE_KINDS or audience not in Audience.values:
            raise ValueError(f"not a setting: {kind}={audience}")
        clean[kind] = audience
    setting, _ = NotificationSettings.objects.select_for_update().get_or_create(user=user)
    setting.audiences = clean
    setting.daily_digest = daily_digest
    setting.save()
    return setting
