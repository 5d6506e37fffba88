"""Writes to referrals. Each service is one transaction and writes its own ReferralEvent.

Rules enforced here: one open referral per student, new triggers add reasons to it (rule 3);
claiming is exclusive (rule 5); every step is an append-only event (rule 8); an urgent
referral alerts the on-call counsellors once, after commit (rule 4).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwell.accounts.models import User
from schoolwell.accounts.roles import access_scope
from schoolwell.audit.models import AccessLog
from schoolwell.audit.services import access_log_record
from schoolwell.consent.gating import EffectiveConsent, may_share_externally
from schoolwell.referrals import content, schooldays
from schoolwell.referrals.models import (
    OPEN_STATUSES,
    DueUnit,
    ExternalProvider,
    Priority,
    Referral,
    ReferralEvent,
    ReferralNote,
    ReferralReason,
    Source,
    Status,
    ThresholdRule,
)
from schoolwell.roster.models import Student

# Due time of a referral raised by hand, by priority (a rule carries its own).
DEFAULT_DUE = {
    Priority.URGENT: (1, DueUnit.HOURS),
    Priority.HIGH: (2, DueUnit.SCHOOL_DAYS),
    Priority.ROUTINE: (10, DueUnit.SCHOOL_DAYS),
}
NOTE_MAX_LENGTH = 5000
# Opening or raising a referral to these priorities alerts the on-call counsellors; routine
# ones wait in the queue (fewer alerts, so the urgent one is not buried).
ALERT_PRIORITIES = (Priority.URGENT, Priority.HIGH)


class ReferralError(Exception):
    """Bad input or a step not allowed now: shown to the user, nothing changed."""

    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ReferralConflict(ReferralError):
    status_code = 409


class ReferralForbidden(ReferralError):
    status_code = 403


@dataclass(frozen=True)
class Trigger:
    """One reason to open (or add to) a referral."""

    source: str
    trigger_key: str
    summary: str
    priority: int
    due_within: int
    due_unit: str
    rule: ThresholdRule | None = None
    raised_by: User | None = None
    concern_code: str = ""
    note: str = ""

    @classmethod
    def from_rule(cls, rule: ThresholdRule, *, key: str, summary: str) -> Trigger:
        return cls(
            source=Source.RULE,
            trigger_key=key,
            summary=summary[:255],
            priority=rule.priority,
            due_within=rule.due_within,
            due_unit=rule.due_unit,
            rule=rule,
        )


@dataclass(frozen=True)
class TriggerOutcome:
    referral: Referral
    created: bool
    reasons_added: int
    priority_raised: bool


def _event(referral: Referral, kind: str, *, at: dt.datetime, actor=None, **data) -> ReferralEvent:
    return ReferralEvent.objects.create(referral=referral, kind=kind, at=at, actor=actor, data=data)


def _alert_after_commit(event: ReferralEvent) -> None:
    """Queue the notification task once the event is committed (the worker must see it)."""
    from schoolwell.referrals.tasks import referral_event_notify

    transaction.on_commit(lambda: referral_event_notify.delay(event.pk))


def _lock_or_open(*, student: Student, first: Trigger, now: dt.datetime):
    """The student's open referral, locked; or a new one. Rule 3 under concurrency: the
    partial unique constraint makes a racing insert fail, and we then lock the winner's."""
    for _attempt in range(5):
        referral = (
            Referral.objects.select_for_update()
            .filter(student=student, status__in=OPEN_STATUSES)
            .first()
        )
        if referral is not None:
            return referral, False
        try:
            with transaction.atomic():  # savepoint: losing the race undoes only this insert
                referral = Referral.objects.create(
                    school_id=student.school_id,
                    student=student,
                    source=first.source,
                    priority=first.priority,
                    opened_at=now,
                    due_at=schooldays.due_at(
                        start=now, within=first.due_within, unit=first.due_unit
                    ),
                )
            return referral, True
        except IntegrityError:
            continue
    raise RuntimeError("could not open or lock the student's referral")


