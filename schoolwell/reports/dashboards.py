"""What each dashboard shows: indicators turned into sections of tables and charts.

Each context runs a fixed number of grouped queries (indicators), whatever the data size.
A school's own administrators see unsuppressed counts (they may open every record anyway);
district views are de-identified and small-cell suppressed (rule 7).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from schoolwell.accounts import gate
from schoolwell.core import figures, registry
from schoolwell.reports import charts, indicators
from schoolwell.reports.durations import humanise_hours
from schoolwell.reports.suppression import (
    SuppressedTable,
    suppress,
    suppressed_rate,
)
from schoolwell.reports.suppression import (
    threshold_default as suppression_threshold,
)
from schoolwell.roster.models import School
from schoolwell.roster.selectors import taught_classes

TREND_WEEKS = 6


def access_shape(user) -> tuple:
    """What a dashboard's figures depend on in the reader's access: their grants' sets, not
    who they are (two administrators of the same school share one cached copy)."""
    scope = dataclasses.replace(gate.scope_of(user), user_id=None)
    return tuple(
        (name, tuple(sorted(value)) if isinstance(value, frozenset) else value)
        for name, value in sorted(dataclasses.asdict(scope).items())
    )


def cached_parts(user, school_ids: set[int]) -> indicators.Parts:
    """The indicators' per-school parts from the cache, each under its school's figures
    version, the reader's access shape and the local date (`core.figures.per_school`): after
    a change in one school (a check-in save bumps its versions) a district dashboard
    computes that school's parts only and adds up the others' cached ones. Like the whole
    page's cache, a part lasts `DASHBOARD_CACHE_SECONDS` at most (what depends on the time,
    such as overdue referrals, is as fresh as that)."""
    shape = hashlib.sha256(repr(access_shape(user)).encode(), usedforsecurity=False)
    suffix = (shape.hexdigest()[:16], timezone.localdate().isoformat())
    # Read once for every indicator (a cache round trip each otherwise), before any part
    # is computed (see `per_school`).
    versions = figures.school_versions(sorted(school_ids)) if figures.cache_seconds() else None

    def parts(kind, compute, empty):
        return figures.per_school(
            f"dashboard-part:{kind}",
            school_ids,
            compute,
            family=figures.FIGURES,
            parts=suffix,
            seconds=figures.cache_seconds(),
            empty=empty,
            versions=versions,
        )

    return parts


@dataclass
class Section:
    """A titled block of a dashboard: headline figures, a chart and/or a count table."""

    key: str
    title: str
    table: SuppressedTable | None = None
    row_header: str = ""
    chart: charts.Chart | None = None
    figures: list[tuple[str, str]] = field(default_factory=list)
    note: str = ""
    # A plain table (not counts to suppress): column headers and rows of values.
    headers: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)


def _month_label(month: str) -> str:
    """ "2026-11" as the reader's month and year ("November 2026", "noviembre de 2026")."""
    year, number = month.split("-")
    return formats.date_format(dt.date(int(year), int(number), 1), "YEAR_MONTH_FORMAT")


def _table_section(
    key, title, table, row_header, *, stacked=True, y_title=None, colors=None
) -> Section:
    chart = charts.suppressed_bar_chart(
        f"chart-{key}",
        title,
        table,
        y_title=y_title or _("Students"),
        stacked=stacked,
        colors=colors,
    )
    return Section(key, title, table=table, row_header=row_header, chart=chart)


def _consent_colours(table: SuppressedTable) -> list[str]:
    """Consent states in their meaning's colour: allowed green, waiting amber, refused red."""
    from schoolwell.consent.gating import ALLOWED_STATES, AWAITING_STATES, ConsentState

    by_label = {}
    for state in ConsentState:
        if state in ALLOWED_STATES:
            by_label[str(state.label)] = charts.GOOD
        elif state in AWAITING_STATES:
            by_label[str(state.label)] = charts.WAITING
        elif state == ConsentState.NO_FORM:
            by_label[str(state.label)] = charts.NEUTRAL
        else:
            by_label[str(state.label)] = charts.BAD
    return [by_label.get(label, charts.NEUTRAL) for label in table.column_labels]


