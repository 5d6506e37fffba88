"""The teacher-rated grid (SRSS-IE, PSC-17): a whole class on one screen, drafts kept
server-side as the teacher goes, submitted in one request."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from schoolwell.core.input import InputRejected, parse_json
from schoolwell.screening.instruments import localized
from schoolwell.screening.models import GridDraft, Respondent
from schoolwell.screening.selectors import Status, class_window_status
from schoolwell.screening.services import (
    ScreeningInputError,
    grid_draft_save,
    screening_results_record_class,
)
from schoolwell.screening.views.access import teaches, window_class_or_404, window_or_404

MAX_DRAFT_BYTES = 200_000


def _grid_target(request, pk: int, class_pk: int):
    """Only the class's teachers rate it, only while a teacher-rated window is open."""
    window = window_or_404(request.user, pk)
    klass = window_class_or_404(request.user, window, class_pk)
    if not teaches(request.user, klass):
        raise Http404("not your class")
    if window.instrument.respondent != Respondent.TEACHER or not window.is_open():
        raise Http404("no rating in this window")
    return window, klass


def _posted(post, roster_ids) -> dict[int, dict[str, str]]:
    answers: dict[int, dict[str, str]] = {}
    for key, value in post.items():
        if key.startswith("a-"):
            sid, _sep, item = key[2:].partition("-")
            if sid.isdigit() and int(sid) in roster_ids:
                answers.setdefault(int(sid), {})[item] = value
    return answers


@require_http_methods(["GET", "POST"])
def grid(request, pk: int, class_pk: int):
    window, klass = _grid_target(request, pk, class_pk)
    rows = class_window_status(klass=klass, window=window)
    rateable = {r.student.pk for r in rows if r.status in (Status.DUE, Status.ABSENT)}
    errors, status = {}, 200
    if request.method == "POST":
        # Every roster row is passed on, so a locked row posted anyway gets a clear error.
        answers = _posted(request.POST, {r.student.pk for r in rows})
        try:
            saved = screening_results_record_class(
                klass=klass, window=window, by=request.user, answers=answers
            )
        except ScreeningInputError as exc:
            errors = exc.errors or {"": exc.message}
            status = 400
            values = {str(sid): row for sid, row in answers.items()}
        else:
            messages.success(request, _("Saved ratings for %(n)d students.") % {"n": len(saved)})
            return redirect("screening:window_class", window.pk, klass.pk)
    else:
        draft = GridDraft.objects.filter(teacher=request.user, klass=klass, window=window).first()
        values = draft.answers if draft else {}
    definition = window.instrument.definition
    language = request.LANGUAGE_CODE
    option_sets = {
        name: [(str(o["value"]), localized(o["label"], language)) for o in opts]
        for name, opts in definition["option_sets"].items()
    }
    items = [
        {
            "id": i["id"],
            "text": localized(i["text"], language),
            "options": option_sets[i["options"]],
        }
        for i in definition["items"]
    ]
    grid_rows = [
        {
            "row": r,
            "open": r.student.pk in rateable,
            "values": values.get(str(r.student.pk), {}),
            "error": errors.get(r.student.pk),
        }
        for r in rows
    ]
    return render(
        request,
        "screening/grid.html",
        {
            "window": window,
            "klass": klass,
            "items": items,
            "legend": next(iter(option_sets.values())),
            "grid_rows": grid_rows,
            "form_error": errors.get(""),
            "has_errors": bool(errors),
        },
        status=status,
    )


@require_POST
def grid_draft(request, pk: int, class_pk: int):
    """Called by grid.js after each change (debounced): the grid so far, as JSON."""
    window, klass = _grid_target(request, pk, class_pk)
    if len(request.body) > MAX_DRAFT_BYTES:
        return JsonResponse({"error": _("The draft is too large.")}, status=413)
    try:
        answers = parse_json(request.body, max_bytes=MAX_DRAFT_BYTES)["answers"]
        if not isinstance(answers, dict):
            raise ValueError
    except InputRejected as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": _("The draft could not be read.")}, status=400)
    try:
        draft = grid_draft_save(teacher=request.user, klass=klass, window=window, answers=answers)
    except ScreeningInputError as exc:
        return JsonResponse({"error": exc.message}, status=400)
    return JsonResponse({"saved_at": draft.updated_at.isoformat()})
