"""A student's timeline for counsellors: check-ins, screening results, referrals and their
events, merged oldest first. A fixed number of queries whatever its length."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from schoolwell.accounts.models import User
from schoolwell.referrals.selectors import student_referrals
from schoolwell.roster.models import Student
from schoolwell.screening.models import CheckIn, ScreeningResult

# At the same moment, a referral comes before the events it opened with.
ORDER = {"referral": 0, "event": 1, "result": 2, "checkin": 3}


@dataclass(frozen=True)
class Entry:
    at: dt.datetime
    kind: str  # "referral", "event", "checkin", "result": picks the template row
    item: Any


def student_timeline(*, user: User, student: Student) -> list[Entry]:
    entries: list[Entry] = [
        Entry(result.administered_at, "result", result)
        for result in ScreeningResult.objects.filter(student=student).select_related(
            "instrument", "administered_by"
        )
    ]
    entries += [
        # A check-in is about a day: it sits at that day's start in the school's time zone.
        Entry(_start_of(checkin.date), "checkin", checkin)
        for checkin in CheckIn.objects.filter(student=student).select_related("teacher")
    ]
    for referral in student_referrals(user=user, student=student):
        entries.append(Entry(referral.opened_at, "referral", referral))
        entries.extend(Entry(event.at, "event", event) for event in referral.events.all())
    return sorted(entries, key=lambda e: (e.at, ORDER[e.kind]))


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
