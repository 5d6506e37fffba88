"""Notices and reminders: the emails asking families for a decision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwell.accounts.models import User
from schoolwell.consent.gating import (
    AWAITING_STATES,
    effective_consent_map,
)
from schoolwell.consent.models import (
    ConsentForm,
    ConsentNotice,
    Purpose,
)
from schoolwell.consent.services._common import (
    require_administrator,
    require_school_staff,
)
from schoolwell.roster.models import GuardianLink, Student

# A guardian is not emailed twice about the same form within this time (double clicks).
REMINDER_GAP = dt.timedelta(hours=24)


def _queue_emails(
    *, form: ConsentForm, pairs: list[tuple[int, int]], by: User | None, portal_url: str
) -> int:
    from schoolwell.consent.tasks import consent_emails_send

    portal_url = portal_url or reverse("consent:portal")
    if pairs:
        payload = [list(p) for p in pairs]
        transaction.on_commit(
            lambda: consent_emails_send.delay(
                form_id=form.pk,
                pairs=payload,
                sent_by_id=by.pk if by else None,
                portal_url=portal_url,
            )
        )
    return len({guardian_id for _, guardian_id in pairs})


@transaction.atomic
def consent_notices_send(
    *,
    form: ConsentForm,
    by: User,
    portal_url: str = "",
    students: Iterable[Student] | None = None,
) -> int:
    """Email the form to every guardian who may consent and has not been sent it yet (for
    all the school's active students, or `students`). The first notice starts a passive
    notice period. Returns the number of guardians queued."""
    if students is None:
        require_administrator(by, form.school_id)
        student_ids = Student.objects.filter(school_id=form.school_id, active=True).values("pk")
    else:
        # A single request (e.g. sharing with a provider) may come from a counsellor.
        require_school_staff(by, form.school_id)
        student_ids = [s.pk for s in students if s.school_id == form.school_id]
    form = ConsentForm.objects.get(pk=form.pk)  # as stored: published and in use?
    if not form.is_published or not form.active:
        raise ValidationError(_("This form is not in use."))
    noticed = ConsentNotice.objects.filter(form=form).values_list("student_id", "guardian_id")
    links = GuardianLink.objects.filter(student_id__in=student_ids, may_consent=True)
    pairs = sorted(set(links.values_list("student_id", "guardian_id")) - set(noticed))
    return _queue_emails(form=form, pairs=pairs, by=by, portal_url=portal_url)


@transaction.atomic
def consent_reminders_send(*, form: ConsentForm, by: User, portal_url: str = "") -> int:
    """Email the guardians (who may consent) of students still awaiting an answer on the
    current form; nobody is emailed twice within a day. Returns guardians queued."""
    require_administrator(by, form.school_id)
    students = Student.objects.filter(school_id=form.school_id, active=True)
    if form.purpose == Purpose.EXTERNAL_SHARING:
        # Asked per referral: remind only the families who were asked.
        students = students.filter(consent_notices__form=form).distinct()
    consents = effective_consent_map(students, form.purpose)
    waiting = [
        sid for sid, c in consents.items() if c.form_id == form.pk and c.state in AWAITING_STATES
    ]
    recent = ConsentNotice.objects.filter(
        form=form, sent_at__gte=timezone.now() - REMINDER_GAP
    ).values_list("student_id", "guardian_id")
    links = GuardianLink.objects.filter(student_id__in=waiting, may_consent=True)
    pairs = sorted(set(links.values_list("student_id", "guardian_id")) - set(recent))
    return _queue_emails(form=form, pairs=pairs, by=by, portal_url=portal_url)
