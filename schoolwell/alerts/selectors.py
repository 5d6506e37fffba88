"""Reads of the outbox, scoped to the user asking."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from schoolwell.accounts import gate
from schoolwell.accounts.models import User
from schoolwell.alerts.models import Delivery, NotificationSettings


def administered_deliveries(
    *, user: User, state: str = "", school_id: int | None = None
) -> QuerySet[Delivery]:
    """The deliveries of the schools the user administers (school or district
    administrators); a 403 for anyone else."""
    school_ids = gate.school_ids(user, "alerts.deliveries.view")
    if not school_ids:
        raise PermissionDenied(_("Only administrators see alert delivery."))
    rows = Delivery.objects.filter(school_id__in=school_ids)
    if school_id:
        rows = rows.filter(school_id=school_id)
    if state:
        rows = rows.filter(state=state)
    return rows.select_related("recipient", "school").order_by("-created_at", "-pk")


def referral_deliveries(*, user: User, referral) -> list[Delivery]:
    """A referral's deliveries for its page (whose view has already checked the user may
    see the referral: its school's staff)."""
    if not gate.may(user, "referral.view", referral):
        return []
    return list(
        Delivery.objects.filter(referral_id=referral.pk)
        .select_related("recipient")
        .order_by("created_at", "pk")
    )


def settings_for(user: User) -> NotificationSettings:
    """The user's settings; unsaved defaults if they never chose."""
    return NotificationSettings.objects.filter(user=user).first() or NotificationSettings(user=user)
