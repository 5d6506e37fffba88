"""The counsellor's workflow on an open referral: claim (exclusive, rule 5), triage, in
progress, refer out (external needs data-sharing consent), close, reassign, notes. Every
step writes an append-only ReferralEvent (rule 8)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwell.accounts import gate
from schoolwell.accounts.models import User
from schoolwell.audit.models import AccessLog
from schoolwell.audit.services import access_log_record
from schoolwell.consent.gating import EffectiveConsent, may_share_externally
from schoolwell.core import registry
from schoolwell.referrals import content
from schoolwell.referrals.models import (
    ExternalProvider,
    Referral,
    ReferralEvent,
    ReferralNote,
    Status,
)
from schoolwell.referrals.services._common import (
    NOTE_MAX_LENGTH,
    ReferralConflict,
    ReferralError,
    ReferralForbidden,
    _alert,
    _event,
)
from schoolwell.roster.models import Student


def _require_counsellor(user: User, referral: Referral) -> None:
    if not gate.may(user, "referral.work", referral):
        raise ReferralForbidden(_("Only the school's counsellors can work referrals."))


def _require_staff(user: User, referral: Referral) -> None:
    if not gate.may(user, "referral.view", referral):
        raise ReferralForbidden(_("Only the school's counsellors and administrators can do this."))


def _locked(referral: Referral) -> Referral:
    """Re-read under a row lock so concurrent steps on one referral apply one at a time."""
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("assignee")
        .get(pk=referral.pk)
    )


def _require_workable(referral: Referral, by: User) -> None:
    if referral.status == Status.CLOSED:
        raise ReferralConflict(_("This referral is closed."))
    if referral.assignee_id is None:
        raise ReferralConflict(_("Claim this referral first."))
    if referral.assignee_id != by.pk:
        raise ReferralConflict(
            _("%(name)s is working this referral; ask them or reassign it.")
            % {"name": referral.assignee}
        )


@transaction.atomic
def referral_claim(*, referral: Referral, by: User, now: dt.datetime | None = None) -> Referral:
    """Take an unclaimed referral. Exclusive (rule 5): a conditional UPDATE lets exactly one
    of two racing counsellors through; the other is told who has it."""
    _require_counsellor(by, referral)
    now = now or timezone.now()
    won = Referral.objects.filter(pk=referral.pk, status=Status.NEW, assignee__isnull=True).update(
        status=Status.CLAIMED, assignee=by, claimed_at=now
    )
    current = Referral.objects.select_related("assignee").get(pk=referral.pk)
    if not won:
        if current.status == Status.CLOSED:
            raise ReferralConflict(_("This referral is closed; it cannot be claimed."))
        raise ReferralConflict(
            _("Already claimed by %(name)s.") % {"name": current.assignee or _("someone else")}
        )
    _event(current, ReferralEvent.Kind.CLAIMED, at=now, actor=by)
    return current


WORK_STATUSES = {Status.TRIAGE, Status.IN_PROGRESS}


@transaction.atomic
def referral_status_set(
    *, referral: Referral, by: User, status: str, now: dt.datetime | None = None
) -> Referral:
    """Move a claimed referral to triage or in progress (its assignee only)."""
    _require_counsellor(by, referral)
    if status not in WORK_STATUSES:
        raise ReferralError(_("Choose triage or in progress."))
    referral = _locked(referral)
    _require_workable(referral, by)
    if referral.status == status:
        raise ReferralConflict(_("The referral already has this status."))
    previous = referral.status
    referral.status = status
    referral.save(update_fields=["status"])
    _event(
        referral,
        ReferralEvent.Kind.STATUS_CHANGED,
        at=now or timezone.now(),
        actor=by,
        previous=previous,
        status=status,
    )
    return referral


def external_sharing_decision(student: Student, *, on: dt.datetime) -> EffectiveConsent:
    """May this student's referral be shared with an external provider? The guardian's
    data-sharing consent decides; this is the one place that asks it."""
    return may_share_externally(student, on=on)


@transaction.atomic
def referral_refer_out(
    *,
    referral: Referral,
    by: User,
    team: str = "",
    provider: ExternalProvider | None = None,
    now: dt.datetime | None = None,
    request=None,
) -> Referral:
    """Refer to the school's internal team, or to an external provider with consent."""
    _require_counsellor(by, referral)
    team = team.strip()
    if bool(team) == bool(provider):
        raise ReferralError(_("Choose either an internal team or an external provider."))
    referral = _locked(referral)
    _require_workable(referral, by)
    now = now or timezone.now()
    student = referral.student
    if provider is not None:
        if provider.district_id != student.school.district_id or not provider.active:
            raise ReferralError(_("Unknown provider."))
        decision = external_sharing_decision(student, on=now)
        if not decision.allowed:
            raise ReferralConflict(
                _("No data-sharing consent from the guardian: %(reason)s")
                % {"reason": decision.reason}
            )
        for check in registry.refer_out_checks:
            if refused := check(referral=referral, provider=provider, now=now):
                raise ReferralConflict(refused)
    previous = referral.status
    referral.status = Status.REFERRED_OUT
    referral.referred_to_team = team[:200]
    referral.referred_to_provider = provider
    referral.save(update_fields=["status", "referred_to_team", "referred_to_provider"])
    _event(
        referral,
        ReferralEvent.Kind.REFERRED_OUT,
        at=now,
        actor=by,
        previous=previous,
        team=team[:200],
        provider=provider.name if provider else "",
    )
    if provider is not None:
        # FERPA 99.32: a disclosure to a third party goes on the student's record.
        access_log_record(
            user=by,
            student=student,
            what="referral",
            action=AccessLog.Action.DISCLOSE,
            detail=f"referred to {provider.name}"[:255],
            request=request,
        )
        for hook in registry.refer_out_hooks:
            hook(referral=referral, provider=provider, by=by, now=now)
    return referral


