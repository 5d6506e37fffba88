"""Writes of student voice: the check-in (with its safety and wants-to-talk paths), links
and class kiosks, answering a request to talk, and the school's settings."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwell.accounts import gate
from schoolwell.accounts.models import User
from schoolwell.consent.gating import Purpose, effective_consent_map
from schoolwell.core.registry import voice_checkin_hooks
from schoolwell.roster.models import Class, School, Student
from schoolwell.screening.models.results import token_hash  # links store only its SHA-256
from schoolwell.voice import content
from schoolwell.voice.models import (
    DEFAULT_LOW_FEELINGS,
    MESSAGE_MAX_LENGTH,
    TOPICS_BY_BAND,
    Channel,
    CheckInLink,
    Energy,
    Feeling,
    MessageAudience,
    StudentCheckIn,
    Topic,
    VoiceSettings,
    WantsToTalk,
    grade_band,
)

KIOSK_MINUTES = 60
CRISIS_DUE_HOURS = 1


class VoiceError(Exception):
    """Input a person can correct; `message` is in their language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class VoiceForbidden(VoiceError):
    pass


def checkin_allowed(students: Sequence[Student], *, on=None) -> dict[int, bool]:
    """Student id → may this student check in (effective consent for the purpose)."""
    consents = effective_consent_map(list(students), Purpose.STUDENT_CHECKIN, on=on)
    return {pk: consent.allowed for pk, consent in consents.items()}


def settings_for(school_id: int) -> VoiceSettings:
    """The school's settings, or the defaults (unsaved) when it has chosen none."""
    found = VoiceSettings.objects.filter(school_id=school_id).first()
    return found or VoiceSettings(
        school_id=school_id,
        low_feelings=list(DEFAULT_LOW_FEELINGS),
        message_audience=MessageAudience.COUNSELLORS,
    )


@transaction.atomic
def voice_settings_update(
    *, school: School, by: User, low_feelings: Iterable[str], message_audience: str
) -> VoiceSettings:
    gate.require(by, "voice.settings", school)
    chosen = [f for f in Feeling.values if f in set(low_feelings)]
    if message_audience not in MessageAudience.values:
        raise VoiceError(_("Choose who may read students' messages."))
    found, _created = VoiceSettings.objects.get_or_create(school=school)
    found.low_feelings = chosen
    found.message_audience = message_audience
    found.updated_by = by
    found.save()
    return found


def trusted_adults(student: Student) -> list[User]:
    """The adults a student may ask for: their teachers and the school's counsellors."""
    people = {u.pk: u for u in gate.teachers_of(student)}
    people.update({u.pk: u for u in gate.counsellors_of([student.school_id])})
    return sorted(people.values(), key=lambda u: (u.last_name, u.first_name, u.pk))


# ------------------------------------------------------------------ reaching it


@transaction.atomic
def checkin_link_create(*, student: Student, by: User) -> tuple[CheckInLink, str]:
    """A new personal link (the student's live one, if any, is revoked); returns the link
    and its token, to print once: only its SHA-256 is kept."""
    gate.require(by, "voice.links", student)
    now = timezone.now()
    CheckInLink.objects.filter(student=student, revoked_at=None).update(
        revoked_at=now, revoked_by=by
    )
    token = secrets.token_urlsafe(24)
    link = CheckInLink.objects.create(
        student=student, token_hash=token_hash(token), created_by=by, created_at=now
    )
    return link, token


@transaction.atomic
def checkin_links_create_for_class(*, klass: Class, by: User) -> list[tuple[Student, str]]:
    """New cards for every student of the class who may check in (consent), in roster order."""
    from schoolwell.roster.selectors import class_roster

    gate.require(by, "class.view", klass)
    roster = list(class_roster(klass))
    allowed = checkin_allowed(roster)
    cards = []
    for student in roster:
        if allowed.get(student.pk):
            _link, token = checkin_link_create(student=student, by=by)
            cards.append((student, token))
    return cards


