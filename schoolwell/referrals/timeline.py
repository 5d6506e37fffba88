"""A student's timeline for counsellors, newest first: screening results, referrals and
their events, counsellor notes, consent decisions, and check-ins (one line per school week
unless that week is opened). A fixed number of queries whatever its length."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schoolwell.accounts import gate
from schoolwell.accounts.models import User
from schoolwell.referrals.models import ReferralNote
from schoolwell.referrals.selectors import student_referrals
from schoolwell.roster.models import Student
from schoolwell.screening.models import CheckIn, ScreeningResult

# What a reader can filter by; each kind of entry belongs to one.
KINDS = {
    "checkins": _("Check-ins"),
    "screening": _("Screening"),
    "referrals": _("Referrals"),
    "notes": _("Notes"),
    "consent": _("Consent"),
}
FILTER_OF = {
    "checkin": "checkins",
    "week": "checkins",
    "result": "screening",
    "referral": "referrals",
    "event": "referrals",
    "note": "notes",
    "consent": "consent",
}
# At the same moment, newest first puts the events above the referral they opened.
ORDER = {
    "event": 0,
    "referral": 1,
    "note": 2,
    "result": 3,
    "consent": 4,
    "week": 5,
    "checkin": 6,
    "provided": 7,
}


def kind_choices() -> list[tuple[str, Any]]:
    """The filters: this module's kinds, then those other apps add (core.registry)."""
    from schoolwell.core.registry import timeline_sources

    return [*KINDS.items(), *((source.key, source.label) for source in timeline_sources)]


@dataclass(frozen=True)
class Entry:
    at: dt.datetime
    kind: str  # picks the template row: referral, event, note, result, consent, week, checkin
    item: Any


@dataclass
class Week:
    """A school week's check-ins on one line: how many, the lowest and the tags seen."""

    monday: dt.date
    checkins: list = field(default_factory=list)

    @property
    def present(self) -> list:
        return [c for c in self.checkins if not c.absent and c.wellbeing is not None]

    @property
    def lowest(self) -> int | None:
        return min((c.wellbeing for c in self.present), default=None)

    @property
    def mean(self) -> float | None:
        values = [c.wellbeing for c in self.present]
        return round(sum(values) / len(values), 1) if values else None

    @property
    def absent(self) -> int:
        return sum(1 for c in self.checkins if c.absent)

    @property
    def tags(self) -> list[str]:
        return sorted({tag for c in self.checkins for tag in (c.tags or [])})

    @property
    def notes(self) -> int:
        return sum(1 for c in self.checkins if c.note)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _checkins(student: Student, *, expand_all: bool, open_weeks: Collection[dt.date]):
    checkins = CheckIn.objects.filter(student=student).select_related("teacher").order_by("date")
    weeks: dict[dt.date, Week] = {}
    for checkin in checkins:
        monday = _monday(checkin.date)
        if expand_all or monday in open_weeks:
            # A check-in is about a day: it sits at that day's start in the school's time zone.
            yield Entry(_start_of(checkin.date), "checkin", checkin)
        else:
            weeks.setdefault(monday, Week(monday)).checkins.append(checkin)
    for week in weeks.values():
        yield Entry(_start_of(week.checkins[-1].date), "week", week)


def _notes(user: User, student: Student):
    """Notes of the student's referrals in the user's schools; a colleague's private
    memory aid only as "a restricted note" (FERPA sole-possession: never its text)."""
    notes = ReferralNote.objects.filter(
        referral__student=student,
        referral__school_id__in=gate.school_ids(user, "referral.view"),
    ).select_related("author")
    for note in notes:
        note.hidden = note.private and note.author_id != user.pk
        yield Entry(note.created_at, "note", note)


def _consent(student: Student):
    from schoolwell.consent.models import ConsentDecision

    decisions = ConsentDecision.objects.filter(student=student).select_related("form", "guardian")
    return (Entry(d.at, "consent", d) for d in decisions)


def student_timeline(
    *,
    user: User,
    student: Student,
    kinds: Collection[str] = (),
    expand_all: bool = False,
    open_weeks: Collection[dt.date] = (),
) -> list[Entry]:
    """The student's entries of these kinds (all when none), newest first."""
    from schoolwell.core.registry import timeline_sources

    wanted = set(kinds) or {key for key, _label in kind_choices()}
    entries: list[Entry] = []
    for source in timeline_sources:
        if source.key in wanted:
            entries += [Entry(item.at, "provided", item) for item in source.entries(user, student)]
    if "screening" in wanted:
        entries += [
            Entry(result.administered_at, "result", result)
            for result in ScreeningResult.objects.filter(student=student).select_related(
                "instrument", "administered_by"
            )
        ]
    if "checkins" in wanted:
        entries += _checkins(student, expand_all=expand_all, open_weeks=set(open_weeks))
    if "referrals" in wanted:
        for referral in student_referrals(user=user, student=student):
            entries.append(Entry(referral.opened_at, "referral", referral))
            entries.extend(Entry(event.at, "event", event) for event in referral.events.all())
    if "notes" in wanted:
        entries += _notes(user, student)
    if "consent" in wanted:
        entries += _consent(student)
    return sorted(entries, key=lambda e: (-e.at.timestamp(), ORDER[e.kind]))
