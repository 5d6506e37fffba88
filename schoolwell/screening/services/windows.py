"""Screening windows: opened, edited, closed early or cancelled by the school's
administrators, with two safeguards: an instrument is offered only to the grades its
population (fixture data) covers, and a second window screening the same instrument in the
same grades at the same time needs an explicit confirmation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from schoolwell.accounts import gate
from schoolwell.accounts.models import User
from schoolwell.roster.models import School
from schoolwell.screening.models import Instrument, ScreeningWindow, WindowState
from schoolwell.screening.services.errors import ScreeningInputError

# At the start of a school year a grade-g student is g + 5 or g + 6 years old (K = 0).
AGE_AT_GRADE = 5


def instrument_grades(definition: Mapping[str, Any]) -> tuple[int, int] | None:
    """The grades an instrument may be used for, from its population: its grades, its
    ages (a grade counts when some of its students are of age), or both (the overlap)."""
    population = definition.get("population", {})
    low, high = 0, 12
    grades, ages = population.get("grades"), population.get("ages")
    if not grades and not ages:
        return None
    if grades:
        low, high = max(low, grades["min"]), min(high, grades.get("max", 12))
    if ages:
        low = max(low, ages["min"] - AGE_AT_GRADE - 1)
        if "max" in ages:
            high = min(high, ages["max"] - AGE_AT_GRADE)
    return low, high


def _grade(grade: int) -> str:
    return _("K") if grade == 0 else str(grade)


def overlapping_windows(
    *,
    school: School,
    instrument: Instrument,
    grades: list[int],
    opens_on: dt.date,
    closes_on: dt.date,
    exclude: ScreeningWindow | None = None,
) -> list[ScreeningWindow]:
    """Active windows of the school screening the same instrument (any version) in some of
    these grades on some of these days."""
    found = ScreeningWindow.objects.filter(
        school=school,
        instrument__code=instrument.code,
        state=WindowState.ACTIVE,
        opens_on__lte=closes_on,
        closes_on__gte=opens_on,
    )
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return [w for w in found if set(w.grades) & set(grades)]


def _check(
    *,
    school: School,
    instrument: Instrument,
    name: str,
    grades: list[int],
    opens_on: dt.date,
    closes_on: dt.date,
    confirm_overlap: bool,
    window: ScreeningWindow | None = None,
) -> dict[str, str]:
    errors = {}
    if not name.strip():
        errors["name"] = _("Give the window a name, e.g. Fall 2026.")
    if not grades:
        errors["grades"] = _("Choose at least one grade.")
    allowed = instrument_grades(instrument.definition)
    if allowed and any(not allowed[0] <= g <= allowed[1] for g in grades):
        errors["grades"] = _("%(name)s is for grades %(min)s–%(max)s.") % {
            "name": instrument.name,
            "min": _grade(allowed[0]),
            "max": _grade(allowed[1]),
        }
    if closes_on < opens_on:
        errors["closes_on"] = _("The window must close on or after the day it opens.")
    if window is None and not instrument.active:
        errors["instrument"] = _("This instrument version is retired.")
    if not errors and not confirm_overlap:
        others = overlapping_windows(
            school=school,
            instrument=instrument,
            grades=grades,
            opens_on=opens_on,
            closes_on=closes_on,
            exclude=window,
        )
        if others:
            # Two windows at once would screen the same students twice (or split them).
            errors["confirm_overlap"] = _(
                "%(window)s already screens %(instrument)s in some of these grades "
                "(%(opens)s – %(closes)s). Tick the box to open this one as well."
            ) % {
                "window": others[0].name,
                "instrument": instrument.name,
                "opens": date_format(others[0].opens_on, "SHORT_DATE_FORMAT"),
                "closes": date_format(others[0].closes_on, "SHORT_DATE_FORMAT"),
            }
    return errors


def _require_admin(by: User, school_id: int) -> None:
    if school_id not in gate.school_ids(by, "screening.manage"):
        raise ScreeningInputError(_("Only the school's administrators manage its windows."))


def screening_window_open(
    *,
    school: School,
    instrument: Instrument,
    name: str,
    grades: list[int],
    opens_on: dt.date,
    closes_on: dt.date,
    by: User,
    confirm_overlap: bool = False,
) -> ScreeningWindow:
    """Open a screening window for some grades of a school."""
    errors = _check(
        school=school,
        instrument=instrument,
        name=name,
        grades=grades,
        opens_on=opens_on,
        closes_on=closes_on,
        confirm_overlap=confirm_overlap,
    )
    if errors:
        raise ScreeningInputError(_("The window was not opened."), errors)
    with transaction.atomic():
        return ScreeningWindow.objects.create(
            school=school,
            instrument=instrument,
            name=name.strip(),
            grades=sorted(set(grades)),
            opens_on=opens_on,
            closes_on=closes_on,
            created_by=by,
        )


def screening_window_update(
    *,
    window: ScreeningWindow,
    by: User,
    name: str,
    grades: list[int],
    opens_on: dt.date,
    closes_on: dt.date,
    confirm_overlap: bool = False,
) -> ScreeningWindow:
    """Change a window's name, grades or dates. Results already entered are kept, even for
    grades or days the window no longer covers."""
    _require_admin(by, window.school_id)
    if window.state != WindowState.ACTIVE:
        raise ScreeningInputError(_("A closed or cancelled window can no longer be changed."))
    errors = _check(
        school=window.school,
        instrument=window.instrument,
        name=name,
        grades=grades,
        opens_on=opens_on,
        closes_on=closes_on,
        confirm_overlap=confirm_overlap,
        window=window,
    )
    if errors:
        raise ScreeningInputError(_("The window was not changed."), errors)
    with transaction.atomic():
        window = ScreeningWindow.objects.select_for_update().get(pk=window.pk)
        window.name = name.strip()
        window.grades = sorted(set(grades))
        window.opens_on, window.closes_on = opens_on, closes_on
        window.save(update_fields=["name", "grades", "opens_on", "closes_on"])
    return window


def screening_window_end(*, window: ScreeningWindow, by: User, cancel: bool) -> ScreeningWindow:
    """Close a window early (it has opened) or cancel it: no more results are taken; those
    already entered are kept, and stay linked to the window."""
    _require_admin(by, window.school_id)
    today = timezone.localdate()
    with transaction.atomic():
        window = ScreeningWindow.objects.select_for_update().get(pk=window.pk)
        if window.state != WindowState.ACTIVE:
            raise ScreeningInputError(_("This window is already closed or cancelled."))
        if not cancel and window.opens_on > today:
            raise ScreeningInputError(_("A window that has not opened yet can be cancelled."))
        window.state = WindowState.CANCELLED if cancel else WindowState.CLOSED
        window.ended_at, window.ended_by = timezone.now(), by
        fields = ["state", "ended_at", "ended_by"]
        if not cancel and window.closes_on > today:
            window.closes_on = today  # the dates shown tell the truth afterwards
            fields.append("closes_on")
        window.save(update_fields=fields)
    return window
