"""Program indicators, computed in one place so the page, the chart and the export agree.

Every function takes an already-scoped queryset (from `visible_students` / `visible_classes`)
and runs a fixed number of grouped queries, whatever the number of rows. Aggregates that
leave the school (district views, de-identified exports) pass through `suppression.suppress`.
"""

from schoolwell.reports.indicators.consent import consent_coverage, school_consent_coverage
from schoolwell.reports.indicators.counts import (
    GRADE_BANDS,
    IDENTIFIED,
    Parts,
    computed,
    count_table,
    grade_band_expression,
    grade_label,
    grouped_counts,
    school_year_start,
    sel_coverage,
    students_by_band_and_language,
    students_by_school_and_grade,
)
from schoolwell.reports.indicators.referrals import (
    ReferralFlow,
    SchoolCapacity,
    counsellor_capacity,
    referral_flow,
    referral_rates,
)
from schoolwell.reports.indicators.screening import (
    WindowCompletion,
    checkin_reach,
    checkin_weekly_means,
    not_checked_in,
    screening_completion,
    screening_completion_table,
)
from schoolwell.reports.indicators.support import (
    REVIEW_GRACE_DAYS,
    SupportIndicators,
    support_indicators,
)
from schoolwell.reports.indicators.timeline import StudentTimeline, student_timeline

__all__ = [
    "GRADE_BANDS",
    "IDENTIFIED",
    "Parts",
    "REVIEW_GRACE_DAYS",
    "ReferralFlow",
    "SchoolCapacity",
    "StudentTimeline",
    "SupportIndicators",
    "WindowCompletion",
    "checkin_reach",
    "checkin_weekly_means",
    "computed",
    "consent_coverage",
    "count_table",
    "counsellor_capacity",
    "grade_band_expression",
    "grade_label",
    "grouped_counts",
    "not_checked_in",
    "referral_flow",
    "referral_rates",
    "school_consent_coverage",
    "school_year_start",
    "screening_completion",
    "screening_completion_table",
    "sel_coverage",
    "student_timeline",
    "students_by_band_and_language",
    "students_by_school_and_grade",
    "support_indicators",
]
