"""Extension points through which each domain app adds to shared pages.

Apps register in their AppConfig.ready(), so the shell (navigation, student page, home
page, demo district) never needs editing when an app gains a feature.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 50


@dataclass(frozen=True)
class OnCallContact:
    name: str
    phone: str = ""


@dataclass(frozen=True)
class Panel:
    """A section of a shared page: a template and its context."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 50


# fn(scope) -> list[NavItem]: the entries this app adds to the user's navigation.
nav_providers: list[Callable] = []
# fn(request, student) -> Panel | None: a section of the staff student page.
student_panel_providers: list[Callable] = []
# fn(request, klass) -> Panel | None: a section of the class page (teacher's class hub).
class_panel_providers: list[Callable] = []
# fn(request, scope) -> Panel | None: a card on the role-aware home page.
home_panel_providers: list[Callable] = []
# fn(request, student) -> Panel | None: a section of a guardian's page for one child (the
# consent page they return to after each decision).
guardian_child_panel_providers: list[Callable] = []
# fn(request, referral) -> Panel | None: a section of a referral's page (order < 0: above
# the referral's facts, for a step that must come first).
referral_panel_providers: list[Callable] = []


@dataclass(frozen=True)
class ActionItem:
    """One thing that needs the user's action: on the home page's "needs action today" and,
    per student, on the caseload. `group` and `title` are already in the reader's language."""

    group: str  # heading it is listed under, e.g. "Urgent and overdue"
    group_order: int  # headings in this order (most pressing first)
    title: str  # what to do, e.g. "Risk assessment needed"
    url: str
    student_id: int | None = None
    student_name: str = ""
    when: dt.date | dt.datetime | None = None  # due (or since)
    detail: str = ""  # e.g. the leading reason
    badge: str = ""  # a css class for the badge: urgent, high, overdue…

    @property
    def at_time(self) -> bool:
        """Due at a time of day (a referral), not on a day (a follow-up)."""
        return isinstance(self.when, dt.datetime)


# fn(request, scope, today) -> list[ActionItem]: what needs the user's action today.
action_item_providers: list[Callable] = []
# fn(user, today) -> list[ActionItem]: the user's caseload: one item per open case or step
# (a referral assigned to them, a pathway step, a support plan…), grouped by student.
caseload_providers: list[Callable] = []


def _sort_key(item: ActionItem) -> tuple:
    when = item.when
    if isinstance(when, dt.datetime):
        when = when.date()
    return (item.group_order, when or dt.date.max, item.student_name)


def action_items(request, scope, today: dt.date) -> list[ActionItem]:
    found = [item for provider in action_item_providers for item in provider(request, scope, today)]
    return sorted(found, key=_sort_key)


def caseload_items(user, today: dt.date) -> list[ActionItem]:
    found = [item for provider in caseload_providers for item in provider(user, today)]
    return sorted(found, key=_sort_key)


@dataclass(frozen=True)
class TimelineSource:
    """Entries another app adds to a student's timeline (counsellors' view): a filter of its
    own (`key`, `label`) and fn(user, student) -> list[TimelineItem]."""

    key: str
    label: Any
    entries: Callable


@dataclass(frozen=True)
class TimelineItem:
    at: dt.datetime
    template: str  # renders one line; gets `item`
    item: Any


timeline_sources: list[TimelineSource] = []

# fn(user, school) -> list of reports.dashboards.Section: sections other apps add to a
# school's program dashboard (their own indicators, small cells suppressed by them).
school_dashboard_providers: list[Callable] = []


# (order, fn(district, rng, stdout)): steps of `seed_demo`, run in order after the roster.
demo_steps: list[tuple[int, Callable]] = []


def nav_for(scope) -> list[NavItem]:
    items = [item for provider in nav_providers for item in provider(scope)]
    return sorted(items, key=lambda item: item.order)


def panels(providers: list[Callable], *args) -> list[Panel]:
    found = [p for p in (provider(*args) for provider in providers) if p is not None]
    return sorted(found, key=lambda panel: panel.order)


# Signals between domains, called explicitly by the writing service inside its transaction
# (never Django signals): screening → referrals. Each fn gets the saved objects.
# fn(result: ScreeningResult) -> None
screening_result_hooks: list[Callable] = []
# fn(checkins: list[CheckIn]) -> None
checkin_hooks: list[Callable] = []
# voice → referrals: fn(checkin: StudentCheckIn, low_feelings: list[str]) -> None, for a
# student's own check-in (the school's student-voice threshold rules).
voice_checkin_hooks: list[Callable] = []
# referrals → screening, for the crisis steps shown where a concern is raised (rule 4):
# fn(school_id) -> list[OnCallContact] of the school's on-call counsellors, and
# fn(school_id) -> set[str] of the concern tags whose check-in opens an urgent referral.
on_call_providers: list[Callable] = []
urgent_tag_providers: list[Callable] = []
# consent → data owners: fn(*, student, purpose, at) after a denial or withdrawal is recorded.
consent_withdrawn_hooks: list[Callable] = []
# referrals → community, around a referral out to an external provider (issue 17):
# fn(*, referral, provider, now) -> str | None: a reason the refer-out is refused, or None;
# fn(*, referral, provider, by, now) -> None: after it is recorded, in its transaction.
refer_out_checks: list[Callable] = []
refer_out_hooks: list[Callable] = []
# fn(*, referral, outcome) -> str | None: a reason this closing outcome is refused, or None.
close_validators: list[Callable] = []

# API endpoints of other apps, registered in their AppConfig.ready() and served under
# /api/v1/ by schoolwell.api (same authentication, errors, pagination, throttle, schema):
# (prefix, viewset, basename), e.g. ("student-checkins", StudentCheckInViewSet, "student-checkin").
api_routes: list[tuple[str, type, str]] = []
