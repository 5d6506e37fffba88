"""Contacts with the student, family, teachers or providers; the first contact."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwell.accounts.models import User
from schoolwell.core.figures import school_figures_changed
from schoolwell.support.models import (
    STUDENT_CONTACT_KINDS,
    SupportContact,
    SupportPlan,
)
from schoolwell.support.services._common import SupportError, _require_manage


@transaction.atomic
def contact_log(
    *,
    by: User,
    date: dt.date,
    kind: str,
    minutes: int,
    attended: bool,
    note: str = "",
    plan: SupportPlan | None = None,
    referral=None,
) -> SupportContact:
    """Log a contact. The referral's earliest attended contact with the student themself is
    its first contact (distinct from claiming): the program measures time to it."""
    if plan is None and referral is None:
        raise SupportError(_("A contact belongs to a plan or a referral."))
    if plan is not None and referral is not None and plan.referral_id != referral.pk:
        raise SupportError(_("That referral is not this plan's."))
    referral = referral or (plan.referral if plan is not None else None)
    student_id = plan.student_id if plan is not None else referral.student_id
    school_id = plan.school_id if plan is not None else referral.school_id
    _require_manage(by, school_id)
    if date > timezone.localdate():
        raise SupportError(_("A contact cannot be in the future."))
    contact = SupportContact(
        student_id=student_id,
        plan=plan,
        referral=referral,
        date=date,
        kind=kind,
        minutes=minutes,
        attended=attended,
        note=note,
        by=by,
    )
    if referral is not None and attended and kind in STUDENT_CONTACT_KINDS:
        from schoolwell.referrals.models import Referral

        # Serialise first-contact marking per referral (two counsellors logging at once).
        Referral.objects.select_for_update().filter(pk=referral.pk).first()
        current = SupportContact.objects.filter(referral=referral, first_contact=True).first()
        if current is None or date < current.date:
            if current is not None:
                SupportContact.objects.filter(pk=current.pk).update(first_contact=False)
            contact.first_contact = True
    contact.save()
    school_figures_changed([school_id])  # time to first contact on the dashboards
    return contact
