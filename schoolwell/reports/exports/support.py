"""Support plans with their outcome and program indicators: first goal's baseline, latest
and change, days from referral to first contact, reviews on time — and the suppressed
tables by school, grade band and language. Counsellors and administrators, through
`support.selectors.staff_plans` (never contact notes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from schoolwell.referrals.schooldays import school_days_between
from schoolwell.reports import indicators
from schoolwell.reports.exports.aggregate import suppressed_sheet
from schoolwell.reports.exports.base import (
    STUDENT_COLUMNS,
    STUDENT_FIELDS,
    STUDENT_SUPPORT_ROLES,
    ExportKind,
    ExportScope,
    full_name,
    labels_of,
)
from schoolwell.reports.xlsx import CellKind, Column, Table
from schoolwell.support.models import Goal, Measure, Outcome, PlanStatus, SupportContact, Tier
from schoolwell.support.outcomes import goal_outcome, threshold_for
from schoolwell.support.selectors import latest_checks, staff_plans

TIERS = labels_of(Tier)
STATUSES = labels_of(PlanStatus)
OUTCOMES = labels_of(Outcome)
MEASURES = labels_of(Measure)

PLAN_COLUMNS = [
    Column(_("Plan"), CellKind.INT, width=8),
    *STUDENT_COLUMNS,
    Column(_("School"), width=22),
    Column(_("Tier"), width=16, display=TIERS),
    Column(_("Status"), width=10, display=STATUSES),
    Column(_("Outcome"), width=22, display=OUTCOMES),
    Column(_("Owner"), width=16, definition=_("Full name (the username if none is recorded)")),
    Column(_("Started"), CellKind.DATE, width=12),
    Column(_("Next review"), CellKind.DATE, width=12),
    Column(pgettext_lazy("date closed", "Closed"), CellKind.DATE, width=12),
    Column(_("Referral"), CellKind.INT, width=9),
    Column(_("Goal measure"), width=24, display=MEASURES, definition=_("The plan's first goal")),
    Column(_("Instrument"), width=10),
    Column(_("Baseline"), CellKind.FLOAT, width=9),
    Column(_("Latest"), CellKind.FLOAT, width=9, definition=_("The goal's latest data point")),
    Column(_("Change"), CellKind.FLOAT, width=9, definition=_("Latest − baseline")),
    Column(
        _("Change category"),
        width=12,
        definition=_(
            "Improved / unchanged / worse: against the instrument's published "
            "reliable-change threshold where it has one, else the sign of the raw change"
        ),
    ),
    Column(_("Reliable change threshold"), CellKind.FLOAT, width=10),
    Column(
        _("School days to first contact"),
        CellKind.INT,
        width=10,
        definition=_("From the referral opening to the first attended contact with the student"),
    ),
    Column(_("Reviews"), CellKind.INT, width=8),
    Column(_("Contacts"), CellKind.INT, width=8),
]


class SupportExport(ExportKind):
    code = "support"
    label = _("Support plans and outcomes")
    description = _(
        "Plans with tier, goal baseline, latest and change, time to first contact, reviews; "
        "outcome tables by school, grade band and language (no contact notes)"
    )
    roles = STUDENT_SUPPORT_ROLES
    uses_dates = True

    def tables(self, scope: ExportScope) -> list[Table]:
        plans = scope.date_range(
            staff_plans(scope.user).filter(student__in=scope.students), "start_date"
        )
        today = timezone.localdate()
        since = scope.filters.date_from or dt.date(indicators.school_year_start(today), 8, 1)
        data = indicators.support_indicators(
            plans,
            _referrals(scope),
            since=since,
        )
        rows = (
            plans.annotate(
                n_reviews=Count("reviews", distinct=True),
                n_contacts=Count("contacts", distinct=True),
            )
            .order_by("start_date", "pk")
            .values_list(
                "student_id",
                "pk",
                *STUDENT_FIELDS,
                "school__name",
                "tier",
                "status",
                "outcome",
                full_name("owner"),
                "start_date",
                "next_review_on",
                "closed_on",
                "referral_id",
                "referral__opened_at",
                "n_reviews",
                "n_contacts",
            )
        )
        groupings = {
            "school": (_("School"), _("Reviews on time by school"), _("Plans changed by school")),
            "band": (
                _("Grade band"),
                _("Reviews on time by grade band"),
                _("Plans changed by grade band"),
            ),
            "language": (
                _("Language"),
                _("Reviews on time by language"),
                _("Plans changed by language"),
            ),
        }
        sheets = [
            Table(str(_("Plans")), PLAN_COLUMNS, self._rows(plans, rows), plans.count(), keyed=True)
        ]
        for index, key in ((1, "reviews"), (2, "change")):
            for grouping, texts in groupings.items():
                sheets.append(
                    suppressed_sheet(str(texts[index]), str(texts[0]), getattr(data, key)[grouping])
                )
        return sheets

    def _rows(self, plans, rows) -> Iterator[tuple]:
        goals: dict[int, Goal] = {}
        for goal in Goal.objects.filter(plan__in=plans).order_by("plan_id", "pk"):
            goals.setdefault(goal.plan_id, goal)
        latest = latest_checks([g.pk for g in goals.values()])
        first = dict(
            SupportContact.objects.filter(
                Q(plan__in=plans) | Q(referral__support_plans__in=plans), first_contact=True
            ).values_list("referral_id", "date")
        )
        for row in rows.iterator(chunk_size=2000):
            (*head, referral_id, referral_opened, n_reviews, n_contacts) = row
            plan_id = head[1]
            goal = goals.get(plan_id)
            check = latest.get(goal.pk) if goal else None
            outcome = (
                goal_outcome(
                    baseline=goal.baseline,
                    latest=check.value if check else None,
                    direction=goal.direction,
                    threshold=threshold_for(goal),
                )
                if goal
                else None
            )
            contact_day = first.get(referral_id)
            yield (
                *head,
                referral_id,
                goal.measure if goal else None,
                goal.instrument_code if goal else None,
                goal.baseline if goal else None,
                outcome.latest if outcome else None,
                outcome.change if outcome else None,
                str(outcome.category.label) if outcome and outcome.category else None,
                outcome.threshold.reliable_change if outcome and outcome.threshold else None,
                school_days_between(timezone.localdate(referral_opened), contact_day)
                if contact_day and referral_opened
                else None,
                n_reviews,
                n_contacts,
            )


def _referrals(scope: ExportScope):
    from schoolwell.referrals.selectors import staff_referrals

    return staff_referrals(scope.user).filter(student__in=scope.students)
