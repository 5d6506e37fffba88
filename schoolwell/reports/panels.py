"""What reports adds to shared pages (registered in apps.ReportsConfig.ready)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwell.accounts import gate
from schoolwell.audit.services import access_log_record
from schoolwell.core.registry import Panel
from schoolwell.reports import charts, indicators
from schoolwell.reports.plotly_assets import maplibre_style_id

TIMELINE_DAYS = 365


def timeline_panel(request, student) -> Panel | None:
    """The counsellor's timeline of a student: check-ins, scores with band lines, referral
    events. Counsellors of the student's school only: it brings every source together."""
    if not gate.may(request.user, "student.view_sensitive", student):
        return None
    since = timezone.localdate() - dt.timedelta(days=TIMELINE_DAYS)
    data = indicators.student_timeline(request.user, student, since=since)
    if not (data.checkins or data.scores or data.events):
        return None
    # FERPA: the chart shows the student's records, so viewing it is a disclosure.
    access_log_record(user=request.user, student=student, what="timeline chart", request=request)
    chart = charts.student_timeline(
        "chart-student-timeline",
        _("Timeline of %(name)s") % {"name": student.display_name},
        checkins=data.checkins,
        scores=data.scores,
        band_lines=data.band_lines,
        events=data.events,
        labels={
            "scores": _("Screening scores"),
            "wellbeing": _("Check-in wellbeing (1–5)"),
            "absent": _("Absent"),
            "events": _("Referral events"),
        },
    )
    return Panel(
        "reports/panel_timeline.html",
        {"chart": chart, "since": since, "maplibre_style_id": maplibre_style_id()},
        order=25,
    )
