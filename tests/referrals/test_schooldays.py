import datetime as dt

from django.utils import timezone

from schoolwell.referrals.schooldays import add_school_days, window_start


def at(day, hour=9):
    return timezone.make_aware(dt.datetime(2026, 11, day, hour))


def test_add_school_days_skips_weekends():
    assert add_school_days(at(18), 2) == at(20)  # Wednesday → Friday
    assert add_school_days(at(19), 2) == at(23)  # Thursday → Monday
    assert add_school_days(at(21), 2) == at(24)  # Saturday → Tuesday
    assert add_school_days(at(18), 10) == at(2).replace(month=12)


def test_window_start_counts_back_school_days_inclusive():
    assert window_start(dt.date(2026, 11, 18), 1) == dt.date(2026, 11, 18)
    assert window_start(dt.date(2026, 11, 18), 3) == dt.date(2026, 11, 16)
    assert window_start(dt.date(2026, 11, 18), 4) == dt.date(2026, 11, 13)  # the Friday before
    assert window_start(dt.date(2026, 11, 18), 10) == dt.date(2026, 11, 5)
