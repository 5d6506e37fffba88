"""What-if replay: what a changed or new rule would have done over a school's last N weeks.

The replay runs the school's real screening results and check-ins, in time order, through
the same evaluation as the live hooks (`referrals.evaluation`) twice — once with the current
active rules, once with the proposal in place — and writes nothing.

How referrals are counted (the simulation's one assumption): a student's first firing opens
a referral with the priority of the most urgent rule that fired; later firings add reasons
to it, as rule 3 makes them do live, because the replay cannot know when a counsellor would
have closed it. Referrals already open before the replay starts are not counted.

Cost: two queries for the data (screening results, check-ins with a 4-week lead-in), then
memory only; a term of a 1,000-student school replays in about a second (bench/rule_whatif.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import NamedTuple

from django.db import connection
from django.utils import timezone

from schoolwell.accounts.models import User
from schoolwell.referrals import evaluation
from schoolwell.referrals.models import Priority, RuleKind, ThresholdRule
from schoolwell.referrals.models.rules import CHECKIN_KINDS, SCREENING_KINDS, VOICE_KINDS
from schoolwell.roster.models import School

DEFAULT_WEEKS = 12
MAX_WEEKS = 52


@dataclass
class Outcome:
    """What one set of rules would have done."""

    referrals: int = 0
    by_priority: dict[int, int] = field(default_factory=lambda: {p.value: 0 for p in Priority})
    by_week: dict[dt.date, int] = field(default_factory=dict)
    # student id → (week opened, priority)
    flagged: dict[int, tuple[dt.date, int]] = field(default_factory=dict)
    # students the edited or new rule itself fired for
    rule_students: set[int] = field(default_factory=set)


@dataclass
class WhatIf:
    school: School
    weeks: list[dt.date]  # Mondays, oldest first
    counsellors: int
    current: Outcome
    proposed: Outcome

    @property
    def newly_flagged(self) -> list[int]:
        return sorted(set(self.proposed.flagged) - set(self.current.flagged))

    @property
    def no_longer_flagged(self) -> list[int]:
        return sorted(set(self.current.flagged) - set(self.proposed.flagged))

    def per_counsellor(self, count: int) -> float:
        return round(count / max(self.counsellors, 1), 2)

    def per_counsellor_per_week(self, outcome: Outcome) -> float:
        return round(outcome.referrals / max(self.counsellors, 1) / max(len(self.weeks), 1), 2)

    def week_rows(self) -> list[dict]:
        return [
            {
                "week": week,
                "current": self.current.by_week.get(week, 0),
                "proposed": self.proposed.by_week.get(week, 0),
                "current_per_counsellor": self.per_counsellor(self.current.by_week.get(week, 0)),
                "proposed_per_counsellor": self.per_counsellor(self.proposed.by_week.get(week, 0)),
            }
            for week in self.weeks
        ]

    def as_json(self) -> dict:
        def outcome(o: Outcome) -> dict:
            return {
                "referrals": o.referrals,
                "by_priority": {Priority(p).name.lower(): n for p, n in o.by_priority.items()},
                "per_counsellor_per_week": self.per_counsellor_per_week(o),
                "flagged_students": len(o.flagged),
                "rule_fired_for_students": len(o.rule_students),
            }

        return {
            "school": self.school.code,
            "weeks": len(self.weeks),
            "counsellors": self.counsellors,
            "current": outcome(self.current),
            "proposed": outcome(self.proposed),
            "newly_flagged": self.newly_flagged,
            "no_longer_flagged": self.no_longer_flagged,
            "per_counsellor_per_week": [
                {
                    "week": row["week"].isoformat(),
                    "current": row["current_per_counsellor"],
                    "proposed": row["proposed_per_counsellor"],
                    "current_referrals": row["current"],
                    "proposed_referrals": row["proposed"],
                }
                for row in self.week_rows()
            ],
        }


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


class _Event(NamedTuple):
    """One moment of history: a screening result, or one day's check-ins of a student."""

    day: dt.date
    order: tuple  # ties broken stably: results by time, check-ins at the end of their day
    student_id: int
    result: object = None
    checkins: tuple = ()
    voice: object = None  # a student's own check-in (schoolwell.voice)


