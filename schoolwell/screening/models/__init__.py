"""Screening data: instruments and their results, windows, self-report sessions, check-ins.

Split by concern: `instruments` (what is asked), `results` (windows, results, drafts,
self-report sessions), `checkins` (the daily teacher observation and its history),
`crisis` (what to do now after a critical answer).
"""

from schoolwell.screening.models.checkins import CheckIn, CheckInRevision, ConcernTag
from schoolwell.screening.models.crisis import CrisisPlan
from schoolwell.screening.models.instruments import Instrument, Respondent
from schoolwell.screening.models.results import (
    GridDraft,
    KioskMode,
    KioskSession,
    ScreeningResult,
    ScreeningWindow,
    SelfReportAssignment,
    WindowState,
)

__all__ = [
    "CheckIn",
    "CheckInRevision",
    "ConcernTag",
    "CrisisPlan",
    "GridDraft",
    "Instrument",
    "KioskMode",
    "KioskSession",
    "Respondent",
    "ScreeningResult",
    "ScreeningWindow",
    "SelfReportAssignment",
    "WindowState",
]
