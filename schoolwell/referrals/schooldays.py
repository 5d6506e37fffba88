"""School-day arithmetic for due times and check-in windows: school days are Monday–Friday.

(Holidays are not modelled yet; a due time that falls in a holiday is early, never late.)
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from schoolwell.referrals.models import DueUnit


def is_school_day(day: dt.date) -> bool:
    return day.weekday() < 5


def add_school_days(start: dt.datetime, days: int) -> dt.datetime:
    """The same local time `days` school days after `start` (a weekend start counts from
    the next Monday's time, so two school days after Saturday noon is Tuesday noon)."""
    local = timezone.localtime(start)
    day = local.date()
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_school_day(day):
            remaining -= 1
    return local.replace(year=day.year, month=day.month, day=day.day)


def window_start(end: dt.date, school_days: int) -> dt.date:
    """The first date of the `school_days` school days ending on `end` (inclusive)."""
    day = end
    counted = 1 if is_school_day(end) else 0
    while counted < school_days:
        day -= dt.timedelta(days=1)
        if is_school_day(day):
            counted += 1
    return day


def due_at(*, start: dt.datetime, within: int, unit: str) -> dt.datetime:
    if unit == DueUnit.HOURS:
        return start + dt.timedelta(hours=within)
    return add_school_days(start, within)


def school_days_between(start: dt.date, end: dt.date) -> int:
    """School days after `start` up to and including `end`; 0 when `end` is not later.
    (Opened on a Friday, first seen on Monday: 1 school day; seen the same day: 0.)"""
    if end <= start:
        return 0
    full_weeks, extra = divmod((end - start).days, 7)
    days = full_weeks * 5
    for offset in range(1, extra + 1):
        if is_school_day(start + dt.timedelta(days=full_weeks * 7 + offset)):
            days += 1
    return days
