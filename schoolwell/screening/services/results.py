"""Screening results: scored on entry, stored only with consent (rule 2), hooks fired."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from schoolwell.core.registry import screening_result_hooks
from schoolwell.roster.models import Class, Student
from schoolwell.roster.selectors import class_roster
from schoolwell.screening.consent import screening_consent
from schoolwell.screening.instruments import needs_grade, options_by_item
from schoolwell.screening.models import (
    GridDraft,
    Instrument,
    Respondent,
    ScreeningResult,
    ScreeningWindow,
)
from schoolwell.screening.scoring import AnswerError, score
from schoolwell.screening.services.errors import ScreeningInputError


def _fire(results: list[ScreeningResult]) -> None:
    for result in results:
        for hook in screening_result_hooks:
            hook(result)


def _check_window(window, *, instrument, student, on: dt.date) -> str | None:
    if window is None:
        return None
    if window.instrument_id != instrument.pk:
        return _("this window screens another instrument")
    if window.school_id != student.school_id:
        return _("the student is not at this window's school")
    if student.grade not in window.grades:
        return _("grade %(grade)s is not screened in this window") % {"grade": student.grade}
    if not window.is_open(on):  # outside its dates, closed early or cancelled
        return _("the window is not open on %(day)s") % {
            "day": date_format(on, "SHORT_DATE_FORMAT")
        }
    return None


def coerce_answers(definition: Mapping[str, Any], answers: Mapping[str, Any]) -> dict:
    """Form posts carry text ("2", "yes"): map each to the option value it names. Anything
    else is passed on unchanged for the scoring engine to reject with its own message."""
    options = options_by_item(definition)
    coerced = {}
    for item, value in answers.items():
        named = {str(o["value"]): o["value"] for o in options.get(item, [])}
        coerced[item] = named.get(str(value), value) if not isinstance(value, bool) else value
    return coerced


def scored_fields(scored) -> dict[str, Any]:
    """A scoring outcome as the stored result's fields: one mapping for every writer (the
    service and the district generator), so a stored result always reads the same."""
    data = scored.to_dict(full=True)
    return {
        "answers": data["answers"],
        "total": scored.total,
        "band": scored.band.key if scored.band else "",
        "band_label": scored.band.label if scored.band else "",
        "subscales": data["subscales"],
        "scores": data,
        "critical": scored.critical,
        "critical_reasons": list(scored.critical_reasons),
        "complete": scored.complete,
    }


def _build(
    *,
    student: Student,
    instrument: Instrument,
    answers: Mapping[str, Any],
    by,
    window,
    respondent: str,
    consent,
    administered_at: dt.datetime,
    kiosk_session=None,
) -> ScreeningResult:
    """An unsaved, scored result; raises ScreeningInputError with the reason to show."""
    if not consent.allowed:
        # PPRA / rule 2: nothing is stored without effective screening consent.
        raise ScreeningInputError(
            _("No screening consent in effect (%(state)s): nothing was stored.")
            % {"state": consent.reason or consent.state}
        )
    problem = _check_window(
        window, instrument=instrument, student=student, on=timezone.localdate(administered_at)
    )
    if problem:
        raise ScreeningInputError(problem)
    grade = student.grade if needs_grade(instrument.definition) else None
    try:
        scored = score(
            instrument.definition, coerce_answers(instrument.definition, answers), grade=grade
        )
    except AnswerError as exc:
        raise ScreeningInputError(str(exc)) from exc
    return ScreeningResult(
        student=student,
        instrument=instrument,
        window=window,
        **scored_fields(scored),
        respondent=respondent,
        administered_by=by,
        administered_at=administered_at,
        kiosk_session=kiosk_session,
        consent_state=consent.state,
    )


def screening_result_record(
    *,
    student: Student,
    instrument: Instrument,
    answers: Mapping[str, Any],
    by,
    window: ScreeningWindow | None = None,
    respondent: str | None = None,
    kiosk_session=None,
    administered_at: dt.datetime | None = None,
) -> ScreeningResult:
    """Score and store one result, then fire the screening hooks (referral rules)."""
    with transaction.atomic():
        result = _build(
            student=student,
            instrument=instrument,
            answers=answers,
            by=by,
            window=window,
            respondent=respondent or instrument.respondent,
            consent=screening_consent([student])[student.pk],
            administered_at=administered_at or timezone.now(),
            kiosk_session=kiosk_session,
        )
        result.save()
        _fire([result])
    return result


def _blank(value: Any) -> bool:
    return value is None or value == ""


def screening_results_record_class(
    *,
    klass: Class,
    window: ScreeningWindow,
    by,
    answers: Mapping[int, Mapping[str, Any]],
    administered_at: dt.datetime | None = None,
) -> list[ScreeningResult]:
    """Store a teacher's whole grid in one go: every rated row or, on any error, none.

    Rows left entirely blank stay due. Queries are constant in the class size.
    """
    instrument = window.instrument
    if instrument.respondent != Respondent.TEACHER:
        raise ScreeningInputError(_("This instrument is answered by the student, not rated."))
    at = administered_at or timezone.now()
    roster = {s.pk: s for s in class_roster(klass)}
    rated = {
        sid: {k: v for k, v in row.items() if not _blank(v)}
        for sid, row in answers.items()
        if any(not _blank(v) for v in row.values())
    }
    errors: dict = {}
    unknown = [sid for sid in rated if sid not in roster]
    for sid in unknown:
        errors[sid] = _("not a student of this class")
    done = set(
        ScreeningResult.objects.filter(window=window, student_id__in=list(rated)).values_list(
            "student_id", flat=True
        )
    )
    for sid in done:
        errors[sid] = _("already rated in this window")
    consents = screening_consent([roster[sid] for sid in rated if sid in roster])
    results = []
    for sid, row in rated.items():
        if sid not in roster or sid in done:
            continue
        try:
            results.append(
                _build(
                    student=roster[sid],
                    instrument=instrument,
                    answers=row,
                    by=by,
                    window=window,
                    respondent=Respondent.TEACHER,
                    consent=consents[sid],
                    administered_at=at,
                )
            )
        except ScreeningInputError as exc:
            errors[sid] = exc.message
    if errors:
        raise ScreeningInputError(_("Nothing was saved: please correct the marked rows."), errors)
    if not results:
        raise ScreeningInputError(_("Nothing to save: no student has been rated yet."))
    with transaction.atomic():
        ScreeningResult.objects.bulk_create(results)
        GridDraft.objects.filter(teacher=by, klass=klass, window=window).delete()
        _fire(results)
    return results


def grid_draft_save(
    *, teacher, klass: Class, window: ScreeningWindow, answers: Mapping[str, Mapping[str, Any]]
) -> GridDraft:
    """Keep the grid as typed so far (student id → item id → answer), replacing the last
    draft. Values are checked against the options so a draft always restores cleanly."""
    options = {
        item: {str(o["value"]) for o in opts}
        for item, opts in options_by_item(window.instrument.definition).items()
    }
    roster_ids = {str(pk) for pk in class_roster(klass).values_list("pk", flat=True)}
    clean: dict[str, dict[str, str]] = {}
    for sid, row in answers.items():
        if str(sid) not in roster_ids or not isinstance(row, Mapping):
            raise ScreeningInputError(_("The draft names a student who is not in this class."))
        for item, value in row.items():
            if _blank(value):
                continue
            if item not in options or str(value) not in options[item]:
                raise ScreeningInputError(_("The draft holds an answer that is not an option."))
            clean.setdefault(str(sid), {})[item] = str(value)
    with transaction.atomic():
        draft, _created = GridDraft.objects.update_or_create(
            teacher=teacher, klass=klass, window=window, defaults={"answers": clean}
        )
    return draft


def screening_results_mark_consent_revoked(*, student_ids, at: dt.datetime) -> int:
    """Rule 2: after a revocation, earlier results are kept and marked (for consent_revoke)."""
    with transaction.atomic():
        return ScreeningResult.objects.filter(
            student_id__in=student_ids, administered_at__lte=at, consent_revoked_at=None
        ).update(consent_revoked_at=at)