def _common_sections(
    students, school_ids: set[int], *, threshold: int | None, parts: indicators.Parts
) -> list[Section]:
    # `students` are every student of `school_ids` (school.administer reaches whole schools),
    # so the schools' cached consent counts are theirs.
    consent = indicators.school_consent_coverage(school_ids, threshold=threshold)
    return [
        _table_section(
            "consent",
            _("Consent coverage"),
            consent,
            _("Purpose"),
            colors=_consent_colours(consent),
        ),
        _table_section(
            "band-language",
            _("Students by grade band and preferred language"),
            indicators.students_by_band_and_language(students, threshold=threshold, parts=parts),
            _("Grade band"),
        ),
    ]


def _competency_name(competency) -> str:
    return competency.name.get(get_language()[:2]) or competency.name.get("en") or competency.code


def sel_section(user, school_ids: set[int], *, parts: indicators.Parts) -> Section:
    report = indicators.sel_coverage(user, school_ids=school_ids, parts=parts)
    rows = report.schools
    names = [_competency_name(c) for c in report.competencies]
    total_due = sum(r.due for r in rows)
    delivered = sum(r.delivered for r in rows)
    figures = [
        (_("Lessons delivered"), f"{delivered} / {total_due}"),
        (_("Delivery rate"), f"{delivered / total_due:.0%}" if total_due else "–"),
        (_("Lessons behind plan"), str(sum(r.overdue for r in rows))),
        (_("Classes behind plan"), str(sum(r.classes_behind for r in rows))),
    ]
    chart = charts.bar_chart(
        "chart-sel",
        _("SEL minutes delivered per competency"),
        names,
        {row.label: row.minutes_per_competency for row in rows},
        y_title=_("Minutes"),
    )
    return Section(
        "sel",
        _("SEL coverage by competency"),
        chart=chart,
        figures=figures,
        note=_("%(start)s – %(end)s. A lesson's minutes count toward each of its competencies.")
        % {"start": formats.date_format(report.start), "end": formats.date_format(report.end)},
    )


def screening_section(
    school_ids: set[int], *, threshold: int | None, with_school: bool, parts: indicators.Parts
) -> Section:
    """Completion per screening window of this school year: screened vs not yet (counts)."""
    since = dt.date(indicators.school_year_start(timezone.localdate()), 8, 1)
    table = indicators.screening_completion_table(
        school_ids, since=since, threshold=threshold, with_school=with_school, parts=parts
    )
    windows = table.row_labels
    screened, eligible = table.column_totals[0], table.total
    rate = suppressed_rate(screened, eligible)
    return Section(
        "screening",
        _("Screening completion per window"),
        table=table,
        row_header=_("Window"),
        chart=charts.suppressed_bar_chart(
            "chart-screening",
            _("Screening completion per window"),
            table,
            stacked=True,
            colors=[charts.GOOD, charts.NEUTRAL],
            horizontal=True,  # window names are long: as rows they never overlap
        )
        if windows
        else None,
        figures=[(_("Screened this school year"), "–" if rate is None else f"{rate:.0%}")],
        note="" if windows else _("No screening window this school year."),
    )


def school_context(user, school: School) -> dict:
    students = gate.students(user, "school.administer").filter(school=school)
    ids, shown = {school.pk}, indicators.IDENTIFIED
    parts = cached_parts(user, ids)
    return {
        "school": school,
        "sections": [
            screening_section(ids, threshold=shown, with_school=False, parts=parts),
            *referral_sections(user, ids, threshold=shown, parts=parts),
            *support_sections(user, ids, threshold=shown, parts=parts),
            sel_section(user, ids, parts=parts),
            *_common_sections(students, ids, threshold=shown, parts=parts),
            *(
                section
                for provider in registry.school_dashboard_providers
                for section in provider(user, school)
            ),
        ],
    }


def district_context(user) -> dict:
    students = gate.students(user, "school.administer")
    school_ids = set(gate.school_ids(user, "school.administer"))
    parts = cached_parts(user, school_ids)
    sections = [
        _table_section(
            "school-grade",
            _("Students by school and grade"),
            indicators.students_by_school_and_grade(students, parts=parts),
            _("School"),
        ),
        screening_section(school_ids, threshold=None, with_school=True, parts=parts),
        *referral_sections(user, school_ids, threshold=None, parts=parts),
        *support_sections(user, school_ids, threshold=None, parts=parts),
        sel_section(user, school_ids, parts=parts),
        *_common_sections(students, school_ids, threshold=None, parts=parts),
    ]
    return {"sections": sections}


