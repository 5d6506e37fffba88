"""Opening referrals: rule triggers and teachers' concerns, one open referral per student
(rule 3), at most one alert per opening or priority raise."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwell.accounts.models import User
from schoolwell.referrals import content, schooldays, texts
from schoolwell.referrals.models import (
    OPEN_STATUSES,
    DueUnit,
    Priority,
    ReasonCode,
    Referral,
    ReferralEvent,
    ReferralReason,
    Source,
    ThresholdRule,
)
from schoolwell.referrals.services._common import (
    NOTE_MAX_LENGTH,
    ReferralError,
    ReferralForbidden,
    _alert,
    _event,
)
from schoolwell.roster.models import Student

# Due time of a referral raised by hand, by priority (a rule carries its own).
DEFAULT_DUE = {
    Priority.URGENT: (1, DueUnit.HOURS),
    Priority.HIGH: (2, DueUnit.SCHOOL_DAYS),
    Priority.ROUTINE: (10, DueUnit.SCHOOL_DAYS),
}
# Opening or raising a referral to these priorities alerts the on-call counsellors; routine
# ones wait in the queue (fewer alerts, so the urgent one is not buried).
ALERT_PRIORITIES = (Priority.URGENT, Priority.HIGH)


@dataclass(frozen=True)
class Trigger:
    """One reason to open (or add to) a referral: a code and its parameters (rendered in the
    reader's language by referrals.texts), `summary` only where no code fits."""

    source: str
    trigger_key: str
    priority: int
    due_within: int
    due_unit: str
    code: str = ""
    params: dict = field(default_factory=dict)
    summary: str = ""
    rule: ThresholdRule | None = None
    raised_by: User | None = None
    concern_code: str = ""
    note: str = ""

    @classmethod
    def from_rule(cls, rule: ThresholdRule, *, key: str, code: str, params: dict) -> Trigger:
        return cls(
            source=Source.RULE,
            trigger_key=key,
            code=code,
            params=params,
            priority=rule.priority,
            due_within=rule.due_within,
            due_unit=rule.due_unit,
            rule=rule,
        )

    def english(self) -> str:
        if not self.code:
            return self.summary[:255]
        return texts.reason_summary_en(self.code, self.params, raised_by=self.raised_by)


@dataclass(frozen=True)
class TriggerOutcome:
    referral: Referral
    created: bool
    reasons_added: int
    priority_raised: bool
    # The most urgent of this call's own triggers (not the referral's, which may hold other
    # people's reasons): what the person raising it is told to do now (rule 4).
    priority: int | None = None


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
                code=trigger.code,
                params=trigger.params,
                summary=trigger.english(),
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
            reason_ids=[r.pk for r in added],
        )
        if referral.priority in ALERT_PRIORITIES:
            _alert(alert)
    elif added:
        _event(
            referral,
            ReferralEvent.Kind.REASON_ADDED,
            at=now,
            actor=top.raised_by,
            reason_ids=[r.pk for r in added],
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
            _alert(alert)
    return TriggerOutcome(referral, created, len(added), raised, top.priority)


def concern_raise(
    *,
    student: Student,
    by: User,
    concern_code: str,
    note: str,
    priority: int,
    now: dt.datetime | None = None,
) -> TriggerOutcome:
    """One concern: `concerns_raise` with a single code."""
    return concerns_raise(
        student=student,
        by=by,
        concern_codes=[concern_code],
        note=note,
        priority=priority,
        now=now,
    )


def concerns_raise(
    *,
    student: Student,
    by: User,
    concern_codes: Sequence[str],
    note: str,
    priority: int,
    now: dt.datetime | None = None,
) -> TriggerOutcome:
    """A teacher's "I am worried about this student", for a student of their class.

    Each concern becomes a reason on the student's one open referral (rule 3). A concern is
    at least as urgent as the school's concern-tag rules make it (self-harm: urgent), so the
    referral's priority follows the most severe concern chosen.
    """
    from schoolwell.accounts import gate
    from schoolwell.referrals.crisis import concern_priorities

    if not gate.may(by, "student.teach", student):
        raise ReferralForbidden(_("You can raise a concern only for students in your classes."))
    if priority not in Priority.values:
        raise ReferralError(_("Choose how soon a counsellor should act."))
    codes = list(dict.fromkeys(concern_codes))
    known = content.concern_tags()
    if not codes or any(code != "other" and code not in known for code in codes):
        raise ReferralError(_("Choose what worries you from the list."))
    if len(note) > NOTE_MAX_LENGTH:
        raise ReferralError(_("The note is too long."))
    severity = concern_priorities(student.school_id)
    triggers = []
    for code in codes:
        level = Priority(min(priority, severity.get(code, priority)))
        within, unit = DEFAULT_DUE[level]
        triggers.append(
            Trigger(
                source=Source.MANUAL,
                # The same teacher raising the same concern again is the same reason (rule 3).
                trigger_key=f"manual:{by.pk}:{code}"[:100],
                code=ReasonCode.CONCERN,
                params={"concern": code},
                priority=level,
                due_within=within,
                due_unit=unit,
                raised_by=by,
                concern_code=code,
                note=note.strip(),
            )
        )
    return referral_trigger(student=student, triggers=triggers, now=now)