class _CheckIn(NamedTuple):
    """What the evaluation reads of a check-in (a model instance costs far more to build)."""

    student_id: int
    date: dt.date
    wellbeing: int | None
    tags: list


def _load(school: School, start: dt.date, end: dt.date, lead_days: int, *, tags: bool):
    """The school's screening results and check-ins of [start, end] (plus a lead-in of
    check-ins for the baselines), as light objects: two queries, three if a concern-tag
    rule needs the (rarely set) tags."""
    from schoolwell.screening.models import CheckIn, ScreeningResult

    results = []
    for pk, student_id, at, code, total, band, subscales, critical, reasons, complete in (
        ScreeningResult.objects.filter(
            student__school=school,
            administered_at__date__gte=start,
            administered_at__date__lte=end,
        )
        .order_by()
        .values_list(
            "pk",
            "student_id",
            "administered_at",
            "instrument__code",
            "total",
            "band",
            "subscales",
            "critical",
            "critical_reasons",
            "complete",
        )
    ):
        result = SimpleNamespace(
            pk=pk,
            student_id=student_id,
            instrument=SimpleNamespace(code=code),
            total=total,
            band=band,
            subscales=subscales,
            critical=critical,
            critical_reasons=reasons,
            complete=complete,
        )
        local = timezone.localtime(at)
        results.append(_Event(local.date(), (0, local.time(), pk), student_id, result=result))
    checkins = CheckIn.objects.filter(student__school=school, date__lte=end).order_by()
    tagged = (
        dict(checkins.filter(date__gte=start).exclude(tags=[]).values_list("pk", "tags"))
        if tags
        else {}
    )
    histories: dict[int, list] = defaultdict(list)
    days: dict[tuple[int, dt.date], list] = defaultdict(list)
    # Tens of thousands of rows: read them through the cursor, without the ORM's per-value
    # converters (SQLite returns dates as text; a term has only ~100 distinct ones).
    rows = checkins.filter(date__gte=start - dt.timedelta(days=lead_days)).values_list(
        "pk", "student_id", "date", "wellbeing", "absent"
    )
    sql, params = rows.query.sql_with_params()
    dates: dict = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for pk, student_id, raw_day, wellbeing, absent in cursor.fetchall():
            day = dates.get(raw_day)
            if day is None:
                day = dates[raw_day] = (
                    raw_day if isinstance(raw_day, dt.date) else dt.date.fromisoformat(raw_day)
                )
            absent = bool(absent)
            histories[student_id].append((day, wellbeing, absent))
            if day >= start:
                days[(student_id, day)].append(
                    _CheckIn(student_id, day, wellbeing, tagged.get(pk, ()))
                )
    checkins = [
        _Event(day, (1, dt.time.max, student_id), student_id, checkins=tuple(found))
        for (student_id, day), found in days.items()
    ]
    events = sorted(results + checkins, key=lambda e: (e.day, e.order))
    return events, {sid: evaluation.History(rows) for sid, rows in histories.items()}


class _VoiceCheckIn(NamedTuple):
    student_id: int
    date: dt.date
    score: int
    low: bool
    unsafe: bool


def _load_voice(school: School, start: dt.date, end: dt.date, lead_days: int):
    """The school's students' own check-ins of [start, end] (with a lead-in for baselines)
    as events, and each student's `VoiceHistory`: one query (two with the settings)."""
    from schoolwell.referrals.rules import voice_rows
    from schoolwell.roster.models import Student
    from schoolwell.voice.services import settings_for

    students = Student.objects.filter(school=school).values("pk")
    low = settings_for(school.pk).low_feelings
    rows = voice_rows(students, start - dt.timedelta(days=lead_days), end, low)
    events = [
        _Event(day, (2, dt.time.max, sid), sid, voice=_VoiceCheckIn(sid, day, *rest))
        for sid, found in rows.items()
        for day, *rest in found
        if day >= start
    ]
    return events, {sid: evaluation.VoiceHistory(found) for sid, found in rows.items()}


def _fires(event: _Event, rules: tuple[list, ...], histories) -> list[evaluation.Fire]:
    screening, checkin, voice = rules
    if event.result is not None:
        return evaluation.screening_fires(screening, event.result) if screening else []
    if event.voice is not None:
        if not voice:
            return []
        return evaluation.voice_fires(voice, event.voice, histories[1].get(event.student_id))
    histories = histories[0]
    if not checkin:
        return []
    # The history holds later days too; the evaluation reads only up to the event's day.
    history = histories.get(event.student_id)
    return [
        fire for one in event.checkins for fire in evaluation.checkin_fires(checkin, one, history)
    ]


