"""What every support service shares: the refusal error and the gate checks."""

from __future__ import annotations

from django.utils.translation import gettext as _

from schoolwell.accounts import gate
from schoolwell.accounts.models import User
from schoolwell.support.models import (
    PlanStatus,
    SupportPlan,
)

RATING_RANGE = (0, 10)
CHECKIN_RANGE = (1, 5)


class SupportError(ValueError):
    """A refused change: the message is shown to the user, nothing was written."""

    status_code = 400


def _require_manage(user: User, school_id: int) -> None:
    if school_id not in gate.school_ids(user, "support.plan.edit"):
        raise SupportError(_("Only the school's counsellors can change support plans."))


def _require_active(plan: SupportPlan) -> None:
    if plan.status != PlanStatus.ACTIVE:
        raise SupportError(_("This plan is closed."))
