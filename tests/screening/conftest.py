"""Screening fixtures on top of the shared personas (tests/conftest.py)."""

import datetime as dt

import pytest
from django.utils import timezone

from schoolwell.screening.models import ScreeningWindow
from schoolwell.screening.services import concern_tags_sync, instrument_sync


@pytest.fixture
def instruments(db):
    """Every shipped instrument loaded as it would be in production, by code."""
    return {row.code: row for row in instrument_sync()}


@pytest.fixture
def concern_tags(db):
    concern_tags_sync()


def open_window(school, instrument, *, by, grades=(6, 7, 8, 9), name="Fall"):
    today = timezone.localdate()
    return ScreeningWindow.objects.create(
        school=school,
        instrument=instrument,
        name=name,
        grades=list(grades),
        opens_on=today - dt.timedelta(days=3),
        closes_on=today + dt.timedelta(days=10),
        created_by=by,
    )


@pytest.fixture
def srss_window(instruments, school_a, school_admin):
    return open_window(school_a, instruments["srss-ie"], by=school_admin)


@pytest.fixture
def phqa_window(instruments, school_a, school_admin):
    return open_window(school_a, instruments["phq-a"], by=school_admin, name="Fall PHQ-A")
