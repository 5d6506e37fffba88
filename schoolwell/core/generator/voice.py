"""Student voice in the generated district: each school's student check-in consent form
(passive, as shipped: a notice, a few families opting out or granting, now and then one
withdrawing later), and the students' own check-ins as the demo makes them, only on the days
their consent was in effect, following their wellbeing's course; a few choose "feeling
unsafe", and each of those opens an urgent referral."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from schoolwell.consent.defaults import default_forms
from schoolwell.consent.models import (
    Channel as ConsentChannel,
)
from schoolwell.consent.models import (
    ConsentDecision,
    ConsentForm,
    ConsentNotice,
    Decision,
    Policy,
    Purpose,
)
from schoolwell.core.generator.activity import _at, school_days
from schoolwell.core.generator.copy import copy_rows, deferred_indexes
from schoolwell.core.generator.referrals import ReferralSpec
from schoolwell.core.generator.roster import GeneratedRoster, GeneratedStudent
from schoolwell.referrals.models import Priority, Source, Status
from schoolwell.referrals.models.referral import ReasonCode
from schoolwell.voice.demo import CALM, LOW, MESSAGES
from schoolwell.voice.models import (
    DEFAULT_LOW_FEELINGS,
    TOPICS_BY_BAND,
    Channel,
    Energy,
    Feeling,
    StudentCheckIn,
    Topic,
    VoiceSettings,
    WantsToTalk,
    grade_band,
)
from schoolwell.voice.services import CRISIS_DUE_HOURS

NOTICE_DAYS = 14
OPTED_OUT, GRANTED, WITHDRAWN = 0.06, 0.10, 0.015
# "Feeling unsafe" among a student's low check-ins (at most once a student).
UNSAFE_SHARE = 0.0008
ENERGY = [Energy.LOW, Energy.SOME, Energy.SOME, Energy.LOTS]
COLUMNS = (
    "school_id",
    "student_id",
    "date",
    "feeling",
    "energy",
    "topics",
    "message",
    "wants_to_talk",
    "trusted_adult_id",
    "channel",
    "klass_id",
    "created_at",
    "crisis",
    "talk_answered_at",
    "talk_answered_by_id",
)


@dataclass(frozen=True)
class ConsentWindow:
    """The school days a student's check-in consent was in effect: from `first` (the day
    after a grant, or after the notice period) and before `ends` (a withdrawal), if any."""

    first: dt.date
    ends: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        return self.first <= day and (self.ends is None or day < self.ends)


def generate_voice_consent(
    roster: GeneratedRoster, rng: random.Random, today: dt.date
) -> tuple[dict[str, int], dict[int, ConsentWindow]]:
    """The published student check-in form of each school, its notice to every guardian and
    the families' decisions; returns the counts and each student's consent window."""
    shipped = default_forms()[Purpose.STUDENT_CHECKIN]
    texts = ("title", "summary", "body", "grant_label", "deny_label", "revoke_label")
    published = _at(roster.term.start_date, 8)
    forms = {}
    for school in roster.schools:
        forms[school.pk] = ConsentForm.objects.create(
            school=school,
            purpose=Purpose.STUDENT_CHECKIN,
            version=1,
            school_year=roster.term.school_year,
            policy=Policy.PASSIVE,
            notice_days=NOTICE_DAYS,
            published_at=published,
            published_by_id=roster.admins[school.pk],
            **{field: shipped[field] for field in texts},
        )
    VoiceSettings.objects.bulk_create(
        VoiceSettings(school=school, low_feelings=list(DEFAULT_LOW_FEELINGS))
        for school in roster.schools
    )
    noticed = roster.term.start_date + dt.timedelta(days=1)
    sent = _at(noticed, 17)
    # Decisions are recorded in the evening: nothing decided after this morning exists yet.
    morning = _at(today, 7)
    passive_from = noticed + dt.timedelta(days=NOTICE_DAYS + 1)
    notices, decisions, windows = [], [], {}
    for s in roster.students:
        form = forms[s.school_id].pk
        admin = roster.admins[s.school_id]
        notices.extend((s.pk, g, form, sent, admin) for g in s.guardian_ids)
        guardian = s.guardian_ids[0]
        roll = rng.random()
        decided = _at(noticed + dt.timedelta(days=rng.randint(1, 10)), 19)
        if decided > morning or roll >= OPTED_OUT + GRANTED:
            decided, decision = None, None
        else:
            decision = Decision.DENIED if roll < OPTED_OUT else Decision.GRANTED
            decisions.append((s.pk, guardian, form, decision, guardian, decided))
        if decision == Decision.DENIED or passive_from > today:
            continue
        first = passive_from
        if decision == Decision.GRANTED:
            first = min(first, decided.date() + dt.timedelta(days=1))
        ends = None
        withdrawn = _at(noticed + dt.timedelta(days=rng.randint(30, 90)), 19)
        if rng.random() < WITHDRAWN and withdrawn <= morning:
            decisions.append((s.pk, guardian, form, Decision.REVOKED, guardian, withdrawn))
            ends = withdrawn.date()
        windows[s.pk] = ConsentWindow(first, ends)
    counts = {
        "voice_consent_notices": copy_rows(
            ConsentNotice,
            ("student_id", "guardian_id", "form_id", "sent_at", "sent_by_id"),
            notices,
        ),
        "voice_consent_decisions": copy_rows(
            ConsentDecision,
            ("student_id", "guardian_id", "form_id", "decision", "channel", "recorded_by_id", "at"),
            ((*row[:4], ConsentChannel.PORTAL, *row[4:]) for row in decisions),
        ),
    }
    return counts, windows


def generate_voice(
    roster: GeneratedRoster,
    rng: random.Random,
    today: dt.date,
    days: int,
    windows: dict[int, ConsentWindow],
) -> tuple[int, list[ReferralSpec]]:
    """The students' own check-ins on the school days their consent was in effect; returns
    their number and the referrals the "feeling unsafe" ones opened (to be written)."""
    dates = school_days(today, days)
    mornings = [_at(day, 8) for day in dates]
    last = max(1, len(dates) - 1)
    # Every district shows the crisis path: the first student who may check in on the last
    # day chooses "feeling unsafe" then.
    forced = next((s.pk for s in roster.students if dates and _covers(windows, s, dates[-1])), None)
    crises: list[StudentCheckIn] = []

    def rows():
        random_, choice, randrange = rng.random, rng.choice, rng.randrange
        for s in roster.students:
            window = windows.get(s.pk)
            if window is None:
                continue  # no consent: never asked to check in
            participation = rng.uniform(0.45, 0.95)
            counsellor = roster.counsellors[s.school_id]
            offered = [t for t in TOPICS_BY_BAND[grade_band(s.grade)] if t != Topic.FEELING_UNSAFE]
            messages = MESSAGES.get(s.language, MESSAGES["en"])
            unsafe_yet = False
            for n, (day, morning) in enumerate(zip(dates, mornings, strict=True)):
                if not window.covers(day):
                    continue
                crisis = s.pk == forced and n == last and not unsafe_yet
                if random_() > participation and not crisis:
                    continue
                # The student's course: a declining student feels low more and more often,
                # an improving one less and less.
                progress = n / last
                low = 0.1 - 0.25 * s.trend * (progress - (s.trend > 0))
                feeling = choice(LOW) if random_() < low else choice(CALM)
                feels_low = feeling in LOW
                topics = []
                if feels_low and random_() < 0.6:
                    topics = rng.sample(offered, k=rng.randint(1, 2))
                crisis = crisis or (feels_low and not unsafe_yet and random_() < UNSAFE_SHARE)
                at = morning + dt.timedelta(seconds=randrange(2700))
                roll = random_()
                if crisis:
                    feeling, topics = Feeling.SCARED, [Topic.FEELING_UNSAFE]
                    wants, unsafe_yet = WantsToTalk.TODAY, True
                elif feels_low and roll < 0.12:
                    wants = WantsToTalk.TODAY
                elif feels_low and roll < 0.25:
                    wants = WantsToTalk.SOON
                else:
                    wants = WantsToTalk.NOT_NOW
                adult = answered = None
                if wants != WantsToTalk.NOT_NOW:
                    adult = choice((counsellor, s.teacher_id))
                    # Answered the same day; today's, and some "soon" ones, still open.
                    if day < today and (wants == WantsToTalk.TODAY or random_() < 0.8):
                        answered = at + dt.timedelta(minutes=rng.randint(20, 6 * 60))
                kiosk = random_() < 0.8
                row = (
                    s.school_id,
                    s.pk,
                    day,
                    feeling,
                    choice(ENERGY),
                    topics,
                    choice(messages) if random_() < 0.05 else "",
                    wants,
                    adult,
                    Channel.KIOSK if kiosk else Channel.LINK,
                    s.class_id if kiosk else None,
                    at,
                    crisis,
                    answered,
                    adult if answered else None,
                )
                if crisis:
                    # Its referral needs its id: written apart, after the stream.
                    crises.append(StudentCheckIn(**dict(zip(COLUMNS, row, strict=True))))
                else:
                    yield row

    with deferred_indexes(StudentCheckIn, rows=len(windows) * len(dates)):
        count = copy_rows(StudentCheckIn, COLUMNS, rows())
        StudentCheckIn.objects.bulk_create(crises, batch_size=2000)
    by_pk = {s.pk: s for s in roster.students}
    return count + len(crises), [
        _crisis_referral(by_pk[c.student_id], c, rng, today) for c in crises
    ]


def _covers(windows: dict[int, ConsentWindow], s: GeneratedStudent, day: dt.date) -> bool:
    window = windows.get(s.pk)
    return window is not None and window.covers(day)


def _crisis_referral(
    student: GeneratedStudent, checkin: StudentCheckIn, rng: random.Random, today: dt.date
) -> ReferralSpec:
    """The urgent referral `voice.services` opens for "feeling unsafe", worked as far as its
    age allows: the last two days' still new or being triaged."""
    if (today - checkin.date).days <= 2:
        status = rng.choice([Status.NEW, Status.CLAIMED, Status.TRIAGE])
    else:
        status = rng.choices(
            [Status.IN_PROGRESS, Status.REFERRED_OUT, Status.CLOSED], weights=[3, 1, 6]
        )[0]
    return ReferralSpec(
        student=student,
        status=status,
        code=ReasonCode.STUDENT_VOICE,
        params={"why": "unsafe", "checkin": checkin.pk},
        summary="The student's own check-in: chose “feeling unsafe”",
        priority=Priority.URGENT,
        opened=checkin.created_at,
        due=dt.timedelta(hours=CRISIS_DUE_HOURS),
        source=Source.STUDENT,
        trigger_key=f"voice:{checkin.pk}",
    )
