"""Reads of student voice, scoped by the user: the class's day, requests to talk, a
student's own check-ins for the timeline, and the program indicators."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate

from schoolwell.accounts import gate
from schoolwell.accounts.models import User
from schoolwell.roster.models import Class, Enrollment, School, Student
from schoolwell.voice.models import (
    MessageAudience,
    StudentCheckIn,
    VoiceSettings,
    WantsToTalk,
)


def current_checkins() -> QuerySet[StudentCheckIn]:
    """Each student's current check-in per day (corrections superseded are left out)."""
    return StudentCheckIn.objects.filter(current=True)


def reads_messages(user, *, school_id: int, klass: Class | None, settings: VoiceSettings) -> bool:
    """Students' messages: the school's counsellors; its class teachers only where the
    school's setting says so."""
    if school_id in gate.school_ids(user, "school.counsel"):
        return True
    return (
        settings.message_audience == MessageAudience.ALSO_TEACHER
        and klass is not None
        and gate.may(user, "class.teach", klass)
    )


@dataclass(frozen=True)
class ClassRow:
    student: Student
    checkin: StudentCheckIn | None
    may_check_in: bool


def class_day(*, user, klass: Class, day: dt.date) -> list[ClassRow]:
    """The class's students on `day`: who checked in, how they feel, who wants to talk.
    A fixed number of queries, whatever the class size."""
    from schoolwell.roster.selectors import class_roster
    from schoolwell.voice.services import checkin_allowed

    gate.require(user, "class.view", klass)
    roster = list(class_roster(klass))
    found = {
        c.student_id: c
        for c in current_checkins()
        .filter(student__in=[s.pk for s in roster], date=day)
        .select_related("trusted_adult")
    }
    allowed = checkin_allowed(roster)
    return [ClassRow(s, found.get(s.pk), allowed.get(s.pk, False)) for s in roster]


def talk_requests(*, user: User, day: dt.date) -> QuerySet[StudentCheckIn]:
    """Today's unanswered "Yes, today" requests the user should act on: those naming them,
    and every one of the schools they counsel."""
    counselled = gate.school_ids(user, "school.counsel")
    return (
        current_checkins()
        .filter(date=day, wants_to_talk=WantsToTalk.TODAY, talk_answered_at=None)
        .filter(Q(trusted_adult=user) | Q(school_id__in=counselled))
        .select_related("student")
        .order_by("created_at")
    )


def talk_request(*, user: User, pk: int) -> StudentCheckIn | None:
    """One request to talk, for the adult it names or a counsellor of the school."""
    counselled = gate.school_ids(user, "school.counsel")
    return (
        StudentCheckIn.objects.filter(pk=pk)
        .exclude(wants_to_talk=WantsToTalk.NOT_NOW)
        .filter(Q(trusted_adult=user) | Q(school_id__in=counselled))
        .select_related("student", "trusted_adult", "talk_answered_by", "klass")
        .first()
    )


def student_checkins(*, student: Student, limit: int = 400) -> list[StudentCheckIn]:
    """A student's own check-ins, corrections included (newest first), for counsellors."""
    return list(
        StudentCheckIn.objects.filter(student=student)
        .select_related("trusted_adult")
        .order_by("-date", "-created_at")[:limit]
    )


# ------------------------------------------------------------------ indicators


@dataclass(frozen=True)
class ClassParticipation:
    klass: Class
    students: int
    days_checked_in: int
    possible: int

    @property
    def rate(self) -> float | None:
        return self.days_checked_in / self.possible if self.possible else None


def participation_by_class(
    *, school: School, start: dt.date, end: dt.date
) -> list[ClassParticipation]:
    """For each active class: enrolled students, and the share of (student, school day)
    pairs with a check-in. Three queries."""
    from schoolwell.referrals import schooldays

    # School days of [start, end]: the count runs from the day before `start`.
    days = schooldays.school_days_between(start - dt.timedelta(days=1), end)
    classes = list(
        Class.objects.filter(school=school, active=True)
        .annotate(n=Count("enrollments", filter=Q(enrollments__active=True)))
        .order_by("title")
    )
    pairs = (
        Enrollment.objects.filter(klass__in=classes, active=True)
        .values("klass_id")
        .annotate(
            done=Count(
                "student__voice_checkins",
                filter=Q(
                    student__voice_checkins__current=True,
                    student__voice_checkins__date__gte=start,
                    student__voice_checkins__date__lte=end,
                ),
            )
        )
    )
    done = {row["klass_id"]: row["done"] for row in pairs}
    return [ClassParticipation(c, c.n, done.get(c.pk, 0), c.n * days) for c in classes if c.n]


@dataclass(frozen=True)
class TalkResponse:
    asked: int
    answered: int
    median_hours: float | None
    same_day: int


def talk_response(*, school: School, start: dt.date, end: dt.date) -> TalkResponse:
    """ "Yes, today" requests of the period: how many were answered, how fast (median).
    One aggregate query (on SQLite, which has no median, the answered ones' times are read
    for it)."""
    from schoolwell.core.aggregates import Median, hours_between, medians_in_sql

    rows = current_checkins().filter(
        school=school, date__gte=start, date__lte=end, wants_to_talk=WantsToTalk.TODAY
    )
    answered = Q(talk_answered_at__isnull=False)
    figures = {
        "asked": Count("pk"),
        "answered": Count("pk", filter=answered),
        # The same local day (TruncDate reads both in the current time zone).
        "same_day": Count("pk", filter=answered & Q(asked_on=TruncDate("talk_answered_at"))),
    }
    in_sql = medians_in_sql(rows)
    if in_sql:
        figures["median"] = Median(hours_between("talk_answered_at", "created_at"))
    totals = rows.annotate(asked_on=TruncDate("created_at")).order_by().aggregate(**figures)
    if in_sql:
        median = totals["median"]
    else:
        waits = [
            (done - at).total_seconds() / 3600
            for at, done in rows.filter(answered).values_list("created_at", "talk_answered_at")
        ]
        median = statistics.median(waits) if waits else None
    return TalkResponse(
        asked=totals["asked"],
        answered=totals["answered"],
        median_hours=median,
        same_day=totals["same_day"],
    )