def teacher_context(user) -> dict:
    """A teacher's classes: six weeks of check-in means per class (their own check-ins) and
    who has not been checked in today. Four queries, whatever the size of the classes."""
    from schoolwell.screening.selectors import checkins_visible_to

    today = timezone.localdate()
    classes = list(taught_classes(user).select_related("school").order_by("title"))
    since = today - dt.timedelta(weeks=TREND_WEEKS)
    mine = checkins_visible_to(user).filter(teacher=user, klass__in=classes)
    means = indicators.checkin_weekly_means(mine, since=since)
    weeks = sorted({week for _klass, week in means})
    series = {
        klass.title: [
            None if (m := means.get((klass.pk, w))) is None or m[0] is None else round(m[0], 2)
            for w in weeks
        ]
        for klass in classes
    }
    trend = charts.line_chart(
        "chart-checkin-trends",
        _("Average wellbeing per week (1 = very low, 5 = great)"),
        [w.isoformat() for w in weeks],
        series,
        y_title=_("Average wellbeing"),
        y_range=(1, 5),
    )
    missing = indicators.not_checked_in(user, classes, today)
    return {
        "classes": classes,
        "today": today,
        "missing": [(klass, missing.get(klass.pk, [])) for klass in classes],
        "sections": [
            Section(
                "trends",
                _("Check-in trends"),
                chart=trend if weeks else None,
                note="" if weeks else _("No check-ins in the last six weeks."),
            )
        ],
    }


def referral_sections(
    user, school_ids: set[int], *, threshold: int | None, parts: indicators.Parts
) -> list[Section]:
    """Referral flow, response times against due, overdue; equity; counsellor capacity."""
    from schoolwell.referrals.selectors import staff_referrals

    today = timezone.localdate()
    since = dt.date(indicators.school_year_start(today), 8, 1)
    referrals = staff_referrals(user).filter(school_id__in=school_ids)
    flow = indicators.referral_flow(referrals, since=since, parts=parts)
    # Not suppressed (see reports/suppression.py): referrals opened, flagged by a rule and
    # closed per month, and open or overdue now, count workload across the schools, not
    # groups of children sharing a characteristic, so a small number identifies no one.
    months = [_month_label(m) for m in flow.months]
    columns = {_("Opened"): flow.opened, _("Flagged by a rule"): flow.flagged}
    columns[_("Closed")] = flow.closed
    answered = flow.first_action_on_time + flow.first_action_late
    # A median or rate over fewer than N referrals is still withheld in de-identified views:
    # it describes how a handful of named cases were handled.
    small = threshold != indicators.IDENTIFIED and answered < (threshold or suppression_threshold())

    def duration(value):
        return "–" if value is None or small else humanise_hours(value)

    figures = [
        (_("Open now"), str(flow.open_now)),
        (_("Overdue now"), str(flow.overdue_now)),
        (_("Median time to first action"), duration(flow.median_hours_to_first_action)),
        (_("Median time allowed (due)"), duration(flow.median_hours_allowed)),
        (
            _("First action by the due time"),
            "–" if not answered or small else f"{flow.first_action_on_time / answered:.0%}",
        ),
    ]
    flow_section = Section(
        "referrals",
        _("Referrals opened and closed per month"),
        chart=charts.bar_chart(
            "chart-referrals",
            _("Referrals opened and closed per month"),
            months,
            columns,
            y_title=_("Referrals"),
            colors=dict(
                zip(columns, (charts.PALETTE[0], charts.WAITING, charts.GOOD), strict=True)
            ),
        ),
        figures=figures,
        # "Flagged by a rule" is part of "Opened", so the row has no total.
        headers=[_("Month"), *columns],
        rows=[(month, *values) for month, *values in zip(months, *columns.values(), strict=True)],
        note=_("Since %(since)s. Overdue: open past its due time, as the queue counts it.")
        % {"since": formats.date_format(since)},
    )
    students = gate.students(user, "school.administer").filter(school_id__in=school_ids)
    # Every referral the reader may see, not only those of this page's schools: a school's
    # cached part is shared by its own page and the district's, so it may not depend on
    # which page computed it (a student who moved school keeps referrals held elsewhere).
    rates = indicators.referral_rates(
        students, staff_referrals(user), since=since, threshold=threshold, parts=parts
    )
    equity = [
        _table_section(f"equity-{by}", title, rates[by], header)
        for by, title, header in (
            ("band", _("Flags and referrals by grade band"), _("Grade band")),
            ("language", _("Flags and referrals by preferred language"), _("Preferred language")),
        )
    ]
    capacity = indicators.counsellor_capacity(
        school_ids, referrals, since=today - dt.timedelta(days=30), parts=parts
    )
    # Per-school referral counts, with complementary suppression in de-identified views.
    volume = suppress(
        [[c.open_referrals, c.opened_recently] for c in capacity],
        row_labels=[c.school for c in capacity],
        column_labels=[_("Open referrals"), _("Opened recently")],
        threshold=threshold,
        hide_zeros=False,
    )
    per_counsellor = [
        None if cells[0].suppressed else c.open_per_counsellor
        for c, (_label, cells, _total) in zip(capacity, volume.rows(), strict=True)
    ]
    capacity_section = Section(
        "capacity",
        _("Referral volume against counsellor capacity"),
        chart=charts.bar_chart(
            "chart-capacity",
            _("Open referrals per counsellor"),
            [c.school for c in capacity],
            {_("Open referrals per counsellor"): per_counsellor},
            y_title=_("Open referrals per counsellor"),
        ),
        headers=[
            _("School"),
            _("Counsellors"),
            _("Students"),
            _("Students per counsellor"),
            _("Open referrals"),
            _("Opened recently"),
            _("Open per counsellor"),
        ],
        rows=[
            (
                c.school,
                c.counsellors,
                c.students,
                c.students_per_counsellor,
                str(cells[0]),
                str(cells[1]),
                ratio,
            )
            for c, (_label, cells, _total), ratio in zip(
                capacity, volume.rows(), per_counsellor, strict=True
            )
        ],
        note=_("Opened recently: in the last 30 days."),
    )
    return [flow_section, *equity, capacity_section]


