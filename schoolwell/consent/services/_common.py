"""What every consent write checks: who may do it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from schoolwell.accounts import gate
from schoolwell.accounts.models import User

TEXT_FIELDS = ("title", "summary", "body", "grant_label", "deny_label", "revoke_label")


def require_administrator(user: User, school_id: int) -> None:
    # Consent forms and policy are a school administrator's (DESIGN: who may do what).
    if school_id not in gate.school_ids(user, "consent.manage"):
        raise PermissionDenied(_("Only the school's administrators may do this."))


def require_school_staff(user: User, school_id: int) -> None:
    # Paper and phone decisions: entered by the school's administrators or counsellors.
    if school_id not in gate.school_ids(user, "consent.record"):
        raise PermissionDenied(_("Only the school's administrators and counsellors may do this."))
