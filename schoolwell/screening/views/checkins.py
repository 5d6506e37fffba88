"""The teacher's whole-class check-in: one page, one request, one check-in per student."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods

from schoolwell.audit.services import access_log_record_many
from schoolwell.roster.selectors import class_roster, taught_classes
from schoolwell.screening.crisis import crisis_card, urgent_concern_tags
from schoolwell.screening.models.checkins import NOTE_MAX, Wellbeing
from schoolwell.screening.selectors import checkin_sheet, concern_tags_for
from schoolwell.screening.services import CheckInEntry, ScreeningInputError, checkins_record

CORRECTION_DAYS = 7
# Marks the "saved" message of a save with concern tags, with the ids of those students:
# the page it redirects to decides whether to lead with the crisis steps (rule 4). Carried
# by the (signed) message rather than the session, so a save costs no extra query.
TAGGED = "checkin-tagged:"


def _day(request) -> dt.date:
    """Today, or an earlier day within a week for a correction; anything else is a 404."""
    raw = request.POST.get("date") or request.GET.get("date")
    today = timezone.localdate()
    if not raw:
        return today
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise Http404("bad date") from exc
    if not today - dt.timedelta(days=CORRECTION_DAYS) <= day <= today:
        raise Http404("date out of range")
    return day


def _entries(post, student_ids) -> tuple[list[CheckInEntry], dict]:
    entries, errors = [], {}
    for sid in student_ids:
        rating = post.get(f"w-{sid}", "")
        entry = CheckInEntry(
            student_id=sid,
            tags=post.getlist(f"tags-{sid}"),
            note=post.get(f"note-{sid}", ""),
        )
        if rating == "absent":
            entry.absent = True
        elif rating.isdigit():
            entry.wellbeing = int(rating)
        elif rating:
            errors[sid] = _("wellbeing must be 1 to 5")
        entries.append(entry)
    return entries, errors


@require_http_methods(["GET", "POST"])
def checkin_class(request, class_pk: int):
    """Only the class's own teachers (rule: check-ins are the teacher's observation)."""
    klass = get_object_or_404(taught_classes(request.user).select_related("school"), pk=class_pk)
    day = _day(request)
    errors, status = {}, 200
    # A save reads the roster once and hands it to the service; the day's check-ins are read
    # only to show the page (hot path: a whole class saved in at most 10 queries).
    roster = list(class_roster(klass))
    if request.method == "POST":
        entries, errors = _entries(request.POST, [s.pk for s in roster])
        if not errors:
            try:
                saved = checkins_record(
                    klass=klass, teacher=request.user, date=day, entries=entries, roster=roster
                )
            except ScreeningInputError as exc:
                errors = exc.errors or {"": exc.message}
            except IntegrityError:
                # The same check-in was saved from another tab at this very moment.
                errors = {"": _("This check-in was just saved elsewhere: reload and try again.")}
            else:
                tagged = sorted({c.student_id for c in saved if c.tags})
                messages.success(
                    request,
                    _("Check-in saved (%(n)d changed).") % {"n": len(saved)},
                    extra_tags=TAGGED + ",".join(map(str, tagged)) if tagged else "",
                )
                target = (
                    f"{request.path}?date={day.isoformat()}"
                    if day != timezone.localdate()
                    else request.path
                )
                return redirect(target)
        status = 400
    sheet = checkin_sheet(teacher=request.user, klass=klass, date=day, roster=roster)
    if request.method != "POST":
        access_log_record_many(
            user=request.user,
            students=[s for s, c in sheet if c is not None],
            what=gettext_noop("class check-in"),
            request=request,
            action="view",
        )
    language = request.LANGUAGE_CODE
    notices, flagged = _saved_messages(request)
    crisis, crisis_students = None, []
    if flagged:
        urgent = urgent_concern_tags(klass.school_id)
        # Only this teacher's own check-ins of their own class (the sheet): nothing more.
        crisis_students = [
            student
            for student, checkin in sheet
            if student.pk in flagged and checkin and urgent & set(checkin.tags)
        ]
        if crisis_students:
            crisis = crisis_card(school=klass.school, language=language)
    tags = [(t.code, t.label_in(language)) for t in concern_tags_for(klass.school_id)]
    rows = []
    for student, checkin in sheet:
        if request.method == "POST":
            rating = request.POST.get(f"w-{student.pk}", "")
            chosen = set(request.POST.getlist(f"tags-{student.pk}"))
            note = request.POST.get(f"note-{student.pk}", "")
        else:
            rating = (
                ("absent" if checkin.absent else str(checkin.wellbeing or "")) if checkin else ""
            )
            chosen = set(checkin.tags) if checkin else set()
            note = checkin.note if checkin else ""
        rows.append(
            {
                "student": student,
                "rating": rating,
                "tags": chosen,
                "note": note,
                "saved": checkin is not None,
                "error": errors.get(student.pk),
            }
        )
    context = {
        "klass": klass,
        "day": day,
        "is_today": day == timezone.localdate(),
        "rows": rows,
        # As the posted values read (text) and in words once, not a translation per cell.
        "scale": [(str(value), str(label)) for value, label in Wellbeing.choices],
        "tags": tags,
        "note_max": NOTE_MAX,
        "form_error": errors.get("") or errors.get("date"),
        "has_errors": bool(errors),
        "crisis": crisis,
        "crisis_students": crisis_students,
        "notices": notices,
        # This page shows the messages itself, after the crisis steps when there are any.
        "messages": [],
    }
    return render(request, "screening/checkin_class.html", context, status=status)


def _saved_messages(request) -> tuple[list[tuple[str, str]], set[int]]:
    """The pending messages as (level, text), and the students a save tagged with concerns."""
    notices, flagged = [], set()
    for message in messages.get_messages(request):
        for tag in (message.extra_tags or "").split():
            if tag.startswith(TAGGED):
                flagged |= {int(pk) for pk in tag[len(TAGGED) :].split(",") if pk.isdigit()}
        notices.append((message.level_tag, str(message)))
    return notices, flagged
