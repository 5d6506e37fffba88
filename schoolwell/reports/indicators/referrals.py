"""Referral flow, response times against due, equity rates and counsellor capacity."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schoolwell.accounts.models import Language
from schoolwell.core.aggregates import Median, hours_between, medians_in_sql
from schoolwell.reports.indicators.counts import (
    GRADE_BANDS,
    count_table,
    grade_band_expression,
)
from schoolwell.reports.suppression import SuppressedTable
from schoolwell.roster.models import School, Student

# Referrals ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralFlow:
    months: list[str]
    opened: list[int]
    flagged: list[int]  # of those opened, by a threshold rule
    closed: list[int]
    open_now: int
    overdue_now: int
    median_hours_to_first_action: float | None
    median_hours_allowed: float | None
    first_action_on_time: int
    first_action_late: int


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def referral_flow(referrals: QuerySet, *, since: dt.date, now: dt.datetime | None = None):
    """Referrals opened and closed per month since `since`, the median time to first action
    (claim) against the median time allowed (due − opened), and the overdue count, as the
    queue counts it (open and past due). Three queries, whatever the number of referrals
    (on SQLite, which has no median, the year's three timestamps are read for it)."""
    from django.db.models.functions import TruncMonth

    from schoolwell.referrals.models import Source, Status

    now = now or timezone.now()

    def per_month(field: str) -> dict[str, tuple[int, int]]:
        rows = (
            referrals.filter(**{f"{field}__date__gte": since})
            .annotate(month=TruncMonth(field))
            .order_by()
            .values_list("month")
            .annotate(n=Count("pk"), rule=Count("pk", filter=Q(source=Source.RULE)))
            .values_list("month", "n", "rule")
        )
        return {month.strftime("%Y-%m"): (n, rule) for month, n, rule in rows}

    opened, closed = per_month("opened_at"), per_month("closed_at")
    months = sorted(set(opened) | set(closed))
    recent = Q(opened_at__date__gte=since)
    claimed = Q(claimed_at__isnull=False)
    figures = {
        "open": Count("pk", filter=~Q(status=Status.CLOSED)),
        "overdue": Count("pk", filter=~Q(status=Status.CLOSED) & Q(due_at__lt=now)),
        "on_time": Count("pk", filter=recent & claimed & Q(claimed_at__lte=F("due_at"))),
        # Late: claimed after the due time, or still unclaimed past it.
        "late": Count(
            "pk",
            filter=recent
            & (Q(claimed_at__gt=F("due_at")) | Q(claimed_at__isnull=True, due_at__lt=now)),
        ),
    }
    in_sql = medians_in_sql(referrals)
    if in_sql:
        figures["to_action"] = Median(hours_between("claimed_at", "opened_at"), filter=recent)
        figures["allowed"] = Median(hours_between("due_at", "opened_at"), filter=recent)
    totals = referrals.order_by().aggregate(**figures)
    if in_sql:
        to_action, allowed = (
            None if totals[key] is None else round(totals[key], 1)
            for key in ("to_action", "allowed")
        )
    else:
        times = referrals.filter(recent).values_list("opened_at", "claimed_at", "due_at")
        to_action = _median([(c - o).total_seconds() / 3600 for o, c, _d in times if c is not None])
        allowed = _median([(d - o).total_seconds() / 3600 for o, _c, d in times])
    return ReferralFlow(
        months=months,
        opened=[opened.get(m, (0, 0))[0] for m in months],
        flagged=[opened.get(m, (0, 0))[1] for m in months],
        closed=[closed.get(m, (0, 0))[0] for m in months],
        open_now=totals["open"],
        overdue_now=totals["overdue"],
        median_hours_to_first_action=to_action,
        median_hours_allowed=allowed,
        first_action_on_time=totals["on_time"],
        first_action_late=totals["late"],
    )


# Equity and capacity --------------------------------------------------------------------


def referral_rates(
    students: QuerySet[Student],
    referrals: QuerySet,
    *,
    since: dt.date,
    threshold: int | None = None,
) -> dict[str, SuppressedTable]:
    """Students flagged by a threshold rule, referred by staff, or neither, since `since`,
    per grade band (`["band"]`) and per preferred language (`["language"]`); suppressed.
    A student with both kinds of referral counts as flagged. One grouped query for both
    (each was a pass over every student of the district)."""
    from schoolwell.referrals.models import Source

    active = students.filter(active=True)
    recent = referrals.filter(opened_at__date__gte=since)
    flagged_ids = recent.filter(source=Source.RULE).values("student_id")
    staff_ids = recent.filter(source=Source.MANUAL).values("student_id")
    rows = (
        active.annotate(
            band=grade_band_expression(),
            kind=Case(
                When(pk__in=flagged_ids, then=Value("flagged")),
                When(pk__in=staff_ids, then=Value("referred")),
                default=Value("neither"),
                output_field=CharField(),
            ),
        )
        .order_by()
        .values_list("band", "preferred_language", "kind")
        .annotate(n=Count("pk"))
    )
    counts: dict[str, Counter] = {"band": Counter(), "language": Counter()}
    for band, language, kind, n in rows:
        counts["band"][(band, kind)] += n
        counts["language"][(language, kind)] += n
    bands = {band for band, _kind in counts["band"]}
    groups = {
        "band": [(label, label) for _lo, _hi, label in GRADE_BANDS if label in bands],
        "language": [(code, str(name)) for code, name in Language.choices],
    }
    return {
        by: count_table(
            counts[by],
            rows=groups[by],
            columns=[
                ("flagged", _("Flagged by a rule")),
                ("referred", _("Referred by staff")),
                ("neither", _("Neither")),
            ],
            threshold=threshold,
            # "Neither" is the remainder readers need least: hide it as the complement.
            complement_columns=[2],
        )
        for by in ("band", "language")
    }


@dataclass(frozen=True)
class SchoolCapacity:
    school: str
    counsellors: int
    students: int
    open_referrals: int
    opened_recently: int

    @property
    def open_per_counsellor(self) -> float | None:
        return round(self.open_referrals / self.counsellors, 1) if self.counsellors else None

    @property
    def students_per_counsellor(self) -> int | None:
        return round(self.students / self.counsellors) if self.counsellors else None


def counsellor_capacity(
    school_ids: set[int], referrals: QuerySet, *, since: dt.date
) -> list[SchoolCapacity]:
    """Referral volume against counsellors per school (4 queries)."""
    from schoolwell.referrals.models import Status
    from schoolwell.roster.models import SchoolGroupObjectPermission, SchoolUserObjectPermission

    counsellor_pairs = set(
        SchoolGroupObjectPermission.objects.filter(
            content_object_id__in=school_ids, permission__codename="counsel_school"
        ).values_list("content_object_id", "group__user")
    ) | set(
        SchoolUserObjectPermission.objects.filter(
            content_object_id__in=school_ids, permission__codename="counsel_school"
        ).values_list("content_object_id", "user_id")
    )
    counsellors = Counter(school for school, user in counsellor_pairs if user is not None)
    per_school = (
        referrals.filter(school_id__in=school_ids)
        .order_by()
        .values("school_id")
        .annotate(
            open=Count("pk", filter=~Q(status=Status.CLOSED)),
            recent=Count("pk", filter=Q(opened_at__date__gte=since)),
        )
    )
    volume = {row["school_id"]: row for row in per_school}
    schools = (
        School.objects.filter(pk__in=school_ids)
        .annotate(active_students=Count("students", filter=Q(students__active=True)))
        .order_by("name")
    )
    return [
        SchoolCapacity(
            school=s.name,
            counsellors=counsellors.get(s.pk, 0),
            students=s.active_students,
            open_referrals=volume.get(s.pk, {}).get("open", 0),
            opened_recently=volume.get(s.pk, {}).get("recent", 0),
        )
        for s in schools
    ]
