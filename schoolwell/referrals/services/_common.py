"""What the referral services share: their errors, events and the alert hand-off."""

from __future__ import annotations

import datetime as dt

from schoolwell.core.figures import school_figures_changed
from schoolwell.referrals.models import Referral, ReferralEvent

NOTE_MAX_LENGTH = 5000


class ReferralError(Exception):
    """Bad input or a step not allowed now: shown to the user, nothing changed."""

    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ReferralConflict(ReferralError):
    status_code = 409


class ReferralForbidden(ReferralError):
    status_code = 403


def _event(referral: Referral, kind: str, *, at: dt.datetime, actor=None, **data) -> ReferralEvent:
    # Every change of a referral is an event: the school's dashboard figures move with it.
    school_figures_changed([referral.school_id])
    return ReferralEvent.objects.create(referral=referral, kind=kind, at=at, actor=actor, data=data)


def _alert(event: ReferralEvent) -> None:
    """Write the event's alerts to the outbox in this same transaction: they commit with the
    event or not at all, and are sent (and retried) after commit."""
    from schoolwell.referrals.alerts import referral_alert_enqueue

    referral_alert_enqueue(event, now=event.at)
