"""Referral flow, response times against due, equity rates and counsellor capacity."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schoolwell.accounts.models import Language
from schoolwell.core.aggregates import hours_between, medians_in_sql
from schoolwell.reports.indicators.counts import (
    GRADE_BANDS,
    Parts,
    computed,
    count_table,
    counters_by_school,
    grade_band_expression,
    of_schools,
    summed,
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


def referral_flow(
    referrals: QuerySet,
    *,
    since: dt.date,
    now: dt.datetime | None = None,
    parts: Parts = computed,
) -> ReferralFlow:
    """Referrals opened and closed per month since `since`, the median time to first action
    (claim) against the median time allowed (due − opened), and the overdue count, as the
    queue counts it (open and past due). One query for the schools computed; the medians are
    taken over the schools' hours together."""
    now = now or timezone.now()
    by_school = parts(
        f"referral-flow-{since.isoformat()}",
        lambda ids: _flow_by_school(of_schools(referrals, ids), since=since, now=now),
        _FlowPart(),
    )
    flow = sum(by_school.values(), _FlowPart())
    count = flow.counts
    months = sorted({key[1] for key in count if key[0] in ("opened", "closed")})
    return ReferralFlow(
        months=months,
        opened=[count[("opened", m)] for m in months],
        flagged=[count[("flagged", m)] for m in months],
        closed=[count[("closed", m)] for m in months],
        open_now=count[("open", None)],
        overdue_now=count[("overdue", None)],
        median_hours_to_first_action=_median(flow.to_action),
        median_hours_allowed=_median(flow.allowed),
        first_action_on_time=count[("on_time", None)],
        first_action_late=count[("late", None)],
    )


@dataclass(frozen=True)
class _FlowPart:
    """A school's share of `referral_flow`: counts by (figure, month or None), and the hours
    the medians are taken of."""

    counts: Counter = field(default_factory=Counter)
    to_action: tuple[float, ...] = ()
    allowed: tuple[float, ...] = ()

    def __add__(self, other: _FlowPart) -> _FlowPart:
        return _FlowPart(
            self.counts + other.counts,
            self.to_action + other.to_action,
            self.allowed + other.allowed,
        )


def _flow_by_school(referrals: QuerySet, *, since: dt.date, now: dt.datetime) -> dict:
    """One query: the referrals opened or closed since `since` or open now, each with its
    local dates and months and its comparisons made by the database (in the current time
    zone), counted here. On PostgreSQL the hours the medians take come as numbers (parsing
    three moments per referral was most of a district's rebuild); SQLite's are computed here."""
    from django.db.models.functions import TruncDate, TruncMonth

    from schoolwell.referrals.models import Source, Status

    in_sql = medians_in_sql(referrals)

    def test(q: Q) -> ExpressionWrapper:
        return ExpressionWrapper(q, output_field=BooleanField())

    figures = {
        "opened_on": TruncDate("opened_at"),
        "opened_month": TruncMonth("opened_at", output_field=DateField()),
        "closed_on": TruncDate("closed_at"),
        "closed_month": TruncMonth("closed_at", output_field=DateField()),
        "overdue": test(Q(due_at__lt=now)),
        "on_time": test(Q(claimed_at__lte=F("due_at"))),
        # Late: claimed after the due time, or still unclaimed past it.
        "late": test(Q(claimed_at__gt=F("due_at")) | Q(claimed_at__isnull=True, due_at__lt=now)),
    }
    if in_sql:
        figures["to_action"] = hours_between("claimed_at", "opened_at")
        figures["allowed"] = hours_between("due_at", "opened_at")
    rows = (
        referrals.filter(
            Q(opened_at__date__gte=since) | Q(closed_at__date__gte=since) | ~Q(status=Status.CLOSED)
        )
        .annotate(**figures)
        .order_by()
        .values_list(
            "school_id",
            "source",
            "status",
            *figures,
            *(() if in_sql else ("claimed_at", "opened_at", "due_at")),
        )
    )
    counts: dict[int, Counter] = {}
    # Medians are not summable: each school's hours are kept (a few hundred a year).
    hours: dict[int, tuple[list, list]] = {}
    for school, source, status, opened_on, opened_month, closed_on, closed_month, *rest in rows:
        overdue, on_time, late, *times = rest
        if not in_sql:
            claimed_at, opened, due = times
            times = [
                None if claimed_at is None else (claimed_at - opened).total_seconds() / 3600,
                (due - opened).total_seconds() / 3600,
            ]
        found = counts.setdefault(school, Counter())
        if status != Status.CLOSED:
            found[("open", None)] += 1
            found[("overdue", None)] += bool(overdue)
        if closed_on is not None and closed_on >= since:
            found[("closed", closed_month.strftime("%Y-%m"))] += 1
        if opened_on < since:
            continue
        month = opened_month.strftime("%Y-%m")
        found[("opened", month)] += 1
        found[("flagged", month)] += source == Source.RULE
        found[("on_time", None)] += bool(on_time)
        found[("late", None)] += bool(late)
        to_action, allowed = hours.setdefault(school, ([], []))
        if times[0] is not None:
            to_action.append(times[0])
        allowed.append(times[1])
    return {
        school: _FlowPart(
            found, tuple(hours.get(school, ([], []))[0]), tuple(hours.get(school, ([], []))[1])
        )
        for school, found in counts.items()
    }


