"""Student self-report: kiosk sessions and single-use links, one question at a time.

The public views (`@login_not_required`) expose nothing but the questionnaire of one
student: no scores, no other student, no navigation into staff pages. A critical answer
shows the student the school's calm message and who will come — never a score (rule 4).
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolwell.roster.selectors import staff_visible_students
from schoolwell.screening.instruments import localized
from schoolwell.screening.models import KioskMode, KioskSession, Respondent, SelfReportAssignment
from schoolwell.screening.selectors import (
    crisis_plan_for,
    device_kiosk,
    kiosk_name,
    selfreport_link_find,
)
from schoolwell.screening.services import (
    ScreeningInputError,
    kiosk_session_end,
    kiosk_session_start,
    selfreport_answer,
    selfreport_finish,
    selfreport_link_claim,
    selfreport_link_create,
)
from schoolwell.screening.services.selfreport import items_to_ask
from schoolwell.screening.views.access import counsels, teaches, window_class_or_404, window_or_404

KIOSK_KEY = "screening_kiosk"
CLAIM_KEY = "screening_link_claim"


def _self_report_window(request, pk: int):
    window = window_or_404(request.user, pk)
    if window.instrument.respondent != Respondent.STUDENT or not window.is_open():
        raise Http404("no self-report in this window")
    return window


# ------------------------------------------------------------------ staff side


@require_POST
def kiosk_start(request, pk: int, class_pk: int):
    """Start a kiosk on this device for chosen students; the device's login ends here."""
    window = _self_report_window(request, pk)
    klass = window_class_or_404(request.user, window, class_pk)
    if not (teaches(request.user, klass) or counsels(request.user, klass.school_id)):
        raise Http404("not your class")
    ids = [int(v) for v in request.POST.getlist("students") if v.isdigit()]
    try:
        session, _refused = kiosk_session_start(
            klass=klass,
            instrument=window.instrument,
            student_ids=ids,
            by=request.user,
            window=window,
        )
    except ScreeningInputError as exc:
        messages.error(request, exc.message)
        return redirect("screening:window_class", window.pk, klass.pk)
    # The device is handed to students: nothing of the staff member's session survives.
    logout(request)
    request.session[KIOSK_KEY] = session.pk
    return redirect("screening:kiosk_home")


@require_POST
def kiosk_end(request, kiosk_pk: int):
    session = get_object_or_404(KioskSession.objects.select_related("klass"), pk=kiosk_pk)
    user = request.user
    if not (teaches(user, session.klass) or counsels(user, session.klass.school_id)):
        raise Http404("not your kiosk")
    stored = kiosk_session_end(session=session, by=user)
    messages.success(
        request,
        _("Kiosk ended. %(n)d unfinished questionnaires were stored as incomplete.")
        % {"n": len(stored)},
    )
    if session.window_id:
        return redirect("screening:window_class", session.window_id, session.klass_id)
    return redirect("screening:index")


@require_POST
def link_create(request, pk: int, student_pk: int):
    """A counsellor makes a single-use link for one student; the token is shown once."""
    window = _self_report_window(request, pk)
    student = get_object_or_404(
        staff_visible_students(request.user).filter(school_id=window.school_id), pk=student_pk
    )
    if not counsels(request.user, student.school_id):
        raise Http404("counsellors only")
    try:
        assignment, token = selfreport_link_create(
            student=student, instrument=window.instrument, by=request.user, window=window
        )
    except ScreeningInputError as exc:
        return render(
            request,
            "screening/link_created.html",
            {"error": exc.message, "window": window},
            status=400,
        )
    url = request.build_absolute_uri(reverse("screening:link_open", args=[token]))
    response = render(
        request,
        "screening/link_created.html",
        {"url": url, "student": student, "assignment": assignment, "window": window},
    )
    response["Cache-Control"] = "no-store"
    return response


# ------------------------------------------------------------------ student side


def _kiosk(request) -> KioskSession | None:
    return device_kiosk(request.session.get(KIOSK_KEY), mode=KioskMode.SCREENING)