@transaction.atomic
def checkin_link_revoke(*, student: Student, by: User) -> int:
    gate.require(by, "voice.links", student)
    return CheckInLink.objects.filter(student=student, revoked_at=None).update(
        revoked_at=timezone.now(), revoked_by=by
    )


def checkin_link_find(*, token: str) -> CheckInLink | None:
    """The live link of this token (None for an unknown or revoked one)."""
    if not token or len(token) > 100:
        return None
    return (
        CheckInLink.objects.filter(token_hash=token_hash(token), revoked_at=None)
        .select_related("student", "student__school")
        .first()
    )


@transaction.atomic
def voice_kiosk_start(*, klass: Class, by: User, minutes: int = KIOSK_MINUTES):
    """A class check-in kiosk on a shared device: the screening kiosk in "voice" mode."""
    from schoolwell.screening.models import KioskMode, KioskSession

    if not (gate.may(by, "class.teach", klass) or gate.may(by, "school.counsel", klass)):
        gate.require(by, "class.teach", klass)
    return KioskSession.objects.create(
        klass=klass,
        mode=KioskMode.VOICE,
        instrument=None,
        started_by=by,
        expires_at=timezone.now() + dt.timedelta(minutes=minutes),
    )


@transaction.atomic
def voice_kiosk_end(*, kiosk, by: User) -> None:
    from schoolwell.screening.models import KioskSession

    if not (
        gate.may(by, "class.teach", kiosk.klass) or gate.may(by, "school.counsel", kiosk.klass)
    ):
        gate.require(by, "class.teach", kiosk.klass)
    KioskSession.objects.filter(pk=kiosk.pk, ended_at=None).update(
        ended_at=timezone.now(), ended_by=by
    )


# ------------------------------------------------------------------ the check-in


@dataclass(frozen=True)
class CheckInOutcome:
    checkin: StudentCheckIn
    crisis: bool
    skill: content.CopingSkill


def _clean(student: Student, *, feeling, energy, topics, message, wants_to_talk, adult_id):
    if feeling not in Feeling.values:
        raise VoiceError(_("Tap how you feel."))
    if energy and energy not in Energy.values:
        raise VoiceError(_("Tap one of the energy choices."))
    offered = TOPICS_BY_BAND[grade_band(student.grade)]
    topics = list(dict.fromkeys(topics))
    if any(t not in offered for t in topics):
        raise VoiceError(_("Tap only the choices shown."))
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX_LENGTH:
        raise VoiceError(_("Your message is too long. Please make it shorter."))
    if wants_to_talk not in WantsToTalk.values:
        raise VoiceError(_("Tap if you want to talk to an adult."))
    adult = None
    if adult_id:
        adult = next((u for u in trusted_adults(student) if u.pk == adult_id), None)
        if adult is None:
            raise VoiceError(_("Tap one of the adults shown."))
    return topics, message, adult