# Equity and capacity --------------------------------------------------------------------


def referral_rates(
    students: QuerySet[Student],
    referrals: QuerySet,
    *,
    since: dt.date,
    threshold: int | None = None,
    parts: Parts = computed,
) -> dict[str, SuppressedTable]:
    """Students flagged by a threshold rule, referred by staff, or neither, since `since`,
    per grade band (`["band"]`) and per preferred language (`["language"]`); suppressed.
    A student with both kinds of referral counts as flagged. One grouped query for both
    (each was a pass over every student of the district)."""
    from schoolwell.referrals.models import Source

    recent = referrals.filter(opened_at__date__gte=since)
    flagged_ids = recent.filter(source=Source.RULE).values("student_id")
    staff_ids = recent.filter(source=Source.MANUAL).values("student_id")
    rows = summed(
        parts(
            f"referral-rates-{since.isoformat()}",
            lambda ids: counters_by_school(
                of_schools(students.filter(active=True), ids)
                .annotate(
                    band=grade_band_expression(),
                    kind=Case(
                        When(pk__in=flagged_ids, then=Value("flagged")),
                        When(pk__in=staff_ids, then=Value("referred")),
                        default=Value("neither"),
                        output_field=CharField(),
                    ),
                )
                .order_by()
                .values_list("school_id", "band", "preferred_language", "kind")
                .annotate(n=Count("pk"))
            ),
            Counter(),
        )
    ).items()
    counts: dict[str, Counter] = {"band": Counter(), "language": Counter()}
    for (band, language, kind), n in rows:
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
    school_ids: set[int], referrals: QuerySet, *, since: dt.date, parts: Parts = computed
) -> list[SchoolCapacity]:
    """Referral volume against counsellors per school (4 queries), in name order."""
    by_school = parts(
        f"capacity-{since.isoformat()}",
        lambda ids: _capacity_by_school(school_ids if ids is None else set(ids), referrals, since),
        None,
    )
    return sorted(
        (row for row in by_school.values() if row is not None),
        key=lambda row: row.school,
    )


def _capacity_by_school(
    school_ids: set[int], referrals: QuerySet, since: dt.date
) -> dict[int, SchoolCapacity]:
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
    schools = School.objects.filter(pk__in=school_ids).annotate(
        active_students=Count("students", filter=Q(students__active=True))
    )
    return {
        s.pk: SchoolCapacity(
            school=s.name,
            counsellors=counsellors.get(s.pk, 0),
            students=s.active_students,
            open_referrals=volume.get(s.pk, {}).get("open", 0),
            opened_recently=volume.get(s.pk, {}).get("recent", 0),
        )
        for s in schools
    }
