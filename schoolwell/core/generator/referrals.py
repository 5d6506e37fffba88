"""The generated district's referrals: rule and staff referrals in every state, and those
the students' own check-ins opened, each with its reasons and events."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from schoolwell.core.generator.activity import SCREENER, _at
from schoolwell.core.generator.copy import copy_rows
from schoolwell.core.generator.roster import GeneratedRoster, GeneratedStudent
from schoolwell.referrals.models import (
    Priority,
    Referral,
    ReferralEvent,
    ReferralReason,
    Source,
    Status,
)
from schoolwell.referrals.models.referral import ReasonCode

REASONS = [
    # The parameters the rule evaluation writes (referrals.texts renders them).
    (ReasonCode.CHECKIN_LOW, {"count": 3, "threshold": 2, "days": 10}, "3 check-ins of 2 or less"),
    (ReasonCode.CHECKIN_DROP, {"wellbeing": 2, "baseline": 4.1}, "Wellbeing 2 against 4.1"),
    (
        ReasonCode.SCORE_TOTAL,
        {"instrument": SCREENER, "total": 17, "threshold": 15},
        "PHQ-A total 17 (threshold 15)",
    ),
    (ReasonCode.CONCERN, {"concern": "withdrawn"}, "Concern raised: withdrawn"),
]
# A teacher's self-harm concern: urgent, and it puts the student on the suicide-risk pathway.
CRITICAL = (ReasonCode.CONCERN, {"concern": "self_harm_concern"}, "Concern raised: self-harm")
CRITICAL_SHARE = 0.1
# Codes of fixtures/referrals/outcomes.json.
CLOSING_OUTCOMES = ["resolved_no_further_action", "monitoring", "school_counselling_started"]


@dataclass
class ReferralSpec:
    """A referral to write: its student, where it stands and the one reason that opened it."""

    student: GeneratedStudent
    status: str
    code: str
    params: dict
    summary: str
    priority: int
    opened: dt.datetime
    due: dt.timedelta
    source: str
    trigger_key: str
    raised_by: int | None = None
    critical: bool = False


@dataclass
class GeneratedReferral:
    """What the casework (plans, the pathway, alerts) needs to know of a referral."""

    pk: int
    student: GeneratedStudent
    status: str
    priority: int
    critical: bool
    counsellor: int
    opened_at: dt.datetime
    claimed_at: dt.datetime | None
    closed_at: dt.datetime | None


def generate_referrals(
    roster: GeneratedRoster,
    rng: random.Random,
    today: dt.date,
    *,
    opened: list[ReferralSpec] = (),
) -> list[GeneratedReferral]:
    """About 6% of students referred, every status represented, with reasons and events;
    one in ten for a self-harm concern (urgent). `opened`: referrals already decided (the
    students' own check-ins'), written alongside; their students get no second one."""
    taken = {spec.student.pk for spec in opened}
    pool = [s for s in roster.students if s.pk not in taken]
    chosen = rng.sample(pool, min(len(pool), max(len(Status), round(len(pool) * 0.06))))
    statuses = list(Status)[: len(chosen)] + rng.choices(
        list(Status), weights=[3, 2, 2, 3, 1, 6], k=max(0, len(chosen) - len(Status))
    )
    specs = []
    for n, (s, status) in enumerate(zip(chosen, statuses, strict=True)):
        # The first referral in progress is always critical: every district has the pathway.
        critical = n == list(Status).index(Status.IN_PROGRESS) or rng.random() < CRITICAL_SHARE
        code, params, summary = CRITICAL if critical else rng.choice(REASONS)
        priority = (
            Priority.URGENT
            if critical
            else rng.choice([Priority.URGENT, Priority.HIGH, Priority.ROUTINE, Priority.ROUTINE])
        )
        concern = code == ReasonCode.CONCERN
        specs.append(
            ReferralSpec(
                student=s,
                status=status,
                code=code,
                params=params,
                summary=summary,
                priority=priority,
                opened=_at(today - dt.timedelta(days=rng.randint(1, 60)), 11),
                due=dt.timedelta(hours=24 * priority),
                source=Source.MANUAL if concern else Source.RULE,
                trigger_key=f"{code}:{s.pk}",
                raised_by=s.teacher_id if concern else None,
                critical=critical,
            )
        )
    return _write(roster, rng, today, [*specs, *opened])


def _write(
    roster: GeneratedRoster, rng: random.Random, today: dt.date, specs: list[ReferralSpec]
) -> list[GeneratedReferral]:
    referrals = []
    for spec in specs:
        counsellor = roster.counsellors[spec.student.school_id]
        worked = spec.status != Status.NEW
        closed = spec.status == Status.CLOSED
        referrals.append(
            Referral(
                school_id=spec.student.school_id,
                student_id=spec.student.pk,
                source=spec.source,
                priority=spec.priority,
                status=spec.status,
                assignee_id=counsellor if worked else None,
                opened_at=spec.opened,
                due_at=spec.opened + spec.due,
                claimed_at=spec.opened + dt.timedelta(hours=2) if worked else None,
                referred_to_team="Community mental health"
                if spec.status == Status.REFERRED_OUT
                else "",
                # A week later, or this morning for the newest (never in the future).
                closed_at=min(spec.opened + dt.timedelta(days=7), _at(today, 8))
                if closed
                else None,
                outcome=rng.choice(CLOSING_OUTCOMES) if closed else "",
            )
        )
    Referral.objects.bulk_create(referrals, batch_size=2000)
    if referrals and referrals[0].pk is None:
        by_student = dict(
            Referral.objects.filter(school__district=roster.district).values_list(
                "student_id", "pk"
            )
        )
        for referral in referrals:
            referral.pk = by_student[referral.student_id]
    reasons, events, generated = [], [], []
    for referral, spec in zip(referrals, specs, strict=True):
        counsellor = roster.counsellors[spec.student.school_id]
        generated.append(
            GeneratedReferral(
                pk=referral.pk,
                student=spec.student,
                status=spec.status,
                priority=spec.priority,
                critical=spec.critical,
                counsellor=counsellor,
                opened_at=spec.opened,
                claimed_at=referral.claimed_at,
                closed_at=referral.closed_at,
            )
        )
        reasons.append(
            ReferralReason(
                referral_id=referral.pk,
                source=spec.source,
                trigger_key=spec.trigger_key,
                code=spec.code,
                params=spec.params,
                summary=spec.summary,
                priority=spec.priority,
                raised_by_id=spec.raised_by,
                created_at=spec.opened,
            )
        )
        created = {"priority": spec.priority, "source": spec.source}
        events.append(
            (referral.pk, spec.opened, spec.raised_by, ReferralEvent.Kind.CREATED, created)
        )
        if spec.status != Status.NEW:
            events.append(
                (referral.pk, referral.claimed_at, counsellor, ReferralEvent.Kind.CLAIMED, {})
            )
        events.extend(_work_events(referral, spec.status, counsellor))
    ReferralReason.objects.bulk_create(reasons, batch_size=2000)
    copy_rows(ReferralEvent, ("referral_id", "at", "actor_id", "kind", "data"), events)
    return generated


def _work_events(referral: Referral, status: str, counsellor: int) -> list[tuple]:
    """The events the workflow services write on the way to `status` after the claim, with
    the same data (texts.event_text reads it)."""
    if status in (Status.NEW, Status.CLAIMED):
        return []
    at = referral.claimed_at + dt.timedelta(hours=1)
    if status == Status.REFERRED_OUT:
        return [
            (
                referral.pk,
                at,
                counsellor,
                ReferralEvent.Kind.REFERRED_OUT,
                {"previous": Status.CLAIMED, "team": referral.referred_to_team, "provider": ""},
            )
        ]
    if status == Status.CLOSED:
        return [
            (
                referral.pk,
                at,
                counsellor,
                ReferralEvent.Kind.STATUS_CHANGED,
                {"previous": Status.CLAIMED, "status": Status.IN_PROGRESS},
            ),
            (
                referral.pk,
                referral.closed_at,
                counsellor,
                ReferralEvent.Kind.CLOSED,
                {"previous": Status.IN_PROGRESS, "outcome": referral.outcome},
            ),
        ]
    return [
        (
            referral.pk,
            at,
            counsellor,
            ReferralEvent.Kind.STATUS_CHANGED,
            {"previous": Status.CLAIMED, "status": status},
        )
    ]
