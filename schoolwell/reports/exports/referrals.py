"""The referral log with response times: to first action (claim), to close, against due.

Counsellors and administrators, through `referrals.selectors.staff_referrals` (the same
scope as the queue). Events carry kinds and actors only, never a note's content.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from schoolwell.referrals.models import Priority, ReferralEvent, ReferralReason, Source, Status
from schoolwell.referrals.selectors import staff_referrals
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

PRIORITIES = labels_of(Priority)
STATUSES = labels_of(Status)
SOURCES = labels_of(Source)
EVENT_KINDS = labels_of(ReferralEvent.Kind)


def _outcome(code: str) -> str:
    from schoolwell.referrals import content

    return content.outcome_label(code)


REFERRAL_COLUMNS = [
    Column(_("Referral"), CellKind.INT, width=9),
    *STUDENT_COLUMNS,
    Column(_("School"), width=22),
    Column(_("Source"), width=16, display=SOURCES),
    Column(_("Priority"), width=10, display=PRIORITIES),
    Column(_("Status"), width=14, display=STATUSES),
    Column(_("Assignee"), width=16, definition=_("Full name (the username if none is recorded)")),
    Column(pgettext_lazy("date opened", "Opened"), CellKind.DATETIME, width=18),
    Column(_("Due"), CellKind.DATETIME, width=18),
    Column(_("First action (claimed)"), CellKind.DATETIME, width=18),
    Column(pgettext_lazy("date closed", "Closed"), CellKind.DATETIME, width=18),
    Column(_("Outcome"), width=18, display=_outcome),
    Column(
        _("Reasons"), CellKind.INT, width=9, definition=_("Triggers (rules or concerns) merged")
    ),
    Column(_("Hours to first action"), CellKind.FLOAT, width=10, definition=_("Claimed − opened")),
    Column(_("Hours allowed"), CellKind.FLOAT, width=10, definition=_("Due − opened")),
    Column(
        _("First action on time"),
        CellKind.BOOL,
        width=10,
        definition=_("Claimed by the due time; blank while unclaimed and not yet due"),
    ),
    Column(_("Hours to close"), CellKind.FLOAT, width=10, definition=_("Closed − opened")),
    Column(
        _("Overdue now"),
        CellKind.BOOL,
        width=10,
        definition=_("Open past its due time (as the queue)"),
    ),
]

EVENT_COLUMNS = [
    Column(_("Referral"), CellKind.INT, width=9),
    Column(_("At"), CellKind.DATETIME, width=18),
    Column(_("Event"), width=22, display=EVENT_KINDS),
    Column(
        _("What happened"), width=50, definition=_("The event in words, as on the referral page")
    ),
    Column(_("By"), width=16, definition=_("Full name; blank when the system acted")),
]


REASON_COLUMNS = [
    Column(_("Referral"), CellKind.INT, width=9),
    Column(_("Added"), CellKind.DATETIME, width=18),
    Column(_("Priority"), width=10, display=PRIORITIES),
    Column(
        _("Reason"),
        width=60,
        definition=_("What fired or was raised, in words (no teacher's note)"),
    ),
]


def _reason_rows(rows) -> Iterator[tuple]:
    """Each reason in words, through the one renderer the pages use (referrals.texts)."""
    from types import SimpleNamespace

    from schoolwell.referrals import texts

    for student_id, referral_id, at, priority, code, params, summary, *who in rows:
        first, last, username = who
        # A teacher's concern names the teacher, as on the referral page.
        raised_by = (
            SimpleNamespace(get_full_name=f"{first} {last}".strip, username=username)
            if username
            else None
        )
        reason = SimpleNamespace(code=code, params=params, summary=summary, raised_by=raised_by)
        yield student_id, referral_id, at, priority, texts.reason_text(reason)


def _event_rows(events) -> Iterator[tuple]:
    """Each event with its words from `referrals.texts.event_text` (the referral page's), the
    referral's reasons read once per chunk of events for the "reason added" ones."""
    from schoolwell.referrals import texts

    chunk = events.select_related("referral", "actor").prefetch_related(
        Prefetch("referral__reasons", queryset=ReferralReason.objects.select_related("raised_by"))
    )
    for event in chunk.iterator(chunk_size=2000):
        actor = event.actor
        yield (
            event.referral.student_id,
            event.referral_id,
            event.at,
            event.kind,
            _event_words(texts, event),
            (actor.get_full_name() or actor.username) if actor else None,
        )


def _event_words(texts, event) -> str:
    """The event in words; one without the data its kind says in words (written by hand,
    or before events carried codes) shows its kind, rather than failing the whole export."""
    try:
        return texts.event_text(event)
    except (KeyError, TypeError, ValueError):
        return str(event.get_kind_display())


def hours(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 3600, 2)


def on_time(claimed: dt.datetime | None, due: dt.datetime, now: dt.datetime) -> bool | None:
    if claimed is not None:
        return claimed <= due
    return False if now > due else None


class ReferralExport(ExportKind):
    code = "referrals"
    label = _("Referral log")
    description = _("Referrals with response times, and their events (no note content)")
    roles = STUDENT_SUPPORT_ROLES
    uses_dates = True

    def tables(self, scope: ExportScope) -> list[Table]:
        from django.db.models import Count

        referrals = scope.date_range(
            staff_referrals(scope.user).filter(student__in=scope.students),
            "opened_at",
            moment=True,
        )
        ordered = referrals.annotate(n_reasons=Count("reasons")).order_by("opened_at", "pk")
        rows = ordered.values_list(
            "student_id",
            "pk",
            *STUDENT_FIELDS,
            "school__name",
            "source",
            "priority",
            "status",
            full_name("assignee"),
            "opened_at",
            "due_at",
            "claimed_at",
            "closed_at",
            "outcome",
            "n_reasons",
        ).iterator(chunk_size=2000)
        events = ReferralEvent.objects.filter(referral__in=referrals).order_by(
            "referral_id", "at", "pk"
        )
        reasons = ReferralReason.objects.filter(referral__in=referrals).order_by(
            "referral_id", "created_at", "pk"
        )
        reason_rows = reasons.values_list(
            "referral__student_id",
            "referral_id",
            "created_at",
            "priority",
            "code",
            "params",
            "summary",
            "raised_by__first_name",
            "raised_by__last_name",
            "raised_by__username",
        ).iterator(chunk_size=2000)
        return [
            Table(
                str(_("Referrals")),
                REFERRAL_COLUMNS,
                self._rows(rows),
                referrals.count(),
                keyed=True,
            ),
            Table(str(_("Events")), EVENT_COLUMNS, _event_rows(events), events.count(), keyed=True),
            Table(
                str(_("Reasons")),
                REASON_COLUMNS,
                _reason_rows(reason_rows),
                reasons.count(),
                keyed=True,
            ),
        ]

    def _rows(self, rows) -> Iterator[tuple]:
        now = timezone.now()
        for row in rows:
            opened, due, claimed, closed = row[11:15]
            yield (
                *row,
                hours(opened, claimed),
                hours(opened, due),
                on_time(claimed, due, now),
                hours(opened, closed),
                row[9] != Status.CLOSED and due < now,
            )