@transaction.atomic
def referral_close(
    *, referral: Referral, by: User, outcome: str, note: str, now: dt.datetime | None = None
) -> Referral:
    _require_counsellor(by, referral)
    if outcome not in content.outcomes():
        raise ReferralError(_("Choose an outcome from the list."))
    note = note.strip()
    if not note:
        raise ReferralError(_("Write a closing note."))
    if len(note) > NOTE_MAX_LENGTH:
        raise ReferralError(_("The note is too long."))
    referral = _locked(referral)
    _require_workable(referral, by)
    for validate in registry.close_validators:
        if refused := validate(referral=referral, outcome=outcome):
            raise ReferralConflict(refused)
    now = now or timezone.now()
    closing = ReferralNote.objects.create(referral=referral, author=by, body=note, created_at=now)
    previous = referral.status
    referral.status = Status.CLOSED
    referral.closed_at = now
    referral.outcome = outcome
    referral.save(update_fields=["status", "closed_at", "outcome"])
    _event(
        referral,
        ReferralEvent.Kind.CLOSED,
        at=now,
        actor=by,
        previous=previous,
        outcome=outcome,
        note_id=closing.pk,
    )
    return referral


@transaction.atomic
def referral_reassign(
    *, referral: Referral, by: User, to: User, now: dt.datetime | None = None
) -> Referral:
    """Hand a referral to another counsellor of the school (counsellors or administrators)."""
    _require_staff(by, referral)
    referral = _locked(referral)
    if referral.status == Status.CLOSED:
        raise ReferralConflict(_("This referral is closed."))
    if not gate.may(to, "referral.work", referral):
        raise ReferralError(_("Choose a counsellor of this school."))
    if referral.assignee_id == to.pk:
        raise ReferralConflict(_("The referral is already assigned to them."))
    now = now or timezone.now()
    previous = referral.assignee_id
    referral.assignee = to
    fields = ["assignee"]
    if referral.status == Status.NEW:
        referral.status, referral.claimed_at = Status.CLAIMED, now
        fields += ["status", "claimed_at"]
    referral.save(update_fields=fields)
    event = _event(
        referral,
        ReferralEvent.Kind.REASSIGNED,
        at=now,
        actor=by,
        previous=previous,
        to=to.pk,
        to_name=str(to),
    )
    _alert(event)
    return referral


@transaction.atomic
def referral_note_add(
    *, referral: Referral, by: User, body: str, private: bool, now: dt.datetime | None = None
) -> ReferralNote:
    """A counsellor note (counsellors and administrators read it) or a private memory aid
    (only its author reads it; FERPA sole-possession note, so no event names it)."""
    _require_staff(by, referral)
    body = body.strip()
    if not body:
        raise ReferralError(_("The note is empty."))
    if len(body) > NOTE_MAX_LENGTH:
        raise ReferralError(_("The note is too long."))
    now = now or timezone.now()
    note = ReferralNote.objects.create(
        referral=referral, author=by, body=body, private=private, created_at=now
    )
    if not private:
        _event(referral, ReferralEvent.Kind.NOTE_ADDED, at=now, actor=by, note_id=note.pk)
    return note
