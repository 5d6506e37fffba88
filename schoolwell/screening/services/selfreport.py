"""Student self-report without a student password: kiosk sessions and single-use links.

A kiosk is started by staff for named students of their class; a link carries only an
opaque random token (its SHA-256 is stored), works in the first browser that opens it,
and expires. Progress is saved answer by answer; the result is stored at the end.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwell.roster.models import Class, Student
from schoolwell.roster.selectors import class_roster
from schoolwell.screening.consent import ConsentStatus, screening_consent
from schoolwell.screening.instruments import options_by_item
from schoolwell.screening.models import (
    Instrument,
    KioskSession,
    Respondent,
    ScreeningResult,
    ScreeningWindow,
    SelfReportAssignment,
)
from schoolwell.screening.models.results import token_hash
from schoolwell.screening.rules import is_asked
from schoolwell.screening.services.errors import ScreeningInputError
from schoolwell.screening.services.results import coerce_answers, screening_result_record

KIOSK_MINUTES = 90
LINK_HOURS = 72


def items_to_ask(instrument: Instrument, answers: dict) -> list[dict]:
    """The instrument's items this student is asked, given the answers so far (an item's
    `ask_if` in the fixture, e.g. the ASQ acuity question only after a positive screen)."""
    return [item for item in instrument.items if is_asked(item, answers)]


def _self_report(instrument: Instrument) -> None:
    if instrument.respondent != Respondent.STUDENT:
        raise ScreeningInputError(_("This instrument is rated by a teacher, not self-reported."))


def kiosk_session_start(
    *,
    klass: Class,
    instrument: Instrument,
    student_ids: Iterable[int],
    by,
    window: ScreeningWindow | None = None,
    minutes: int = KIOSK_MINUTES,
) -> tuple[KioskSession, dict[int, ConsentStatus]]:
    """Start a kiosk for the named students who may be screened; return it and those
    left out for want of consent (rule 2: they never see the questionnaire)."""
    _self_report(instrument)
    roster = {s.pk: s for s in class_roster(klass)}
    wanted = set(student_ids)
    if not wanted:
        raise ScreeningInputError(_("Choose the students who will take part."))
    if wanted - set(roster):
        raise ScreeningInputError(_("Only students of this class can take part."))
    consents = screening_consent([roster[sid] for sid in wanted])
    allowed = [sid for sid in wanted if consents[sid].allowed]
    refused = {sid: c for sid, c in consents.items() if not c.allowed}
    if not allowed:
        raise ScreeningInputError(
            _("None of the chosen students has screening consent in effect: no kiosk started.")
        )
    if window is not None and window.instrument_id != instrument.pk:
        raise ScreeningInputError(_("This window screens another instrument."))
    now = timezone.now()
    with transaction.atomic():
        session = KioskSession.objects.create(
            klass=klass,
            instrument=instrument,
            window=window,
            started_by=by,
            expires_at=now + dt.timedelta(minutes=minutes),
        )
        SelfReportAssignment.objects.bulk_create(
            SelfReportAssignment(
                student_id=sid,
                instrument=instrument,
                window=window,
                kiosk=session,
                created_by=by,
                expires_at=session.expires_at,
            )
            for sid in sorted(allowed)
        )
    return session, refused


def kiosk_session_end(*, session: KioskSession, by) -> list[ScreeningResult]:
    """End a kiosk. A questionnaire left half-done is stored as an incomplete result so a
    critical answer already given still reaches a counsellor (rule 4)."""
    now = timezone.now()
    stored = []
    with transaction.atomic():
        session = KioskSession.objects.select_for_update().get(pk=session.pk)
        if session.ended_at is None:
            session.ended_at, session.ended_by = now, by
            session.save(update_fields=["ended_at", "ended_by"])
        for assignment in session.assignments.filter(completed_at=None).select_related(
            "student", "instrument", "window"
        ):
            if assignment.answers:
                result = _finish(assignment, now)
                if result is not None:
                    stored.append(result)
            else:
                assignment.expires_at = min(assignment.expires_at, now)
                assignment.save(update_fields=["expires_at"])
    return stored


def selfreport_link_create(
    *,
    student: Student,
    instrument: Instrument,
    by,
    window: ScreeningWindow | None = None,
    hours: int = LINK_HOURS,
) -> tuple[SelfReportAssignment, str]:
    """A single-use link for one student: returns the assignment and the token to show once."""
    _self_report(instrument)
    consent = screening_consent([student])[student.pk]
    if not consent.allowed:
        raise ScreeningInputError(
            _("No screening consent in effect (%(state)s): no link was made.")
            % {"state": consent.reason or consent.state}
        )
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        assignment = SelfReportAssignment.objects.create(
            student=student,
            instrument=instrument,
            window=window,
            token_hash=token_hash(token),
            created_by=by,
            expires_at=timezone.now() + dt.timedelta(hours=hours),
        )
    return assignment, token


def selfreport_link_claim(*, token: str, claim: str) -> SelfReportAssignment | None:
    """The open link for this token, claimed by the first browser (`claim` is a random
    value kept in that browser's session). Any other browser, a used or expired link: None."""
    with transaction.atomic():
        assignment = (
            SelfReportAssignment.objects.select_for_update(of=("self",))
            .select_related("student", "instrument", "window", "created_by")
            .filter(token_hash=token_hash(token))
            .first()
        )
        if assignment is None or not assignment.is_open():
            return None
        if not assignment.claim_hash:
            assignment.claim_hash = token_hash(claim)
            assignment.save(update_fields=["claim_hash"])
        elif assignment.claim_hash != token_hash(claim):
            return None
    return assignment


def selfreport_answer(*, assignment: SelfReportAssignment, item_id: str, value: Any) -> None:
    """Save one answer (progress survives a closed tab); blank skips an optional item."""
    if not assignment.is_open():
        raise ScreeningInputError(_("This questionnaire is closed."))
    items = {item["id"]: item for item in items_to_ask(assignment.instrument, assignment.answers)}
    if item_id not in items:
        raise ScreeningInputError(_("Unknown question."))
    if value in (None, ""):
        if items[item_id]["required"]:
            raise ScreeningInputError(_("Please choose an answer."))
        value = None
    else:
        definition = assignment.instrument.definition
        value = coerce_answers(definition, {item_id: value})[item_id]
        if value not in [o["value"] for o in options_by_item(definition)[item_id]]:
            raise ScreeningInputError(_("Please choose one of the answers shown."))
    with transaction.atomic():
        assignment.answers = {**assignment.answers, item_id: value}
        SelfReportAssignment.objects.filter(pk=assignment.pk).update(answers=assignment.answers)


def _finish(assignment: SelfReportAssignment, now) -> ScreeningResult | None:
    """Store the result (None when consent has lapsed meanwhile: nothing is stored)."""
    asked = {item["id"] for item in items_to_ask(assignment.instrument, assignment.answers)}
    # An answer to a follow-up no longer called for (an earlier answer changed) is dropped.
    answers = {k: v for k, v in assignment.answers.items() if v is not None and k in asked}
    try:
        result = screening_result_record(
            student=assignment.student,
            instrument=assignment.instrument,
            answers=answers,
            by=assignment.created_by,
            window=assignment.window,
            respondent=Respondent.STUDENT,
            kiosk_session=assignment.kiosk,
            administered_at=now,
        )
    except ScreeningInputError:
        result = None
    assignment.completed_at, assignment.result = now, result
    assignment.save(update_fields=["completed_at", "result"])
    return result


def selfreport_finish(*, assignment: SelfReportAssignment) -> ScreeningResult | None:
    """Close the questionnaire and store its result; hooks fire (critical → urgent)."""
    if not assignment.is_open():
        raise ScreeningInputError(_("This questionnaire is closed."))
    with transaction.atomic():
        return _finish(assignment, timezone.now())
