"""Whole-class check-ins: one request, a constant number of queries, history on correction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwell.core.bulk import rows_update
from schoolwell.core.registry import checkin_hooks
from schoolwell.roster.models import Class, Student
from schoolwell.roster.selectors import class_roster
from schoolwell.screening.models import CheckIn, CheckInRevision, ConcernTag
from schoolwell.screening.models.checkins import NOTE_MAX
from schoolwell.screening.services.errors import ScreeningInputError

FIELDS = ("wellbeing", "absent", "tags", "note")


@dataclass
class CheckInEntry:
    student_id: int
    wellbeing: int | None = None
    absent: bool = False
    tags: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def is_blank(self) -> bool:
        return self.wellbeing is None and not self.absent and not self.tags and not self.note


def _tag_codes(school_id: int) -> set[str]:
    # A school's own tag overrides the district default with the same code.
    rows = ConcernTag.objects.filter(Q(school=None) | Q(school_id=school_id)).values_list(
        "code", "active", "school_id"
    )
    active: dict[str, bool] = {}
    for code, is_active, _school in sorted(rows, key=lambda r: r[2] is not None):
        active[code] = is_active
    return {code for code, is_active in active.items() if is_active}


def _validate(entries: list[CheckInEntry], roster_ids: set[int], tags: set[str], date) -> None:
    errors: dict = {}
    if date > timezone.localdate():
        errors["date"] = _("A check-in cannot be dated in the future.")
    for entry in entries:
        problems = []
        if entry.student_id not in roster_ids:
            problems.append(_("not a student of this class"))
        if entry.wellbeing is not None and entry.wellbeing not in range(1, 6):
            problems.append(_("wellbeing must be 1 to 5"))
        if entry.absent and entry.wellbeing is not None:
            problems.append(_("an absent student has no wellbeing rating"))
        unknown = sorted(set(entry.tags) - tags)
        if unknown:
            problems.append(_("unknown concern tags: %s") % ", ".join(unknown))
        if len(entry.note) > NOTE_MAX:
            problems.append(_("the note is longer than %d characters") % NOTE_MAX)
        if "\x00" in entry.note:  # PostgreSQL text cannot hold NUL (rule 9: a 400, not a 500)
            problems.append(_("the note has a character that cannot be saved"))
        if problems:
            errors[entry.student_id] = "; ".join(problems)
    if errors:
        raise ScreeningInputError(_("Nothing was saved: please correct the marked rows."), errors)


def checkins_record(
    *,
    klass: Class,
    teacher,
    date: dt.date,
    entries: list[CheckInEntry],
    roster: list[Student] | None = None,
) -> list[CheckIn]:
    """Record a teacher's check-ins for a class on one day; return those created or changed.

    Blank entries are skipped. A second save the same day corrects the teacher's check-in
    and keeps the earlier values as a CheckInRevision. Any bad entry: nothing is saved.
    `roster`: the class roster (`class_roster`) as the caller just read it for the form, so
    a save does not read it again; the saved check-ins carry these students to the hooks.
    """
    if roster is None:
        roster = list(class_roster(klass))
    students = {s.pk: s for s in roster}
    # Concern tags are read only when a row has some (most saves have none).
    tags = _tag_codes(klass.school_id) if any(e.tags for e in entries) else set()
    _validate(entries, set(students), tags, date)
    wanted = {e.student_id: e for e in entries if not e.is_blank}
    with transaction.atomic():
        existing = {
            c.student_id: c
            for c in CheckIn.objects.select_for_update()
            .filter(teacher=teacher, date=date, student_id__in=wanted)
            # Locked in one order by every save (no deadlock), without the default
            # ordering's join to the students.
            .order_by("student_id")
        }
        created, changed, revisions = [], [], []
        # One moment and only the columns that changed: the UPDATE then has a CASE arm per
        # distinct value of those columns (rows_update), usually five wellbeing values.
        now, columns = timezone.now(), set()
        for student_id, entry in wanted.items():
            values = {
                "wellbeing": entry.wellbeing,
                "absent": entry.absent,
                "tags": sorted(set(entry.tags)),
                "note": entry.note.strip(),
            }
            current = existing.get(student_id)
            if current is None:
                created.append(
                    CheckIn(
                        student=students[student_id],
                        teacher=teacher,
                        klass=klass,
                        date=date,
                        **values,
                    )
                )
            elif different := {f for f in FIELDS if getattr(current, f) != values[f]}:
                columns |= different
                revisions.append(
                    CheckInRevision(
                        checkin=current,
                        changed_by=teacher,
                        **{f: getattr(current, f) for f in FIELDS},
                    )
                )
                for name, value in values.items():
                    setattr(current, name, value)
                current.updated_at = now
                current.student = students[student_id]  # the same row: spares the hooks a read
                changed.append(current)
        CheckIn.objects.bulk_create(created)
        if changed:
            rows_update(changed, [*sorted(columns), "updated_at"])
            CheckInRevision.objects.bulk_create(revisions)
        saved = created + changed
        if saved:
            for hook in checkin_hooks:
                hook(saved)
    return saved
