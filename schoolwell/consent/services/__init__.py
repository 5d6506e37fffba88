"""Writes of consent (one transaction each). Import from here:
`from schoolwell.consent.services import consent_grant`."""

from schoolwell.consent.services.decisions import (
    consent_deny,
    consent_grant,
    consent_revoke,
    consent_self_record,
)
from schoolwell.consent.services.forms import (
    consent_default_forms_create,
    consent_form_draft_create,
    consent_form_draft_update,
    consent_form_publish,
    consent_form_withdraw,
    consent_settings_update,
)
from schoolwell.consent.services.notices import consent_notices_send, consent_reminders_send

__all__ = [
    "consent_default_forms_create",
    "consent_deny",
    "consent_form_draft_create",
    "consent_form_draft_update",
    "consent_form_publish",
    "consent_form_withdraw",
    "consent_grant",
    "consent_notices_send",
    "consent_reminders_send",
    "consent_revoke",
    "consent_self_record",
    "consent_settings_update",
]