@login_not_required
@never_cache
@require_GET
def kiosk_home(request):
    session = _kiosk(request)
    if session is None:
        return render(
            request,
            "screening/kiosk_closed.html",
            status=410 if request.session.get(KIOSK_KEY) else 404,
        )
    pending = [
        (a.pk, kiosk_name(a.student))
        for a in session.assignments.filter(completed_at=None).select_related("student")
    ]
    return render(request, "screening/kiosk_home.html", {"pending": pending})


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def kiosk_questionnaire(request, assignment_pk: int):
    session = _kiosk(request)
    if session is None:
        return render(request, "screening/kiosk_closed.html", status=410)
    assignment = get_object_or_404(
        session.assignments.select_related("student", "instrument", "window", "created_by"),
        pk=assignment_pk,
        completed_at=None,
    )
    return _questionnaire(
        request, assignment, reverse("screening:kiosk_questionnaire", args=[assignment.pk]), True
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def link_open(request, token: str):
    """The link is claimed by a deliberate "Start" (a POST), so a chat or mail program
    fetching the link to preview it cannot use it up before the student opens it."""
    found = selfreport_link_find(token=token)
    if found is None:
        return render(request, "screening/link_closed.html", status=410)
    starting = request.method == "POST" and request.POST.get("action") == "start"
    if not found.claim_hash and not starting:
        return render(request, "screening/link_start.html", {"here": request.path})
    claim = request.session.get(CLAIM_KEY)
    if not claim:
        claim = request.session[CLAIM_KEY] = secrets.token_urlsafe(16)
    assignment = selfreport_link_claim(token=token, claim=claim)
    if assignment is None:
        return render(request, "screening/link_closed.html", status=410)
    if starting:
        return redirect(request.path)
    return _questionnaire(request, assignment, request.path, False)


def _questionnaire(request, assignment: SelfReportAssignment, here: str, on_kiosk: bool):
    """One question at a time, in the student's language; progress saved per answer."""
    student = assignment.student
    with translation.override(student.preferred_language):
        language = student.preferred_language
        inst = assignment.instrument
        items = items_to_ask(inst, assignment.answers)
        error = ""
        if request.method == "POST":
            action = request.POST.get("action", "answer")
            try:
                if action == "finish":
                    result = selfreport_finish(assignment=assignment)
                    return _done(request, assignment, result, on_kiosk, language)
                selfreport_answer(
                    assignment=assignment,
                    item_id=request.POST.get("item", ""),
                    value=None if action == "skip" else request.POST.get("value", ""),
                )
            except ScreeningInputError as exc:
                error = exc.message
            else:
                return redirect(here)
        answered = assignment.answers
        wanted = request.GET.get("q", "")
        index = next((i for i, item in enumerate(items) if item["id"] not in answered), None)
        if wanted.isdigit() and int(wanted) < len(items):
            index = int(wanted)
        context = {
            "student_name": student.preferred_name or student.given_name,
            "instrument": inst,
            "instructions": localized(inst.definition.get("instructions"), language),
            "here": here,
            "total": len(items),
            "answered_count": sum(1 for i in items if i["id"] in answered),
            "on_kiosk": on_kiosk,
            "error": error,
        }
        if index is None:
            return render(request, "screening/questionnaire_review.html", context)
        item = items[index]
        options = inst.definition["option_sets"][item["options"]]
        context.update(
            index=index,
            number=index + 1,
            item=item,
            text=localized(item["text"], language),
            options=[(str(o["value"]), localized(o["label"], language)) for o in options],
            chosen=str(answered.get(item["id"], "")) if item["id"] in answered else None,
            optional=not item["required"],
        )
        return render(
            request, "screening/questionnaire.html", context, status=400 if error else 200
        )


def _done(request, assignment, result, on_kiosk: bool, language: str):
    context = {"on_kiosk": on_kiosk, "critical": bool(result and result.critical)}
    if context["critical"]:
        plan = crisis_plan_for(assignment.student.school)
        context["message"] = localized(plan.student_message, language)
        line = plan.crisis_line
        context["line_name"] = localized(line.get("name"), language)
        context["line_phone"] = line.get("phone", "")
        context["who"] = assignment.created_by.get_full_name() or _("a school counsellor")
    return render(request, "screening/questionnaire_done.html", context)
