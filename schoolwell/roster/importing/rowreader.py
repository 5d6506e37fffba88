"""Typed access to one row's values, recording each problem as a row-numbered error."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwell.roster.importing.errors import ErrorLog
from schoolwell.roster.importing.parsing import parse_bool, parse_date, parse_datetime, parse_grade

# Students are children; adult learners stay well under this.
MAX_AGE_YEARS = 100


def plausible_birth_date(born: dt.date, today: dt.date) -> bool:
    """Neither in the future nor a century ago."""
    return today.replace(year=today.year - MAX_AGE_YEARS, day=1) <= born <= today


class RowReader:
    def __init__(self, errors: ErrorLog, file: str, number: int, row: dict[str, Any]) -> None:
        self.errors = errors
        self.file = file
        self.number = number
        self.row = row
        self.ok = True

    def error(self, column: str, message) -> None:
        self.ok = False
        self.errors.add(self.file, self.number, column, message)

    def text(self, column: str, *, max_length: int | None = None, required: bool = False) -> str:
        value = self.row.get(column)
        value = "" if value is None else str(value).strip()
        if required and not value:
            self.error(column, _("A value is required."))
        elif max_length and len(value) > max_length:
            self.error(column, _("Too long (at most %(max)d characters).") % {"max": max_length})
            value = value[:max_length]
        return value

    def parsed(self, column: str, parse: Callable, *, required: bool = False, value=None):
        """`parse(value)` of the column (or of the given value), or None with an error."""
        if value is None:
            value = self.row.get(column)
        if value is None or value == "":
            if required:
                self.error(column, _("A value is required."))
            return None
        try:
            return parse(value)
        except ValueError as exc:
            self.error(column, str(exc))
            return None

    def date(self, column: str, *, required: bool = False) -> dt.date | None:
        return self.parsed(column, parse_date, required=required)

    def birth_date(self, column: str) -> dt.date | None:
        """A student's date of birth: never in the future, nor a century ago (0001-01-01
        from a careless or hostile file would skew every age-based rule and report)."""
        born = self.date(column)
        today = timezone.localdate()
        if born is None or plausible_birth_date(born, today):
            return born
        if born > today:
            self.error(column, _("The date of birth is in the future."))
        else:
            self.error(
                column,
                _("The date of birth is more than %(years)d years ago.") % {"years": MAX_AGE_YEARS},
            )
        return born

    def datetime(self, column: str) -> dt.datetime | None:
        return self.parsed(column, parse_datetime)

    def grade(self, column: str, *, required: bool = False) -> int | None:
        return self.parsed(column, parse_grade, required=required)

    def boolean(self, column: str, *, default: bool) -> bool:
        value = self.parsed(column, lambda v: parse_bool(v, default=default))
        return default if value is None else value

    def choice(self, column: str, choices: dict[str, Any], *, required: bool = True):
        """`choices` maps lower-case spellings to values."""
        value = self.text(column, required=required)
        if not value:
            return None
        found = choices.get(value.lower())
        if found is None:
            self.error(
                column,
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": value, "choices": ", ".join(sorted(choices))},
            )
        return found
