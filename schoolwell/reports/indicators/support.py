"""Support-plan program indicators: time from referral to first contact, reviews on time,
and the share of plans improved / unchanged / worse — by school, grade band and language.

Four queries whatever the number of plans. Counts go through `count_table` (small-cell
suppression); a median is shown only for a group of at least `threshold` referrals.
"""

from __future__ import annotations

import datetime as dt
import functools
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from schoolwell.accounts.models import Language
from schoolwell.reports.indicators.counts import (
    GRADE_BANDS,
    Parts,
    computed,
    count_table,
    of_schools,
)
from schoolwell.reports.suppression import SuppressedTable, threshold_default

# A review decided within this many days after its review date counts as on time.
REVIEW_GRACE_DAYS = 7
# A row's groups are a tuple in this order (a dict per row made the district's parts slower
# to read from the cache).
GROUPINGS = ("school", "band", "language")


def grade_band(grade: int) -> str:
    return next(label for low, high, label in GRADE_BANDS if low <= grade <= high)


@dataclass(frozen=True)
class MedianRow:
    grouping: str
    label: str
    referrals: int
    median_days: float | None  # None where the group is too small to show


@dataclass(frozen=True)
class SupportIndicators:
    first_contact: list[MedianRow]
    overall_median_days: float | None
    overall_referrals: int
    reviews: dict[str, SuppressedTable]
    change: dict[str, SuppressedTable]


def _group_rows(grouping: str, present: set, school_names: dict[int, str]):
    if grouping == "school":
        return sorted(((pk, school_names[pk]) for pk in present), key=lambda r: r[1])
    if grouping == "band":
        return [(label, label) for _lo, _hi, label in GRADE_BANDS if label in present]
    return [(code, str(name)) for code, name in Language.choices]


def _median(values: list[int]) -> float:
    return round(statistics.median(values), 1)


def support_indicators(
    plans: QuerySet,
    referrals: QuerySet,
    *,
    since: dt.date,
    threshold: int | None = None,
    parts: Parts = computed,
) -> SupportIndicators:
    """`plans` and `referrals` come already scoped to what the reader may see."""
    from schoolwell.roster.models import School

    limit = threshold_default() if threshold is None else threshold
    by_school = parts(
        f"support-{since.isoformat()}",
        lambda ids: _rows_by_school(
            of_schools(plans, ids), of_schools(referrals, ids), since=since
        ),
        (Counter(), Counter(), Counter()),
    )
    waits, reviews, changes = (
        sum((school_rows[index] for school_rows in by_school.values()), Counter())
        for index in range(3)
    )
    school_ids = {keys[0] for rows in (waits, reviews, changes) for keys, _value in rows}
    names = dict(School.objects.filter(pk__in=school_ids).values_list("pk", "name"))

    def tables(rows: Counter, columns) -> dict[str, SuppressedTable]:
        out = {}
        for grouping in GROUPINGS:
            counts: Counter = Counter()
            at = GROUPINGS.index(grouping)
            for (keys, column), n in rows.items():
                counts[(keys[at], column)] += n
            present = {keys[at] for keys, _c in rows}
            out[grouping] = count_table(
                counts,
                rows=_group_rows(grouping, present, names),
                columns=columns,
                threshold=threshold,
            )
        return out

    medians = []
    for grouping in GROUPINGS:
        by_value: dict = defaultdict(list)  # one pass, not one per school of the district
        at = GROUPINGS.index(grouping)
        for (keys, d), n in waits.items():
            by_value[keys[at]].extend([d] * n)
        for value, label in _group_rows(grouping, set(by_value), names):
            days = by_value.get(value, [])
            # Rule 7: a median of fewer than N referrals could single a child out.
            shown = _median(days) if days and len(days) >= limit else None
            medians.append(MedianRow(grouping, label, len(days), shown))
    all_days = [d for (_keys, d), n in waits.items() for _ in range(n)]
    return SupportIndicators(
        first_contact=medians,
        overall_median_days=_median(all_days) if all_days and len(all_days) >= limit else None,
        overall_referrals=len(all_days),
        reviews=tables(reviews, [("on_time", _("On time")), ("late", _("Late"))]),
        change=tables(
            changes,
            [("improved", _("Improved")), ("unchanged", _("Unchanged")), ("worse", _("Worse"))],
        ),
    )


def _rows_by_school(plans: QuerySet, referrals: QuerySet, *, since: dt.date) -> dict[int, tuple]:
    """school id → its (first-contact waits, reviews, plan changes), each counted by
    (groups, value): medians are not summable, so a school's waits are kept as days, but
    counted (a district's rows one by one were most of reading its parts from the cache)."""
    from schoolwell.referrals.schooldays import school_days_between
    from schoolwell.support.models import Goal, ProgressCheck, ReviewDecision
    from schoolwell.support.outcomes import goal_outcome, threshold_for

    # Referral → first contact (the first attended contact with the student themself).
    # The local date each referral was opened, read as a date (TruncDate: the current time
    # zone's), not as a moment to convert per row.
    contacts = (
        referrals.filter(opened_at__date__gte=since, support_contacts__first_contact=True)
        .annotate(opened_on=TruncDate("opened_at"))
        .values_list(
            "school_id",
            "student__grade",
            "student__preferred_language",
            "opened_on",
            "support_contacts__date",
        )
    )
    waits = [
        (
            (s, grade_band(g), lang),
            school_days_between(opened, first),
        )
        for s, g, lang, opened, first in contacts
    ]
    reviews = ReviewDecision.objects.filter(plan__in=plans, date__gte=since).values_list(
        "plan__school_id",
        "plan__student__grade",
        "plan__student__preferred_language",
        "date",
        "due_on",
    )
    review_rows = [
        (
            (s, grade_band(g), lang),
            "on_time" if (date - due).days <= REVIEW_GRACE_DAYS else "late",
        )
        for s, g, lang, date, due in reviews
    ]
    # A plan's change is its first goal's: baseline against the latest data point, read
    # with the goal in one query (no goal or check is loaded as a model).
    first_goal = Goal.objects.filter(plan=OuterRef("plan")).order_by("pk").values("pk")[:1]
    newest = ProgressCheck.objects.filter(goal=OuterRef("pk")).order_by("-date", "-pk")
    goals = (
        Goal.objects.filter(plan__in=plans, pk=Subquery(first_goal))
        .annotate(latest=Subquery(newest.values("value")[:1]))
        .filter(latest__isnull=False)
        .values_list(
            "plan__school_id",
            "plan__student__grade",
            "plan__student__preferred_language",
            "baseline",
            "direction",
            "measure",
            "instrument_code",
            "latest",
        )
    )
    # One threshold per kind of measure, not a Goal built per plan (963 in a district).
    goal_threshold = functools.cache(
        lambda measure, code: threshold_for(Goal(measure=measure, instrument_code=code))
    )
    change_rows = [
        (
            (s, grade_band(g), lang),
            goal_outcome(
                baseline=baseline,
                latest=latest,
                direction=direction,
                threshold=goal_threshold(measure, code),
            ).category.value,
        )
        for s, g, lang, baseline, direction, measure, code, latest in goals
    ]
    found: dict[int, tuple[Counter, Counter, Counter]] = {}
    for index, rows in enumerate((waits, review_rows, change_rows)):
        for row in rows:
            found.setdefault(row[0][0], (Counter(), Counter(), Counter()))[index][row] += 1
    return found
