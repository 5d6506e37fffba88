"""The parent portal: a guardian's children, their consent requests, decisions, history.

Every lookup starts from `guardian_children(user)`: another family's child is a 404 and
nothing is written (rule 9).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolwell.accounts import gate
from schoolwell.consent import services
from schoolwell.consent.models import Channel, ConsentForm, Decision
from schoolwell.consent.selectors import consent_history, guardian_consents
from schoolwell.consent.views.common import guardian_language, refused
from schoolwell.core import registry
from schoolwell.roster.selectors import guardian_children


@require_GET
@guardian_language
def portal(request):
    if not gate.may(request.user, "student.guard"):
        if gate.may(request.user, "consent.manage"):
            return redirect("consent:coverage")
        raise Http404
    return render(request, "consent/portal.html", {"children": guardian_consents(request.user)})


def _child_request(request, student_id: int, form_id: int):
    """The guardian's child and a current form of theirs, or 404."""
    entries = guardian_consents(request.user, student_id=student_id)
    if not entries:
        raise Http404
    entry = entries[0]
    for item in entry.requests:
        if item.form.pk == form_id:
            return entry, item
    raise Http404


@require_GET
@guardian_language
def child(request, student_id: int):
    entries = guardian_consents(request.user, student_id=student_id)
    if not entries:
        raise Http404
    history = consent_history(entries[0].student)
    panels = registry.panels(registry.guardian_child_panel_providers, request, entries[0].student)
    return render(
        request,
        "consent/child.html",
        {"entry": entries[0], "history": history, "panels": panels},
    )


@require_GET
@guardian_language
def form_detail(request, student_id: int, form_id: int):
    """The full text of a form in the guardian's language, with the decision buttons when
    it is the current version (earlier versions stay readable: what was agreed to)."""
    student = get_object_or_404(guardian_children(request.user), pk=student_id)
    form = get_object_or_404(
        ConsentForm.objects.filter(school_id=student.school_id, published_at__isnull=False),
        pk=form_id,
    )
    item = None
    entries = guardian_consents(request.user, student_id=student.pk)
    for candidate in entries[0].requests if entries else []:
        if candidate.form.pk == form.pk:
            item = candidate
    return render(
        request,
        "consent/form.html",
        {"student": student, "form": form, "text": form.text(), "item": item},
    )


@require_POST
@guardian_language
def decide(request, student_id: int, form_id: int):
    entry, item = _child_request(request, student_id, form_id)
    choice = request.POST.get("decision")
    service = {Decision.GRANTED: services.consent_grant, Decision.DENIED: services.consent_deny}
    back = reverse("consent:child", args=[entry.student.pk])
    if choice not in service:
        return refused(
            request,
            ValidationError(_("Please choose to give or not give permission.")),
            back=back,
        )
    try:
        service[choice](
            student=entry.student,
            guardian=request.user,
            form=item.form,
            channel=Channel.PORTAL,
            recorded_by=request.user,
        )
    except (ValidationError, PermissionDenied) as error:
        return refused(request, error, back=back)
    text = item.form.text()
    if choice == Decision.GRANTED:
        note = _("Thank you. You gave permission: %(title)s.")
    else:
        note = _("Thank you. You did not give permission: %(title)s.")
    messages.success(request, note % {"title": text.title})
    return redirect("consent:child", student_id=entry.student.pk)


@require_http_methods(["GET", "POST"])
@guardian_language
def revoke(request, student_id: int, form_id: int):
    """Withdrawing permission, with a confirmation step (GET asks, POST withdraws)."""
    entry, item = _child_request(request, student_id, form_id)
    if request.method == "POST":
        try:
            services.consent_revoke(
                student=entry.student,
                guardian=request.user,
                form=item.form,
                channel=Channel.PORTAL,
                recorded_by=request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            return refused(request, error, back=reverse("consent:child", args=[entry.student.pk]))
        messages.success(
            request,
            _("You withdrew your permission: %(title)s. It takes effect now.")
            % {"title": item.form.text().title},
        )
        return redirect("consent:child", student_id=entry.student.pk)
    if not item.may_revoke:
        return redirect("consent:child", student_id=entry.student.pk)
    return render(
        request,
        "consent/revoke_confirm.html",
        {"student": entry.student, "item": item, "text": item.form.text()},
    )
