"""Decisions: append-only rows that are their own audit record (who decided, who
recorded it, through which channel, when); a change of mind is a new row."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwell.accounts.models import User
from schoolwell.consent.gating import (
    ConsentState,
    current_forms,
    effective_consent_map,
    student_may_self_consent,
)
from schoolwell.consent.models import (
    Channel,
    ConsentDecision,
    ConsentForm,
    Decision,
    Purpose,
)
from schoolwell.consent.services._common import (
    require_school_staff,
)
from schoolwell.core import registry
from schoolwell.core.figures import school_consent_changed
from schoolwell.roster.models import GuardianLink, Student


def _check_form_current(form: ConsentForm, student: Student) -> None:
    if form.school_id != student.school_id:
        raise ValidationError(_("This form is not a form of the student's school."))
    if not form.is_published or not form.active:
        raise ValidationError(_("This form is not in use."))
    current = current_forms([student.school_id], [form.purpose]).get(
        (student.school_id, form.purpose)
    )
    if current is None or current.pk != form.pk:
        # Versioning rule: decisions are made on the version in force, never an old one.
        raise ValidationError(_("This form has been replaced by a newer version."))


def _check_recorder(*, student: Student, guardian: User, channel: str, recorded_by: User):
    if channel == Channel.PORTAL:
        if recorded_by.pk != guardian.pk:
            raise PermissionDenied(_("In the portal, guardians decide for themselves."))
    elif channel in (Channel.PAPER, Channel.PHONE):
        require_school_staff(recorded_by, student.school_id)
    else:
        raise ValidationError(_("A guardian's decision comes through the portal, paper or phone."))


def _decide(
    *,
    student: Student,
    guardian: User,
    form: ConsentForm,
    decision: str,
    channel: str,
    recorded_by: User,
    note: str = "",
) -> ConsentDecision:
    _check_recorder(student=student, guardian=guardian, channel=channel, recorded_by=recorded_by)
    # Locks the guardian's link: one guardian's double submission writes one row.
    link = (
        GuardianLink.objects.select_for_update().filter(guardian=guardian, student=student).first()
    )
    if link is None:
        raise PermissionDenied(_("This person is not a guardian of the student."))
    if not link.may_consent:
        raise ValidationError(_("This guardian does not hold the right to consent."))
    _check_form_current(form, student)
    latest = (
        ConsentDecision.objects.filter(student=student, guardian=guardian, form=form)
        .order_by("-at", "-pk")
        .first()
    )
    if decision == Decision.REVOKED:
        effective = effective_consent_map([student], form.purpose)[student.pk]
        holds = latest is not None and latest.decision == Decision.GRANTED
        if not holds and effective.state != ConsentState.PASSIVE_NO_OBJECTION:
            raise ValidationError(_("There is no permission to withdraw."))
    if latest is not None and latest.decision == decision:
        return latest  # nothing changes: the same decision again
    row = ConsentDecision.objects.create(
        student=student,
        guardian=guardian,
        form=form,
        decision=decision,
        channel=channel,
        recorded_by=recorded_by,
        at=timezone.now(),
        note=note[:500],
    )
    school_consent_changed([student.school_id])  # consent coverage on the dashboards
    if decision in (Decision.REVOKED, Decision.DENIED):
        # Rule 2: what was collected before a withdrawal is kept, and marked by its owner app.
        for hook in registry.consent_withdrawn_hooks:
            hook(student=student, purpose=form.purpose, at=row.at)
    return row


@transaction.atomic
def consent_grant(
    *,
    student: Student,
    guardian: User,
    form: ConsentForm,
    channel: str,
    recorded_by: User,
    note: str = "",
) -> ConsentDecision:
    return _decide(
        student=student,
        guardian=guardian,
        form=form,
        decision=Decision.GRANTED,
        channel=channel,
        recorded_by=recorded_by,
        note=note,
    )


@transaction.atomic
def consent_deny(
    *,
    student: Student,
    guardian: User,
    form: ConsentForm,
    channel: str,
    recorded_by: User,
    note: str = "",
) -> ConsentDecision:
    """Deny (active policy) or opt out (passive policy): blocks from this moment."""
    return _decide(
        student=student,
        guardian=guardian,
        form=form,
        decision=Decision.DENIED,
        channel=channel,
        recorded_by=recorded_by,
        note=note,
    )


@transaction.atomic
def consent_revoke(
    *,
    student: Student,
    guardian: User,
    form: ConsentForm,
    channel: str,
    recorded_by: User,
    note: str = "",
) -> ConsentDecision:
    """Withdraw a permission: effective at once (rule 2); earlier data is kept and marked
    by the apps that hold it."""
    return _decide(
        student=student,
        guardian=guardian,
        form=form,
        decision=Decision.REVOKED,
        channel=channel,
        recorded_by=recorded_by,
        note=note,
    )


@transaction.atomic
def consent_self_record(
    *, student: Student, form: ConsentForm, decision: str, recorded_by: User, note: str = ""
) -> ConsentDecision:
    """A student's own decision on counselling, where the school allows minor self-consent
    and the student is old enough (entered by the school's counsellor or administrator)."""
    require_school_staff(recorded_by, student.school_id)
    if form.purpose != Purpose.COUNSELLING or not student_may_self_consent(student):
        raise ValidationError(_("This student may not consent for themselves."))
    _check_form_current(form, student)
    if decision not in Decision.values:
        raise ValidationError(_("Unknown decision."))
    school_consent_changed([student.school_id])
    return ConsentDecision.objects.create(
        student=student,
        guardian=None,
        form=form,
        decision=decision,
        channel=Channel.IN_PERSON,
        recorded_by=recorded_by,
        at=timezone.now(),
        note=note[:500],
    )
