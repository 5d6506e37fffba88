"""Reads of screening data, always scoped to the user asking.

Who sees what (decided here, once):
- counsellors: every result (with answers) and every check-in of their schools' students;
- teachers: their own check-ins, and the teacher-rated results they entered, for students of
  the classes they teach; of self-report only whether it is due or done — never answers,
  scores or bands (PPRA: the student answered for the counsellor, not the class teacher);
- school and district administrators: windows and per-status counts, no individual results.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from schoolwell.accounts import gate
from schoolwell.roster.models import Class, School, Student
from schoolwell.roster.selectors import class_roster
from schoolwell.screening.consent import ConsentStatus, screening_consent
from schoolwell.screening.instruments import localized
from schoolwell.screening.instruments import scales as instrument_scales
from schoolwell.screening.models import (
    CheckIn,
    ConcernTag,
    CrisisPlan,
    Instrument,
    KioskSession,
    Respondent,
    ScreeningResult,
    ScreeningWindow,
    SelfReportAssignment,
    WindowState,
)
from schoolwell.screening.models.results import token_hash
from schoolwell.screening.scoring import critical_reasons


def results_visible_to(user) -> QuerySet[ScreeningResult]:
    counselled = gate.school_ids(user, "student.view_sensitive")
    condition = Q(pk__in=[])
    if counselled:
        condition |= Q(student__school_id__in=counselled)
    if gate.may(user, "class.teach"):
        condition |= Q(
            respondent=Respondent.TEACHER,
            administered_by=user,
            student__in=gate.students(user, "student.teach"),
        )
    return ScreeningResult.objects.filter(condition)


def checkins_visible_to(user) -> QuerySet[CheckIn]:
    counselled = gate.school_ids(user, "student.view_sensitive")
    condition = Q(pk__in=[])
    if counselled:
        condition |= Q(student__school_id__in=counselled)
    if gate.may(user, "class.teach"):
        condition |= Q(teacher=user)
    return CheckIn.objects.filter(condition)


def sees_self_report(user, school_id: int) -> bool:
    return school_id in gate.school_ids(user, "student.view_sensitive")


def crisis_plan_for(school: School) -> CrisisPlan:
    """The school's crisis plan, or the shipped default (unsaved) when it has none."""
    from schoolwell.screening.services.catalogue import default_crisis_content

    plan = CrisisPlan.objects.filter(school=school).first()
    return plan or CrisisPlan(school=school, **default_crisis_content())


def concern_tags_for(school_id: int, *, include_inactive: bool = False) -> list[ConcernTag]:
    """A school's tags: its own, plus district defaults it has not overridden."""
    tags = ConcernTag.objects.filter(Q(school=None) | Q(school_id=school_id))
    chosen: dict[str, ConcernTag] = {}
    for tag in sorted(tags, key=lambda t: t.school_id is not None):
        chosen[tag.code] = tag
    return sorted(
        (t for t in chosen.values() if t.active or include_inactive),
        key=lambda t: (t.order, t.code),
    )


def windows_for(user) -> QuerySet[ScreeningWindow]:
    """Windows of the schools the user works at (as staff, or as a teacher there)."""
    return ScreeningWindow.objects.filter(
        school__in=gate.schools(user, "school.work")
    ).select_related("school", "instrument")


def class_grades(klass: Class) -> set[int]:
    return set(class_roster(klass).values_list("grade", flat=True).distinct())


def open_windows_for_class(klass: Class, *, on: dt.date | None = None) -> list[ScreeningWindow]:
    on = on or timezone.localdate()
    grades = class_grades(klass)
    windows = ScreeningWindow.objects.filter(
        school_id=klass.school_id, opens_on__lte=on, closes_on__gte=on, state=WindowState.ACTIVE
    ).select_related("instrument")
    return [w for w in windows if grades & set(w.grades)]


class Status:
    DONE = "done"
    DUE = "due"
    NOT_CONSENTED = "not_consented"
    ABSENT = "absent"
    NOT_IN_WINDOW = "not_in_window"


@dataclass
class StudentStatus:
    student: Student
    status: str
    consent: ConsentStatus
    result: ScreeningResult | None = None


