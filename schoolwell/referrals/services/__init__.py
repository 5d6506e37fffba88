"""Writes to referrals. Each service is one transaction and writes its own ReferralEvent.

Rules enforced here: one open referral per student, new triggers add reasons to it (rule 3,
`triggers`); claiming is exclusive (rule 5) and every step is an append-only event (rule 8,
`workflow`); an urgent referral alerts the on-call counsellors once, after commit (rule 4).
"""

from schoolwell.referrals.services._common import (
    NOTE_MAX_LENGTH,
    ReferralConflict,
    ReferralError,
    ReferralForbidden,
)
from schoolwell.referrals.services.oncall import OnCallEntry, on_call_set
from schoolwell.referrals.services.triggers import (
    ALERT_PRIORITIES,
    DEFAULT_DUE,
    Trigger,
    TriggerOutcome,
    concern_raise,
    concerns_raise,
    referral_trigger,
)
from schoolwell.referrals.services.workflow import (
    external_sharing_decision,
    referral_claim,
    referral_close,
    referral_note_add,
    referral_reassign,
    referral_refer_out,
    referral_status_set,
)

__all__ = [
    "ALERT_PRIORITIES",
    "DEFAULT_DUE",
    "NOTE_MAX_LENGTH",
    "OnCallEntry",
    "ReferralConflict",
    "ReferralError",
    "ReferralForbidden",
    "Trigger",
    "TriggerOutcome",
    "concern_raise",
    "concerns_raise",
    "external_sharing_decision",
    "on_call_set",
    "referral_claim",
    "referral_close",
    "referral_note_add",
    "referral_reassign",
    "referral_refer_out",
    "referral_status_set",
    "referral_trigger",
]