def support_sections(
    user, school_ids: set[int], *, threshold: int | None, parts: indicators.Parts
) -> list[Section]:
    """Support plans: time from referral to first contact, reviews on time, and plans
    improved / unchanged / worse (by school, grade band and language)."""
    from schoolwell.referrals.selectors import staff_referrals
    from schoolwell.support.selectors import staff_plans

    since = dt.date(indicators.school_year_start(timezone.localdate()), 8, 1)
    data = indicators.support_indicators(
        staff_plans(user).filter(school_id__in=school_ids),
        staff_referrals(user).filter(school_id__in=school_ids),
        since=since,
        threshold=threshold,
        parts=parts,
    )
    groupings = {"school": _("School"), "band": _("Grade band"), "language": _("Language")}
    median = data.overall_median_days
    first_contact = Section(
        "support-first-contact",
        _("School days from referral to first contact"),
        figures=[
            (_("Median school days"), "–" if median is None else f"{median:g}"),
            (_("Referrals with a first contact"), str(data.overall_referrals)),
        ],
        headers=[_("Group"), _("Referrals"), _("Median school days")],
        rows=[
            (
                f"{groupings[r.grouping]}: {r.label}",
                r.referrals,
                "–" if r.median_days is None else r.median_days,
            )
            for r in data.first_contact
            if r.referrals
        ],
        note=_(
            "Since %(since)s. First contact: the first session with the student themself, "
            "not the claim. A median of fewer than the small-cell threshold is not shown."
        )
        % {"since": formats.date_format(since)},
    )
    reviews = _table_section(
        "support-reviews",
        _("Support plan reviews on time"),
        data.reviews["school"],
        _("School"),
        y_title=_("Reviews"),
    )
    reviews.note = _("On time: decided within %(n)s days of the review date.") % {
        "n": indicators.REVIEW_GRACE_DAYS
    }
    change = [
        _table_section(
            f"support-change-{grouping}",
            title,
            data.change[grouping],
            groupings[grouping],
            y_title=_("Plans"),
        )
        for grouping, title in (
            ("school", _("Support plans improved, unchanged or worse")),
            ("band", _("Support plan change by grade band")),
            ("language", _("Support plan change by preferred language")),
        )
    ]
    return [first_contact, reviews, *change]