def class_window_status(*, klass: Class, window: ScreeningWindow) -> list[StudentStatus]:
    return window_status(students=list(class_roster(klass)), window=window)


def window_status(*, students: list[Student], window: ScreeningWindow) -> list[StudentStatus]:
    """Each student: done, due, not consented or absent (today's check-in), or not in the
    window's grades. Constant queries: latest results in the window, consent, absences.
    """
    roster = students
    results: dict[int, ScreeningResult] = {}
    for result in ScreeningResult.objects.filter(
        window=window, student__in=[s.pk for s in roster]
    ).order_by("administered_at", "pk"):
        results[result.student_id] = result  # the latest counts
    consents = screening_consent(roster)
    absent = set(
        CheckIn.objects.filter(
            student__in=[s.pk for s in roster], date=timezone.localdate(), absent=True
        ).values_list("student_id", flat=True)
    )
    rows = []
    for student in roster:
        consent = consents[student.pk]
        if student.grade not in window.grades:
            status = Status.NOT_IN_WINDOW
        elif student.pk in results:
            status = Status.DONE
        elif not consent.allowed:
            status = Status.NOT_CONSENTED
        elif student.pk in absent:
            status = Status.ABSENT
        else:
            status = Status.DUE
        rows.append(StudentStatus(student, status, consent, results.get(student.pk)))
    return rows


def status_counts(rows: list[StudentStatus]) -> dict[str, int]:
    counts = Counter(row.status for row in rows)
    return {
        s: counts.get(s, 0) for s in (Status.DUE, Status.DONE, Status.NOT_CONSENTED, Status.ABSENT)
    }


@dataclass(frozen=True)
class BandShown:
    scale: str  # "" for the total or a rule-based band
    label: str
    score: int | None


def result_bands(result: ScreeningResult, language: str) -> list[BandShown]:
    """A result's bands with their labels in `language`, from the version it was scored with."""
    definition = result.instrument.definition
    labels = {
        (scale["key"], band["key"]): band["label"]
        for scale in instrument_scales(definition)
        for band in scale.get("bands", [])
    } | {("", band["key"]): band["label"] for band in definition["scoring"].get("bands", [])}
    total_key = definition["scoring"].get("total", {}).get("key", "")
    shown = []
    if result.band:
        label = labels.get((total_key, result.band)) or labels.get(("", result.band))
        shown.append(BandShown("", localized(label, language) or result.band_label, result.total))
    for name, sub in result.subscales.items():
        if sub.get("band") and name != total_key:
            label = labels.get((name, sub["band"]["key"]))
            shown.append(
                BandShown(name, localized(label, language) or sub["band"]["label"], sub["score"])
            )
    return shown


def critical_reasons_for(result: ScreeningResult, language: str) -> list[str]:
    """A result's critical reasons in `language`, from the version it was scored with and the
    rules that fired then (the stored `critical_reasons` stay the English record)."""
    if not result.critical:
        return []
    keys = result.scores.get("critical_keys")
    if keys is None:  # a record without the engine's full result: only the English text
        return list(result.critical_reasons)
    return critical_reasons(result.instrument.definition, result.answers, keys, language)


def band_distribution(rows: list[StudentStatus], language: str) -> list[tuple[str, str, int]]:
    """(scale, band label, count) over the rows whose result the user may see."""
    counts: Counter = Counter()
    for row in rows:
        if row.result is not None:
            for band in result_bands(row.result, language):
                counts[(band.scale, band.label)] += 1
    return [(scale, label, n) for (scale, label), n in sorted(counts.items())]


def live_kiosks(*, user, klass: Class) -> QuerySet[KioskSession]:
    return KioskSession.objects.filter(
        klass=klass, ended_at=None, expires_at__gt=timezone.now()
    ).select_related("instrument", "started_by")


def device_kiosk(session_pk: int | None, *, mode: str) -> KioskSession | None:
    """The shared device's kiosk session of this mode (its pk kept in the device's browser
    session), while it is live; students never sign in, so this is all that lets them in."""
    if not session_pk:
        return None
    found = KioskSession.objects.filter(pk=session_pk, mode=mode).select_related("klass").first()
    return found if found and found.is_live() else None


