"""Referrals: threshold rules turn signals into referrals that a counsellor works to a close.

Split by concern: `rules` (what fires), `referral` (the case, its reasons, events and notes),
`people` (who is on call, external providers, in-app notifications).
"""

from schoolwell.referrals.models.people import ExternalProvider, Notification, OnCall
from schoolwell.referrals.models.referral import (
    OPEN_STATUSES,
    Priority,
    ReasonCode,
    Referral,
    ReferralEvent,
    ReferralNote,
    ReferralReason,
    Source,
    Status,
)
from schoolwell.referrals.models.rules import (
    DueUnit,
    RuleChange,
    RuleKind,
    RuleReview,
    ThresholdRule,
)

__all__ = [
    "OPEN_STATUSES",
    "DueUnit",
    "ExternalProvider",
    "Notification",
    "OnCall",
    "Priority",
    "ReasonCode",
    "Referral",
    "ReferralEvent",
    "ReferralNote",
    "ReferralReason",
    "RuleChange",
    "RuleKind",
    "RuleReview",
    "Source",
    "Status",
    "ThresholdRule",
]
