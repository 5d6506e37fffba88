"""Screening completion and check-in indicators (counts only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from schoolwell.reports.indicators.counts import (
    GRADE_BANDS,
    Parts,
    computed,
    count_table,
    grade_band_expression,
    grouped_counts,
)
from schoolwell.reports.suppression import SuppressedTable, suppress
from schoolwell.roster.models import Student

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


def screening_completion(
    school_ids: set[int], *, since: dt.date, parts: Parts = computed
) -> list[WindowCompletion]:
    """Per screening window opened since `since`: students in its grades, and how many
    have a result in it (3 queries). Counts only: no result is read."""
    by_school = parts(
        f"screening-{since.isoformat()}",
        lambda ids: _completion_by_school(school_ids if ids is None else set(ids), since),
        [],
    )
    return [w for _order, w in sorted(row for rows in by_school.values() for row in rows)]


def _completion_by_school(school_ids: set[int], since: dt.date) -> dict[int, list[tuple]]:
    """school id → [((opened on, school name, window id), WindowCompletion)]."""
    from schoolwell.screening.models import ScreeningResult, ScreeningWindow

    windows = list(
        ScreeningWindow.objects.filter(school_id__in=school_ids, opens_on__gte=since)
        .select_related("school", "instrument")
        # Not the instruments' items and scoring (JSON parsed per window: a third of a
        # district dashboard's screening section).
        .only("name", "grades", "opens_on", "school__name", "instrument__code")
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
    found: dict[int, list[tuple]] = {}
    for w in windows:
        found.setdefault(w.school_id, []).append(
            (
                (w.opens_on, w.school.name, w.pk),
                WindowCompletion(
                    window_id=w.pk,
                    label=f"{w.name} · {w.instrument.code.upper()}",
                    school=w.school.name,
                    eligible=sum(per_grade.get((w.school_id, g), 0) for g in w.grades),
                    screened=screened.get(w.pk, 0),
                ),
            )
        )
    return found


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
    school_ids: set[int],
    *,
    since: dt.date,
    threshold: int | None = None,
    with_school=True,
    parts: Parts = computed,
) -> SuppressedTable:
    """Screened vs not yet screened per window, as a (suppressible) count table."""
    windows = screening_completion(school_ids, since=since, parts=parts)
    return suppress(
        [[w.screened, max(w.eligible - w.screened, 0)] for w in windows],
        row_labels=[f"{w.school} · {w.label}" if with_school else w.label for w in windows],
        column_labels=[_("Screened"), _("Not yet screened")],
        threshold=threshold,
    )