def kiosk_name(student: Student) -> str:
    """How a kiosk's picker names a student: a first name and initial, enough to find
    oneself and no more."""
    return f"{student.preferred_name or student.given_name} {student.family_name[:1]}."


def student_history(*, user, student: Student, limit: int = 60):
    """A student's screening results and check-ins that this user may see, newest first."""
    results = (
        results_visible_to(user)
        .filter(student=student)
        .select_related("instrument", "window", "administered_by")[:limit]
    )
    checkins = (
        checkins_visible_to(user)
        .filter(student=student)
        .select_related("teacher", "klass")
        .order_by("-date", "-pk")[:limit]
    )
    return list(results), list(checkins)


def active_instruments(respondent: str | None = None) -> QuerySet[Instrument]:
    qs = Instrument.objects.filter(active=True)
    return qs.filter(respondent=respondent) if respondent else qs


def checkin_sheet(*, teacher, klass: Class, date: dt.date, roster: list[Student] | None = None):
    """The class roster with this teacher's check-in for the day (if any) per student.
    `roster`: the class roster already read by the caller."""
    if roster is None:
        roster = list(class_roster(klass))
    existing = {
        c.student_id: c
        for c in CheckIn.objects.filter(
            teacher=teacher, date=date, student__in=[s.pk for s in roster]
        )
    }
    return [(student, existing.get(student.pk)) for student in roster]


TREND_DAYS = 42


@dataclass
class CheckInTrend:
    student: Student
    recent: list[CheckIn]
    average: float | None  # the last 2 weeks
    baseline: float | None  # the 4 weeks before
    absences: int

    @property
    def declining(self) -> bool:
        return (
            self.average is not None
            and self.baseline is not None
            and self.baseline - self.average >= 1
        )


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def class_checkin_trends(*, user, klass: Class, on: dt.date | None = None) -> list[CheckInTrend]:
    """Six weeks of the check-ins this user may see, per student of the class (2 queries)."""
    on = on or timezone.localdate()
    roster = list(class_roster(klass))
    by_student: dict[int, list[CheckIn]] = {s.pk: [] for s in roster}
    for checkin in (
        checkins_visible_to(user)
        .filter(
            student__in=list(by_student), date__gt=on - dt.timedelta(days=TREND_DAYS), date__lte=on
        )
        .order_by("date", "pk")
    ):
        by_student[checkin.student_id].append(checkin)
    split = on - dt.timedelta(days=14)
    trends = []
    for student in roster:
        rows = by_student[student.pk]
        rated = [(c.date, c.wellbeing) for c in rows if c.wellbeing]
        trends.append(
            CheckInTrend(
                student=student,
                recent=rows,
                average=_mean([w for d, w in rated if d > split]),
                baseline=_mean([w for d, w in rated if d <= split]),
                absences=sum(1 for c in rows if c.absent),
            )
        )
    return trends


def sparkline_points(checkins: list[CheckIn], *, width: int = 120, height: int = 28) -> str:
    """SVG polyline points for wellbeing over time (1 at the bottom, 5 at the top)."""
    rated = [c for c in checkins if c.wellbeing]
    if len(rated) < 2:
        return ""
    first, last = rated[0].date, rated[-1].date
    span = max((last - first).days, 1)
    return " ".join(
        f"{round((c.date - first).days / span * width, 1)},"
        f"{round(height - (c.wellbeing - 1) / 4 * height, 1)}"
        for c in rated
    )


def teacher_today(*, user) -> list[tuple[Class, bool]]:
    """The teacher's classes and whether today's check-in has been started (2 queries)."""
    from schoolwell.roster.selectors import taught_classes

    classes = list(taught_classes(user).order_by("title"))
    done = set(
        CheckIn.objects.filter(
            teacher=user, date=timezone.localdate(), klass__in=classes
        ).values_list("klass_id", flat=True)
    )
    return [(klass, klass.pk in done) for klass in classes]


def selfreport_link_find(*, token: str) -> SelfReportAssignment | None:
    """The open assignment a link token names (None: unknown, used or expired)."""
    found = SelfReportAssignment.objects.filter(token_hash=token_hash(token)).first()
    return found if found is not None and found.is_open() else None