@transaction.atomic
def student_checkin_record(
    *,
    student: Student,
    feeling: str,
    channel: str,
    energy: str = "",
    topics: Sequence[str] = (),
    message: str = "",
    wants_to_talk: str = WantsToTalk.NOT_NOW,
    trusted_adult_id: int | None = None,
    kiosk=None,
    klass: Class | None = None,
    now: dt.datetime | None = None,
) -> CheckInOutcome:
    """Save the student's check-in for today (superseding an earlier one of the same day);
    "feeling unsafe" or a crisis phrase → urgent referral; "Yes, today" → alert the adults."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    if channel not in Channel.values:
        raise VoiceError(_("Unknown way in."))
    if not checkin_allowed([student], on=now).get(student.pk):
        # The student sees a neutral message; consent state is not disclosed.
        raise VoiceForbidden(_("Check-in is not open for you right now."))
    topics, message, adult = _clean(
        student,
        feeling=feeling,
        energy=energy,
        topics=topics,
        message=message,
        wants_to_talk=wants_to_talk,
        adult_id=trusted_adult_id,
    )
    crisis = Topic.FEELING_UNSAFE in topics or content.message_is_crisis(message)
    # The student's row is the lock: two submissions at once supersede in turn.
    Student.objects.select_for_update().filter(pk=student.pk).first()
    StudentCheckIn.objects.filter(student=student, date=day, current=True).update(
        current=False, superseded_at=now
    )
    try:
        with transaction.atomic():
            checkin = StudentCheckIn.objects.create(
                school_id=student.school_id,
                student=student,
                date=day,
                feeling=feeling,
                energy=energy,
                topics=topics,
                message=message,
                wants_to_talk=wants_to_talk,
                trusted_adult=adult,
                channel=channel,
                kiosk=kiosk,
                klass=klass,
                created_at=now,
                crisis=crisis,
            )
    except IntegrityError as error:  # pragma: no cover - the lock above serialises writers
        raise VoiceError(_("Please try again.")) from error
    if crisis:
        _raise_crisis(checkin, now=now)
    if wants_to_talk == WantsToTalk.TODAY:
        _alert_wants_to_talk(checkin, now=now)
    low_feelings = settings_for(student.school_id).low_feelings
    for hook in voice_checkin_hooks:
        hook(checkin, low_feelings)
    skill = content.skill_for(
        feeling=feeling, band=grade_band(student.grade), day_number=day.toordinal()
    )
    return CheckInOutcome(checkin, crisis, skill)


def _raise_crisis(checkin: StudentCheckIn, *, now) -> None:
    """Rule 4: an urgent referral whose alert reaches the on-call counsellors (outbox)."""
    from schoolwell.referrals.models import DueUnit, Priority, ReasonCode, Source
    from schoolwell.referrals.services import Trigger, referral_trigger

    why = "unsafe" if Topic.FEELING_UNSAFE in checkin.topics else "message"
    referral_trigger(
        student=checkin.student,
        triggers=[
            Trigger(
                source=Source.STUDENT,
                trigger_key=f"voice:{checkin.pk}",
                priority=Priority.URGENT,
                due_within=CRISIS_DUE_HOURS,
                due_unit=DueUnit.HOURS,
                code=ReasonCode.STUDENT_VOICE,
                params={"why": why, "checkin": checkin.pk},
            )
        ],
        now=now,
    )


def talk_recipients(checkin: StudentCheckIn) -> list[User]:
    """The adult the student chose (if any) and the school's counsellors."""
    people = {u.pk: u for u in gate.counsellors_of([checkin.school_id])}
    if checkin.trusted_adult_id and checkin.trusted_adult.is_active:
        people[checkin.trusted_adult_id] = checkin.trusted_adult
    return sorted(people.values(), key=lambda u: u.pk)


def _alert_wants_to_talk(checkin: StudentCheckIn, *, now) -> None:
    from schoolwell.alerts.models import Channel as AlertChannel
    from schoolwell.alerts.models import Kind
    from schoolwell.alerts.services import Alert, deliveries_create

    deliveries_create(
        alert=Alert(
            kind=Kind.WANTS_TO_TALK,
            school_id=checkin.school_id,
            message_code="voice.wants_to_talk",
            channels=(AlertChannel.IN_APP, AlertChannel.EMAIL),
            params={"checkin": checkin.pk},
        ),
        recipients=talk_recipients(checkin),
        now=now,
    )


@transaction.atomic
def talk_request_answer(*, checkin: StudentCheckIn, by: User, now=None) -> StudentCheckIn:
    """The adult talked with the student: the request leaves everyone's list."""
    if not may_answer(by, checkin):
        gate.require(by, "school.counsel", checkin)
    now = now or timezone.now()
    StudentCheckIn.objects.filter(pk=checkin.pk, talk_answered_at=None).update(
        talk_answered_at=now, talk_answered_by=by
    )
    checkin.refresh_from_db()
    return checkin


def may_answer(user: User, checkin: StudentCheckIn) -> bool:
    """The chosen adult, or a counsellor of the school."""
    return (
        checkin.wants_to_talk != WantsToTalk.NOT_NOW
        and user.is_authenticated
        and (checkin.trusted_adult_id == user.pk or gate.may(user, "school.counsel", checkin))
    )