def _split(rules) -> tuple[list, list, list]:
    return (
        [r for r in rules if r.kind in SCREENING_KINDS],
        [r for r in rules if r.kind in CHECKIN_KINDS],
        [r for r in rules if r.kind in VOICE_KINDS],
    )


def _replay(events, histories, sets: Sequence[Sequence[ThresholdRule]], watched_pk):
    """One pass over history for several rule sets (current, proposed): each event is
    evaluated once against the union of their rules, then counted for each set."""
    union = list({id(rule): rule for rules in sets for rule in rules}.values())
    members = [{id(rule) for rule in rules} for rules in sets]
    every = _split(union)
    # Once a student is flagged everywhere, only the watched rule still changes a figure.
    watched = _split([rule for rule in union if rule.pk == watched_pk])
    outcomes = [Outcome() for _ in sets]
    for event in events:
        student = event.student_id
        done = all(student in outcome.flagged for outcome in outcomes)
        fires = _fires(event, watched if done else every, histories)
        if not fires:
            continue
        for outcome, member in zip(outcomes, members, strict=True):
            mine = [fire for fire in fires if id(fire.rule) in member]
            if not mine:
                continue
            if any(fire.rule.pk == watched_pk for fire in mine):
                outcome.rule_students.add(student)
            if student in outcome.flagged:
                continue  # rule 3: a reason added to the open referral, not a new referral
            priority = min(fire.rule.priority for fire in mine)
            week = _monday(event.day)
            outcome.flagged[student] = (week, priority)
            outcome.referrals += 1
            outcome.by_priority[priority] += 1
            outcome.by_week[week] = outcome.by_week.get(week, 0) + 1
    return outcomes


def rule_copy(rule: ThresholdRule) -> ThresholdRule:
    """An unsaved copy of `rule` (same pk), to change without touching the original."""
    fields = ThresholdRule._meta.concrete_fields
    return ThresholdRule(**{f.attname: getattr(rule, f.attname) for f in fields})


WATCHED = object()  # the pk a proposed new rule gets in the replay (it has none yet)


def rule_whatif(
    *,
    school: School,
    proposed: ThresholdRule,
    weeks: int = DEFAULT_WEEKS,
    today: dt.date | None = None,
) -> WhatIf:
    """Replay the school's last `weeks` weeks with its active rules, then with `proposed`
    in place of the rule of the same pk (or added, for a new rule; left out if inactive)."""
    weeks = max(1, min(int(weeks), MAX_WEEKS))
    today = today or timezone.localdate()
    first = _monday(today) - dt.timedelta(weeks=weeks - 1)
    current = list(ThresholdRule.objects.filter(school=school, active=True))
    if proposed.pk is None:
        # A copy, so the replay's stand-in pk never reaches the caller's unsaved rule.
        proposed = rule_copy(proposed)
        proposed.pk = WATCHED
    others = [rule for rule in current if rule.pk != proposed.pk]
    candidate = others + ([proposed] if proposed.active else [])
    everything = [*current, proposed]
    patterns = [r for r in everything if r.kind in CHECKIN_KINDS - {RuleKind.CONCERN_TAG}]
    tags = any(r.kind == RuleKind.CONCERN_TAG for r in everything)
    events, histories = _load(school, first, today, evaluation.history_days(patterns), tags=tags)
    voice = [r for r in everything if r.kind in VOICE_KINDS]
    voice_histories = {}
    if voice:
        lead = evaluation.voice_history_days(voice)
        voice_events, voice_histories = _load_voice(school, first, today, lead)
        events = sorted(events + voice_events, key=lambda e: (e.day, e.order))
    histories = (histories, voice_histories)
    counsellors = User.objects.filter(
        is_active=True, groups__name=f"school:{school.code}:counsellor"
    ).count()
    before, after = _replay(events, histories, [current, candidate], proposed.pk)
    return WhatIf(
        school=school,
        weeks=[first + dt.timedelta(weeks=n) for n in range(weeks)],
        counsellors=counsellors,
        current=before,
        proposed=after,
    )
