"""A student's timeline for counsellors: referrals and their events (and, from screening,
check-ins and results), merged oldest first. A fixed number of queries whatever its length."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from schoolwell.accounts.models import User
from schoolwell.referrals.selectors import student_referrals
from schoolwell.roster.models import Student

# At the same moment, a referral comes before the events it opened with.
ORDER = {"referral": 0, "event": 1, "result": 2, "checkin": 3}


@dataclass(frozen=True)
class Entry:
    at: dt.datetime
    kind: str  # "referral", "event", "checkin", "result": picks the template row
    item: Any


def student_timeline(*, user: User, student: Student) -> list[Entry]:
    entries: list[Entry] = []
    for referral in student_referrals(user=user, student=student):
        entries.append(Entry(referral.opened_at, "referral", referral))
        entries.extend(Entry(event.at, "event", event) for event in referral.events.all())
    return sorted(entries, key=lambda e: (e.at, ORDER[e.kind]))
