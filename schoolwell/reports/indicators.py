"""Program indicators, computed in one place so the page, the chart and the export agree.

Every function takes an already-scoped queryset (from `visible_students` / `visible_classes`)
and runs a fixed number of grouped queries, whatever the number of rows. Aggregates that
leave the school (district views, de-identified exports) pass through `suppression.suppress`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from schoolwell.accounts.models import Language
from schoolwell.reports.suppression import SuppressedTable, suppress
from schoolwell.roster.models import School, Student

# Grade bands used for every subgroup breakdown (small enough groups get suppressed anyway).
GRADE_BANDS: list[tuple[int, int, str]] = [
    (-1, 2, "PreK–2"),
    (3, 5, "3–5"),
    (6, 8, "6–8"),
    (9, 13, "9–12"),
]


def school_year_start(day: dt.date) -> int:
    """The calendar year a school year containing `day` starts in (August to July)."""
    return day.year if day.month >= 8 else day.year - 1


def grade_label(grade: int) -> str:
    return "K" if grade == 0 else ("PreK" if grade < 0 else str(grade))


def grade_band_expression(field: str = "grade") -> Case:
    return Case(
        *[
            When(**{f"{field}__gte": low, f"{field}__lte": high}, then=Value(label))
            for low, high, label in GRADE_BANDS
        ],
        output_field=CharField(),
    )


def grouped_counts(
    queryset: QuerySet,
    row_field: str,
    column_field: str,
    *,
    distinct_field: str | None = None,
) -> dict[tuple, int]:
    """{(row value, column value): count} in one GROUP BY query."""
    measure = Count(distinct_field, distinct=True) if distinct_field else Count("pk")
    return {
        (row, col): n
        for row, col, n in queryset.values_list(row_field, column_field)
        .order_by()
        .annotate(n=measure)
        .values_list(row_field, column_field, "n")
    }


def count_table(
    counts: dict[tuple, int],
    *,
    rows: Sequence[tuple[object, str]],
    columns: Sequence[tuple[object, str]],
    hide_zeros: bool = True,
    threshold: int | None = None,
) -> SuppressedTable:
    """A suppressed table from grouped counts, rows/columns given as (value, label)."""
    grid = [[counts.get((r, c), 0) for c, _label in columns] for r, _label in rows]
    return suppress(
        grid,
        row_labels=[label for _value, label in rows],
        column_labels=[label for _value, label in columns],
        hide_zeros=hide_zeros,
        threshold=threshold,
    )


# Where a dashboard's reader may already see every record (a school's own administrator),
# tables are not suppressed; de-identified outputs use the configured threshold.
IDENTIFIED = 0


def students_by_school_and_grade(students: QuerySet[Student]) -> SuppressedTable:
    """Active students per school (rows) and grade (columns)."""
    active = students.filter(active=True)
    counts = grouped_counts(active, "school_id", "grade")
    grades = sorted({grade for _school, grade in counts})
    schools = School.objects.filter(pk__in={school for school, _grade in counts}).order_by("name")
    return count_table(
        counts,
        rows=[(s.pk, s.name) for s in schools],
        columns=[(g, grade_label(g)) for g in grades],
        hide_zeros=False,  # a school without a grade is public knowledge
    )


def students_by_band_and_language(
    students: QuerySet[Student], *, threshold: int | None = None
) -> SuppressedTable:
    """Active students per grade band (rows) and preferred language (columns)."""
    active = students.filter(active=True).annotate(band=grade_band_expression())
    counts = grouped_counts(active, "band", "preferred_language")
    present = {band for band, _lang in counts}
    return count_table(
        counts,
        rows=[(label, label) for _lo, _hi, label in GRADE_BANDS if label in present],
        columns=[(code, str(name)) for code, name in Language.choices],
        threshold=threshold,
    )


def consent_coverage(
    students: QuerySet[Student], *, threshold: int | None = None
) -> SuppressedTable:
    """Active students per consent purpose (rows) and effective state (columns).

    The states come from `consent.gating` (the one place consent is derived), in its
    constant number of queries.
    """
    from schoolwell.consent.gating import ConsentState, Purpose, effective_consents

    counts: Counter = Counter()
    consents = effective_consents(students.filter(active=True), list(Purpose.values))
    for by_purpose in consents.values():
        for purpose, state in by_purpose.items():
            counts[(purpose, state.state)] += 1
    present = {state for _purpose, state in counts}
    return count_table(
        counts,
        rows=[(p.value, str(p.label)) for p in Purpose],
        columns=[(s.value, str(s.label)) for s in ConsentState if s.value in present],
        threshold=threshold,
    )


def sel_coverage(user, *, school_ids: set[int], today: dt.date | None = None):
    """SEL coverage per school (sel.selectors.coverage_report, the coverage page's figures)
    for the current period: (report, the schools' Coverage rows)."""
    from schoolwell.sel.selectors import coverage_period, coverage_report

    today = today or timezone.localdate()
    start, end = coverage_period(user=user, today=today)
    report = coverage_report(user=user, start=start, end=end, today=today)
    return report, [row for row in report.schools if row.obj.pk in school_ids]


# Screening ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WindowCompletion:
    window_id: int
    label: str
    school: str
    eligible: int
    screened: int

    @property
    def rate(self) -> float | None:
        return self.screened / self.eligible if self.eligible else None


def screening_completion(school_ids: set[int], *, since: dt.date) -> list[WindowCompletion]:
    """Per screening window opened since `since`: students in its grades, and how many
    have a result in it (3 queries). Counts only: no result is read."""
    from schoolwell.screening.models import ScreeningResult, ScreeningWindow

    windows = list(
        ScreeningWindow.objects.filter(school_id__in=school_ids, opens_on__gte=since)
        .select_related("school", "instrument")
        .order_by("opens_on", "school__name", "pk")
    )
    per_grade = grouped_counts(
        Student.objects.filter(school_id__in=school_ids, active=True), "school_id", "grade"
    )
    screened = dict(
        ScreeningResult.objects.filter(window__in=windows)
        .order_by()
        .values_list("window_id")
        .annotate(n=Count("student_id", distinct=True))
        .values_list("window_id", "n")
    )
    return [
        WindowCompletion(
            window_id=w.pk,
            label=f"{w.name} · {w.instrument.code.upper()}",
            school=w.school.name,
            eligible=sum(per_grade.get((w.school_id, g), 0) for g in w.grades),
            screened=screened.get(w.pk, 0),
        )
        for w in windows
    ]


# Check-ins ------------------------------------------------------------------------------


def checkin_weekly_means(checkins: QuerySet, *, since: dt.date) -> dict[tuple[int, dt.date], tuple]:
    """(class id, week start) → (mean wellbeing, check-ins, absences), one query."""
    from django.db.models import Avg
    from django.db.models.functions import TruncWeek

    rows = (
        checkins.filter(date__gte=since)
        .annotate(week=TruncWeek("date"))
        .order_by()
        .values_list("klass_id", "week")
        .annotate(
            mean=Avg("wellbeing"),
            n=Count("pk"),
            absent=Count("pk", filter=Q(absent=True)),
        )
        .values_list("klass_id", "week", "mean", "n", "absent")
    )
    return {(k, w if isinstance(w, dt.date) else w.date()): (m, n, a) for k, w, m, n, a in rows}


def not_checked_in(user, classes: list, day: dt.date) -> dict[int, list[Student]]:
    """class id → its active students this teacher has not checked in on `day` (2 queries).
    A check-in is per student and day, so one in any of the teacher's classes counts."""
    from schoolwell.roster.models import Enrollment
    from schoolwell.screening.models import CheckIn

    done = set(CheckIn.objects.filter(teacher=user, date=day).values_list("student_id", flat=True))
    missing: dict[int, list[Student]] = {}
    enrollments = (
        Enrollment.objects.filter(klass__in=classes, active=True, student__active=True)
        .select_related("student")
        .order_by("student__family_name", "student__given_name", "student__pk")
    )
    for enrollment in enrollments:
        if enrollment.student_id not in done:
            missing.setdefault(enrollment.klass_id, []).append(enrollment.student)
    return missing


# A student's timeline -------------------------------------------------------------------


@dataclass(frozen=True)
class StudentTimeline:
    checkins: list[tuple]  # (date, wellbeing or None, absent)
    scores: dict[str, list[tuple]]  # instrument label → (when, total, band label)
    band_lines: list[tuple[str, float, str]]  # (instrument label, lower bound, band label)
    events: list[tuple]  # (when, label)


def student_timeline(user, student: Student, *, since: dt.date) -> StudentTimeline:
    """What the user may see of one student since `since`, through the domains' own
    visibility selectors (3 queries)."""
    from schoolwell.screening.selectors import checkins_visible_to, results_visible_to

    checkins = list(
        checkins_visible_to(user)
        .filter(student=student, date__gte=since)
        .order_by("date", "pk")
        .values_list("date", "wellbeing", "absent")
    )
    scores: dict[str, list[tuple]] = {}
    results = (
        results_visible_to(user)
        .filter(student=student, administered_at__date__gte=since, total__isnull=False)
        .select_related("instrument")
        .order_by("administered_at", "pk")
    )
    latest = None
    for result in results:
        latest = result
        scores.setdefault(result.instrument.code.upper(), []).append(
            (timezone.localtime(result.administered_at), result.total, result.band_label)
        )
    # Band lines of the latest instrument only: several instruments' lines would overlap.
    band_lines: list[tuple[str, float, str]] = []
    if latest is not None:
        definition = latest.instrument.definition
        bands = definition.get("scoring", {}).get("total", {}).get("bands") or []
        for band in bands[1:]:
            name = band.get("label", band.get("key"))
            if isinstance(name, dict):
                name = name.get(get_language()[:2]) or name.get("en") or band.get("key")
            band_lines.append((latest.instrument.code.upper(), band["min"], name))
    return StudentTimeline(checkins, scores, band_lines, _referral_events(user, student, since))


def _referral_events(user, student: Student, since: dt.date) -> list[tuple]:
    return []


def checkin_reach(
    students: QuerySet[Student], *, start: dt.date, end: dt.date, threshold: int | None = None
) -> SuppressedTable:
    """Active students per grade band: with a low check-in (wellbeing ≤ 2) in the period,
    checked in but never low, or not checked in. One grouped query."""
    from schoolwell.screening.models import CheckIn

    in_period = CheckIn.objects.filter(date__range=(start, end))
    low = in_period.filter(wellbeing__lte=2).values("student_id")
    seen = in_period.values("student_id")
    annotated = students.filter(active=True).annotate(
        band=grade_band_expression(),
        reach=Case(
            When(pk__in=low, then=Value("low")),
            When(pk__in=seen, then=Value("seen")),
            default=Value("none"),
            output_field=CharField(),
        ),
    )
    counts = grouped_counts(annotated, "band", "reach")
    present = {band for band, _reach in counts}
    return count_table(
        counts,
        rows=[(label, label) for _lo, _hi, label in GRADE_BANDS if label in present],
        columns=[
            ("low", _("A low check-in (≤ 2)")),
            ("seen", _("Checked in, never low")),
            ("none", _("Not checked in")),
        ],
        threshold=threshold,
    )


def screening_completion_table(
    school_ids: set[int], *, since: dt.date, threshold: int | None = None, with_school=True
) -> SuppressedTable:
    """Screened vs not yet screened per window, as a (suppressible) count table."""
    windows = screening_completion(school_ids, since=since)
    return suppress(
        [[w.screened, max(w.eligible - w.screened, 0)] for w in windows],
        row_labels=[f"{w.school} · {w.label}" if with_school else w.label for w in windows],
        column_labels=[_("Screened"), _("Not yet screened")],
        threshold=threshold,
    )
