"""What student voice adds to shared pages: navigation, the home page's "needs action
today", the class page, the counsellor's timeline and the school dashboard."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from schoolwell.accounts import gate
from schoolwell.audit.services import access_log_record_many
from schoolwell.core.labels import choice_labels
from schoolwell.core.registry import ActionItem, NavItem, Panel, TimelineItem
from schoolwell.voice import selectors
from schoolwell.voice.models import StudentCheckIn, Topic

# The check-in's fields shown in words on the timeline, each put into words once per page.
LABELLED = ("feeling", "energy", "wants_to_talk", "channel")

LIMIT = 50
INDICATOR_WEEKS = 6


def nav(scope) -> list[NavItem]:
    if gate.may(scope, "class.teach") or gate.may(scope, "school.counsel"):
        return [NavItem(gettext_lazy("Student check-ins"), "voice:index", 45)]
    return []


def action_items(request, scope, today: dt.date) -> list[ActionItem]:
    """Students who asked to talk today: for the adult they chose and the counsellors."""
    if not (gate.may(scope, "class.teach") or gate.may(scope, "school.counsel")):
        return []
    requests = selectors.talk_requests(user=request.user, day=today)[:LIMIT]
    return [
        ActionItem(
            group=_("Students who want to talk"),
            group_order=15,
            title=_("Wants to talk today"),
            url=reverse("voice:talk", args=[c.pk]),
            student_id=c.student_id,
            student_name=c.student.display_name,
            when=c.created_at,
            detail=(
                _("Asked for you")
                if c.trusted_adult_id == request.user.pk
                else _("Asked for an adult")
            ),
            badge="high",
        )
        for c in requests
    ]


def home_panel(request, scope) -> Panel | None:
    """A teacher's home: students who asked to talk with them today. (Counsellors see the
    same requests among their "needs action today", from `action_items`.)"""
    if gate.may(scope, "referral.work") or not gate.may(scope, "class.teach"):
        return None
    today = timezone.localdate()
    requests = list(selectors.talk_requests(user=request.user, day=today)[:LIMIT])
    if requests:
        access_log_record_many(
            user=request.user,
            students=sorted({c.student_id for c in requests}),
            what=gettext_noop("requests to talk (home page)"),
            request=request,
            action="view",
        )
    return Panel("voice/panels/home.html", {"requests": requests}, order=5)


def class_panel(request, klass) -> Panel | None:
    if not gate.may(request.user, "class.view", klass):
        return None
    return Panel("voice/panels/class.html", {"klass": klass}, order=25)


def student_panel(request, student) -> Panel | None:
    """Make or stop the student's personal check-in card."""
    from schoolwell.voice.models import CheckInLink

    if not gate.may(request.user, "voice.links", student):
        return None
    has_link = CheckInLink.objects.filter(student=student, revoked_at=None).exists()
    return Panel("voice/panels/student.html", {"student": student, "has_link": has_link}, order=60)


def timeline_entries(user, student) -> list[TimelineItem]:
    """The student's own check-ins beside the teachers' (counsellors' timeline); messages
    only for the school's counsellors."""
    from schoolwell.voice.services import settings_for

    reads = selectors.reads_messages(
        user, school_id=student.school_id, klass=None, settings=settings_for(student.school_id)
    )
    checkins = selectors.student_checkins(student=student)
    words = {
        name: choice_labels(StudentCheckIn._meta.get_field(name).flatchoices) for name in LABELLED
    }
    topics = choice_labels(Topic.choices)
    for c in checkins:
        c.labels = {name: words[name].get(getattr(c, name), getattr(c, name)) for name in LABELLED}
        c.labels["topics"] = [topics[t] for t in c.topics if t in topics]
    return [
        TimelineItem(c.created_at, "voice/timeline_entry.html", {"c": c, "reads": reads})
        for c in checkins
    ]


def dashboard_sections(user, school) -> list:
    """Participation by class and how fast "Yes, today" was answered, last six weeks."""
    from schoolwell.reports.dashboards import Section
    from schoolwell.reports.durations import humanise_hours
    from schoolwell.reports.suppression import suppress

    if not gate.may(user, "voice.report", school):
        return []
    end = timezone.localdate()
    start = end - dt.timedelta(weeks=INDICATOR_WEEKS)
    rows = selectors.participation_by_class(school=school, start=start, end=end)
    # Rule 7: a class of fewer than 10 students is hidden (and a complement with it).
    table = suppress(
        [[r.students] for r in rows],
        row_labels=[r.klass.title for r in rows],
        column_labels=[_("Students")],
    )
    shown = []
    for row, (_label, cells, _total) in zip(rows, table.rows(), strict=True):
        hidden = cells[0].suppressed
        rate = None if hidden or row.rate is None else f"{row.rate:.0%}"
        shown.append((row.klass.title, str(cells[0]), rate))
    talk = selectors.talk_response(school=school, start=start, end=end)
    figures = [
        # Requests counted as workload, like referrals opened (reports.suppression notes why).
        (_("“Yes, today” requests"), str(talk.asked)),
        (_("Answered"), str(talk.answered)),
        (
            _("Median time to an adult"),
            humanise_hours(talk.median_hours) if talk.median_hours is not None else "–",
        ),
    ]
    return [
        Section(
            "voice",
            _("Student check-ins (last six weeks)"),
            figures=figures,
            headers=[_("Class"), _("Students"), _("Participation")],
            rows=shown,
            note=_(
                "Participation: the share of school days on which the class's students "
                "checked in. Classes of fewer than %(n)s students are not shown."
            )
            % {"n": table.threshold},
        )
    ]
