"""Staff pages of student voice: today's class, the class kiosk, check-in cards, a
request to talk, and the school's settings."""

from __future__ import annotations

import base64

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolwell.accounts import gate
from schoolwell.audit.models import AccessLog
from schoolwell.audit.services import access_log_record, access_log_record_many
from schoolwell.roster.models import Student
from schoolwell.screening.models import KioskMode, KioskSession
from schoolwell.voice import selectors
from schoolwell.voice.forms import VoiceSettingsForm
from schoolwell.voice.services import (
    VoiceError,
    checkin_link_create,
    checkin_link_revoke,
    checkin_links_create_for_class,
    settings_for,
    talk_request_answer,
    voice_kiosk_end,
    voice_kiosk_start,
    voice_settings_update,
)
from schoolwell.voice.student_views import KIOSK_KEY

# Disclosure codes (audit.texts shows them in the reader's language through the catalogues).
WHAT_CLASS = gettext_noop("student check-ins (class)")
WHAT_TALK = gettext_noop("request to talk")


def _staff_only(user) -> None:
    if not (gate.may(user, "class.teach") or gate.may(user, "school.view")):
        raise Http404("staff only")


def _class_or_404(user, pk: int):
    return get_object_or_404(gate.classes(user, "class.view").select_related("school"), pk=pk)


@require_GET
def index(request):
    """The classes the user can run check-ins for, and today's requests to talk."""
    _staff_only(request.user)
    today = timezone.localdate()
    classes = (
        gate.classes(request.user, "class.view")
        .select_related("school")
        .order_by("school__name", "title")[:200]
    )
    return render(
        request,
        "voice/index.html",
        {
            "classes": classes,
            "requests": selectors.talk_requests(user=request.user, day=today)[:50],
            "settings_schools": gate.schools(request.user, "voice.settings"),
        },
    )


@require_GET
def class_today(request, class_pk: int):
    """Today's class at a glance: who checked in, how they feel, who wants to talk."""
    klass = _class_or_404(request.user, class_pk)
    today = timezone.localdate()
    rows = selectors.class_day(user=request.user, klass=klass, day=today)
    settings = settings_for(klass.school_id)
    reads = selectors.reads_messages(
        request.user, school_id=klass.school_id, klass=klass, settings=settings
    )
    checked = [r for r in rows if r.checkin]
    access_log_record_many(
        user=request.user,
        students=[r.student for r in checked],
        what=WHAT_CLASS,
        request=request,
        action=AccessLog.Action.VIEW,
    )
    kiosks = KioskSession.objects.filter(
        klass=klass, mode=KioskMode.VOICE, ended_at=None, expires_at__gt=timezone.now()
    )
    return render(
        request,
        "voice/class_today.html",
        {
            "klass": klass,
            "rows": rows,
            "today": today,
            "reads": reads,
            "low": set(settings.low_feelings),
            "checked": len(checked),
            "wanting": sum(1 for r in checked if r.checkin.wants_to_talk == "today"),
            "kiosks": list(kiosks),
            "may_kiosk": gate.may(request.user, "class.teach", klass)
            or gate.may(request.user, "school.counsel", klass),
        },
    )


@require_POST
def kiosk_start(request, class_pk: int):
    """Start a check-in kiosk for the class on this device; the device's login ends here."""
    klass = _class_or_404(request.user, class_pk)
    try:
        session = voice_kiosk_start(klass=klass, by=request.user)
    except VoiceError as exc:
        messages.error(request, exc.message)
        return redirect("voice:class_today", klass.pk)
    # The device is handed to students: nothing of the staff member's session survives.
    logout(request)
    request.session[KIOSK_KEY] = session.pk
    return redirect("voice:kiosk_home")


@require_POST
def kiosk_end(request, kiosk_pk: int):
    kiosk = get_object_or_404(
        KioskSession.objects.select_related("klass").filter(
            klass__in=gate.classes(request.user, "class.view"), mode=KioskMode.VOICE
        ),
        pk=kiosk_pk,
    )
    voice_kiosk_end(kiosk=kiosk, by=request.user)
    messages.success(request, _("Kiosk ended."))
    return redirect("voice:class_today", kiosk.klass_id)


def _qr(url: str) -> str:
    """The QR code as an inline SVG data URI (CSP allows data: images, not inline markup)."""
    svg = segno.make(url, error="m").svg_inline(scale=4, omitsize=False)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@require_http_methods(["GET", "POST"])
def class_cards(request, class_pk: int):
    """Printable QR cards for the class: making them replaces each student's old link."""
    klass = _class_or_404(request.user, class_pk)
    if request.method == "GET":
        return render(request, "voice/cards_confirm.html", {"klass": klass})
    cards = checkin_links_create_for_class(klass=klass, by=request.user)
    shown = []
    for student, token in cards:
        url = request.build_absolute_uri(reverse("voice:link_open", args=[token]))
        shown.append({"student": student, "url": url, "qr": _qr(url)})
    response = render(request, "voice/cards.html", {"klass": klass, "cards": shown})
    response["Cache-Control"] = "no-store"
    return response


def _student_for_links(user, pk: int) -> Student:
    return get_object_or_404(gate.students(user, "voice.links"), pk=pk)


@require_POST
def link_create(request, student_pk: int):
    student = _student_for_links(request.user, student_pk)
    _link, token = checkin_link_create(student=student, by=request.user)
    url = request.build_absolute_uri(reverse("voice:link_open", args=[token]))
    response = render(
        request,
        "voice/cards.html",
        {"cards": [{"student": student, "url": url, "qr": _qr(url)}], "klass": None},
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def link_revoke(request, student_pk: int):
    student = _student_for_links(request.user, student_pk)
    revoked = checkin_link_revoke(student=student, by=request.user)
    if revoked:
        messages.success(request, _("The student's check-in link no longer works."))
    else:
        messages.info(request, _("The student had no check-in link."))
    return redirect("roster:student_detail", student.pk)


@require_http_methods(["GET", "POST"])
def talk(request, pk: int):
    """A student's request to talk: for the adult they chose and the counsellors."""
    checkin = selectors.talk_request(user=request.user, pk=pk)
    if checkin is None:
        raise Http404("not yours")
    if request.method == "POST":
        talk_request_answer(checkin=checkin, by=request.user)
        messages.success(request, _("Thank you. The request is marked as answered."))
        return redirect("voice:talk", checkin.pk)
    access_log_record(user=request.user, student=checkin.student, what=WHAT_TALK, request=request)
    settings = settings_for(checkin.school_id)
    reads = selectors.reads_messages(
        request.user, school_id=checkin.school_id, klass=checkin.klass, settings=settings
    )
    return render(request, "voice/talk.html", {"c": checkin, "reads": reads})


@require_http_methods(["GET", "POST"])
def school_settings(request, school_pk: int):
    school = get_object_or_404(gate.schools(request.user, "voice.settings"), pk=school_pk)
    current = settings_for(school.pk)
    form = VoiceSettingsForm(
        request.POST or None,
        initial={
            "low_feelings": current.low_feelings,
            "message_audience": current.message_audience,
        },
    )
    if request.method == "POST":
        if form.is_valid():
            voice_settings_update(
                school=school,
                by=request.user,
                low_feelings=form.cleaned_data["low_feelings"],
                message_audience=form.cleaned_data["message_audience"],
            )
            messages.success(request, _("Check-in settings saved."))
            return redirect("voice:settings", school.pk)
        return render(request, "voice/settings.html", {"school": school, "form": form}, status=400)
    return render(request, "voice/settings.html", {"school": school, "form": form})
