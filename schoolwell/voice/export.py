"""Students' own check-ins as an export sheet (reports' export machinery: streamed, one
disclosure row per student included). Counsellors only: the messages are in it."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from schoolwell.accounts.roles import Role
from schoolwell.reports.exports.base import (
    STUDENT_COLUMNS,
    STUDENT_FIELDS,
    ExportKind,
    ExportScope,
    full_name,
    labels_of,
)
from schoolwell.reports.xlsx import CellKind, Column, Table
from schoolwell.voice.models import Channel, Energy, Feeling, Topic, WantsToTalk
from schoolwell.voice.selectors import current_checkins

# Looked up as each cell is written, in the requester's language (not at start-up).
FEELINGS, ENERGY = labels_of(Feeling), labels_of(Energy)
TOPICS, TALK, CHANNELS = labels_of(Topic), labels_of(WantsToTalk), labels_of(Channel)

COLUMNS = [
    Column(_("Date"), CellKind.DATE, width=12),
    *STUDENT_COLUMNS,
    Column(_("Feeling"), width=12, display=FEELINGS),
    Column(_("Energy"), width=10, display=ENERGY),
    Column(_("On their mind"), width=30, definition=_("The topics the student tapped")),
    Column(_("Message"), width=40, definition=_("What the student wrote (counsellors only)")),
    Column(_("Wants to talk"), width=12, display=TALK),
    Column(_("Adult asked for"), width=18, definition=_("The adult the student chose")),
    Column(_("Answered at"), CellKind.DATETIME, width=18),
    Column(_("Way in"), width=12, display=CHANNELS),
]


class StudentCheckInExport(ExportKind):
    code = "student_checkins"
    label = _("Student check-ins")
    description = _("Students' own daily check-ins, with their messages")
    roles = frozenset({Role.COUNSELLOR})
    uses_dates = True

    def tables(self, scope: ExportScope) -> list[Table]:
        checkins = scope.date_range(
            current_checkins().filter(student__in=scope.students), "date"
        ).order_by("date", "student__family_name", "student_id", "pk")
        count = checkins.count()
        rows = (
            checkins.annotate(adult=full_name("trusted_adult"))
            .values_list(
                "student_id",
                "date",
                *STUDENT_FIELDS,
                "feeling",
                "energy",
                "topics",
                "message",
                "wants_to_talk",
                "adult",
                "talk_answered_at",
                "channel",
            )
            .iterator(chunk_size=2000)
        )
        return [Table(str(_("Student check-ins")), COLUMNS, _topics(rows), count, keyed=True)]


def _topics(rows) -> Iterator[tuple]:
    for row in rows:
        head, topics, tail = row[:8], row[8], row[9:]
        yield (*head, ", ".join(TOPICS(t) for t in topics or []), *tail)