@transaction.atomic
def referral_trigger(
    *, student: Student, triggers: Sequence[Trigger], now: dt.datetime | None = None
) -> TriggerOutcome | None:
    """Open a referral for `student` or add these reasons to the open one (rule 3).

    The most urgent trigger decides the priority; a higher priority raises the open
    referral's priority and brings its due time forward. At most one alert per call.
    """
    if not triggers:
        return None
    now = now or timezone.now()
    ordered = sorted(triggers, key=lambda t: t.priority)
    top = ordered[0]
    referral, created = _lock_or_open(student=student, first=top, now=now)
    existing = set(referral.reasons.values_list("trigger_key", flat=True))
    added = []
    for trigger in ordered:
        if trigger.trigger_key in existing:
            continue
        existing.add(trigger.trigger_key)
        added.append(
            ReferralReason(
                referral=referral,
                source=trigger.source,
                rule=trigger.rule,
                trigger_key=trigger.trigger_key,
                summary=trigger.summary,
                concern_code=trigger.concern_code,
                note=trigger.note,
                priority=trigger.priority,
                raised_by=trigger.raised_by,
                created_at=now,
            )
        )
    ReferralReason.objects.bulk_create(added)
    raised = False
    if created:
        alert = _event(
            referral,
            ReferralEvent.Kind.CREATED,
            at=now,
            actor=top.raised_by,
            priority=referral.priority,
            source=referral.source,
            reasons=[r.summary for r in added],
        )
        if referral.priority in ALERT_PRIORITIES:
            _alert_after_commit(alert)
    elif added:
        _event(
            referral,
            ReferralEvent.Kind.REASON_ADDED,
            at=now,
            actor=top.raised_by,
            reasons=[r.summary for r in added],
        )
        best = min(added, key=lambda r: r.priority)
        if best.priority < referral.priority:
            trigger = next(t for t in ordered if t.trigger_key == best.trigger_key)
            old = referral.priority
            referral.priority = best.priority
            referral.due_at = min(
                referral.due_at,
                schooldays.due_at(start=now, within=trigger.due_within, unit=trigger.due_unit),
            )
            referral.save(update_fields=["priority", "due_at"])
            raised = True
            alert = _event(
                referral,
                ReferralEvent.Kind.PRIORITY_RAISED,
                at=now,
                actor=top.raised_by,
                previous=old,
                priority=referral.priority,
            )
            _alert_after_commit(alert)
    return TriggerOutcome(referral, created, len(added), raised)


def concern_raise(
    *,
    student: Student,
    by: User,
    concern_code: str,
    note: str,
    priority: int,
    now: dt.datetime | None = None,
) -> TriggerOutcome:
    """A teacher's "I am worried about this student" for a student of their class."""
    from schoolwell.accounts.roles import Role
    from schoolwell.roster.selectors import visible_students

    if not visible_students(by, roles=[Role.TEACHER]).filter(pk=student.pk).exists():
        raise ReferralForbidden(_("You can raise a concern only for students in your classes."))
    if priority not in Priority.values:
        raise ReferralError(_("Choose how soon a counsellor should act."))
    if concern_code != "other" and concern_code not in content.concern_tags():
        raise ReferralError(_("Choose what worries you from the list."))
    if len(note) > NOTE_MAX_LENGTH:
        raise ReferralError(_("The note is too long."))
    within, unit = DEFAULT_DUE[Priority(priority)]
    trigger = Trigger(
        source=Source.MANUAL,
        # The same teacher raising the same concern again is the same reason (rule 3).
        trigger_key=f"manual:{by.pk}:{concern_code}"[:100],
        # Stored in English; pages show it in the reader's language from concern_code.
        summary=f"Concern raised by {by.get_full_name() or by.username}: "
        f"{content.concern_label(concern_code, 'en')}",
        priority=priority,
        due_within=within,
        due_unit=unit,
        raised_by=by,
        concern_code=concern_code,
        note=note.strip(),
    )
    return referral_trigger(student=student, triggers=[trigger], now=now)


# --- the counsellor's workflow -------------------------------------------------------------


def _require_counsellor(user: User, referral: Referral) -> None:
    if referral.school_id not in access_scope(user).counsel_school_ids:
        raise ReferralForbidden(_("Only the school's counsellors can work referrals."))


def _require_staff(user: User, referral: Referral) -> None:
    if referral.school_id not in access_scope(user).staff_school_ids:
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
    if referral.school_id not in access_scope(to).counsel_school_ids:
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
    _alert_after_commit(event)
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
