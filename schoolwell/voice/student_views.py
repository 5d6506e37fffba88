"""The student's side (`@login_not_required`): the class kiosk and the personal link.

Each page shows one student's check-in and nothing else: no other student, no staff page,
no consent state (a student without consent sees the same neutral message as a closed
link would give), never a score or "flagged". In the student's own language.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from schoolwell.roster.models import Student
from schoolwell.screening.instruments import localized
from schoolwell.screening.models import KioskMode, KioskSession
from schoolwell.screening.selectors import crisis_plan_for, device_kiosk, kiosk_name
from schoolwell.voice import content
from schoolwell.voice.forms import CheckInForm
from schoolwell.voice.models import Channel, StudentCheckIn
from schoolwell.voice.services import (
    VoiceError,
    VoiceForbidden,
    checkin_allowed,
    checkin_link_find,
    student_checkin_record,
    trusted_adults,
)

KIOSK_KEY = "voice_kiosk"
BACK_KEY = "voice_back"


def _kiosk(request) -> KioskSession | None:
    return device_kiosk(request.session.get(KIOSK_KEY), mode=KioskMode.VOICE)


def _closed(request, status: int):
    return render(request, "voice/closed.html", status=status)


@login_not_required
@never_cache
@require_GET
def kiosk_home(request):
    session = _kiosk(request)
    if session is None:
        return _closed(request, 410 if request.session.get(KIOSK_KEY) else 404)
    from schoolwell.roster.selectors import class_roster

    roster = list(class_roster(session.klass))
    done = set(
        StudentCheckIn.objects.filter(
            student__in=roster, date=timezone.localdate(), current=True
        ).values_list("student_id", flat=True)
    )
    names = [(s.pk, kiosk_name(s), s.pk in done) for s in roster]
    request.session[BACK_KEY] = reverse("voice:kiosk_home")
    return render(request, "voice/kiosk_home.html", {"names": names})


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def kiosk_checkin(request, student_pk: int):
    session = _kiosk(request)
    if session is None:
        return _closed(request, 410)
    from schoolwell.roster.selectors import class_roster

    student = get_object_or_404(class_roster(session.klass).select_related("school"), pk=student_pk)
    return _checkin(request, student, Channel.KIOSK, kiosk=session)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def link_open(request, token: str):
    """The personal link reaches this student's check-in, nothing else."""
    link = checkin_link_find(token=token)
    if link is None:
        return _closed(request, 404)
    request.session[BACK_KEY] = request.path
    return _checkin(request, link.student, Channel.LINK)


def _checkin(request, student: Student, channel: str, *, kiosk=None):
    language = student.preferred_language or "en"
    with translation.override(language):
        if not checkin_allowed([student]).get(student.pk):
            # No consent in effect: the same neutral words whatever the reason.
            return render(request, "voice/not_open.html", {"on_kiosk": kiosk is not None})
        adults = trusted_adults(student)
        form = CheckInForm(request.POST or None, student=student, adults=adults)
        error = ""
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                outcome = student_checkin_record(
                    student=student,
                    feeling=data["feeling"],
                    energy=data["energy"],
                    topics=data["topics"],
                    message=data["message"],
                    wants_to_talk=data["wants_to_talk"],
                    trusted_adult_id=data["trusted_adult"],
                    channel=channel,
                    kiosk=kiosk,
                    klass=kiosk.klass if kiosk else None,
                )
            except VoiceForbidden:
                return render(request, "voice/not_open.html", {"on_kiosk": kiosk is not None})
            except VoiceError as exc:
                error = exc.message
            else:
                return _done(request, student, outcome, language, kiosk is not None)
        status = 400 if request.method == "POST" else 200
        return render(
            request,
            "voice/checkin.html",
            {
                "form": form,
                "error": error,
                "name": student.preferred_name or student.given_name,
                "here": request.path,
                "on_kiosk": kiosk is not None,
            },
            status=status,
        )


def _done(request, student, outcome, language: str, on_kiosk: bool):
    context = {
        "on_kiosk": on_kiosk,
        "crisis": outcome.crisis,
        "skill": outcome.skill.in_language(language),
        "language": language,
        "wants": outcome.checkin.wants_to_talk,
    }
    adult = outcome.checkin.trusted_adult
    if adult is not None:
        context["adult_name"] = adult.get_full_name() or adult.username
    if outcome.crisis:
        plan = crisis_plan_for(student.school)
        context["message"] = localized(plan.student_message, language)
        line = plan.crisis_line or {}
        context["line_name"] = localized(line.get("name"), language)
        context["line_phone"] = line.get("phone", "")
    return render(request, "voice/done.html", context)


@login_not_required
@never_cache
@require_GET
def skill(request, slug: str):
    """ "Try it now": one coping skill's steps. Shared content, no student data."""
    found = content.coping_skills().get(slug)
    if found is None:
        raise Http404("no such skill")
    language = request.GET.get("lang", "")
    if language not in content.LANGUAGES:
        language = translation.get_language() or "en"
        language = language if language in content.LANGUAGES else "en"
    back = request.session.get(BACK_KEY, "")
    # Only our own student pages: never an address someone else put in the session.
    if not back.startswith("/voice/"):
        back = ""
    with translation.override(language):
        return render(
            request, "voice/skill.html", {"skill": found.in_language(language), "back": back}
        )
