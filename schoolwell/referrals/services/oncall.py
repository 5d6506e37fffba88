"""The school's on-call roster (rule 4): who is alerted first and whose number staff call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from schoolwell.accounts import gate
from schoolwell.accounts.models import User
from schoolwell.core.phones import validate_phone
from schoolwell.referrals.models import OnCall
from schoolwell.referrals.services._common import ReferralError
from schoolwell.roster.models import School


@dataclass(frozen=True)
class OnCallEntry:
    counsellor: User
    on_call: bool
    phone: str = ""


@transaction.atomic
def on_call_set(*, school: School, entries: Sequence[OnCallEntry]) -> list[OnCall]:
    """Set who is on call at `school` and their phone numbers; counsellors not listed keep
    their rows. Only the school's own counsellors can be on call there."""
    counsellors = set(gate.counsellors_of([school.pk]).values_list("pk", flat=True))
    existing = set(OnCall.objects.filter(school=school).values_list("counsellor_id", flat=True))
    rows = []
    for entry in entries:
        if entry.counsellor.pk not in counsellors:
            raise ReferralError(_("Only the school's counsellors can be on call there."))
        phone = entry.phone.strip()
        if phone:
            try:
                validate_phone(phone)
            except ValidationError as exc:
                raise ReferralError(exc.messages[0]) from exc
        if not (entry.on_call or phone or entry.counsellor.pk in existing):
            continue  # never on call here, nothing to keep
        row, _created = OnCall.objects.update_or_create(
            school=school,
            counsellor=entry.counsellor,
            defaults={"active": entry.on_call, "phone": phone},
        )
        rows.append(row)
    return rows
