"""The counsellors' queue, a referral's page and its workflow actions (POST only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from schoolwell.accounts import gate
from schoolwell.audit.services import access_log_record, access_log_record_many
from schoolwell.core.labels import choice_labels
from schoolwell.core.links import link_maker
from schoolwell.core.registry import panels, referral_panel_providers
from schoolwell.referrals import content, forms, selectors, services
from schoolwell.referrals.models import ExternalProvider, Priority, Status

PAGE_SIZE = 50


def _require_referral_staff(request) -> None:
    # Teachers and parents never work referrals: a clear 403, before any lookup.
    if not selectors.works_referrals(request.user):
        raise PermissionDenied(_("Only counsellors and administrators can see referrals."))


@require_GET
def queue(request):
    _require_referral_staff(request)
    counsellors = list(selectors.school_counsellors(request.user))
    form = forms.QueueFilterForm(request.GET or None, counsellors=counsellors)
    now = timezone.now()
    referrals = selectors.referral_queue(user=request.user, filters=form.filters(), now=now)
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    leading = selectors.leading_reasons(list(page))
    priorities, statuses = choice_labels(Priority.choices), choice_labels(Status.choices)
    detail_url, claim_url = link_maker("referrals:detail"), link_maker("referrals:claim")
    for referral in page:
        referral.leading = leading.get(referral.pk)
        referral.priority_label = priorities.get(referral.priority, referral.priority)
        referral.status_label = statuses.get(referral.status, referral.status)
        referral.detail_url, referral.claim_url = detail_url(referral.pk), claim_url(referral.pk)
    # Seeing a student in the queue discloses that they have a referral (FERPA log).
    access_log_record_many(
        user=request.user,
        students=[r.student_id for r in page],
        what="referral queue",
        request=request,
        action="view",
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "referrals/queue.html",
        {
            "form": form,
            "page": page,
            "counts": [
                (Status(s).label, n) for s, n in selectors.queue_counts(user=request.user).items()
            ],
            "query": query.urlencode(),
            "here": request.get_full_path(),
            "many_schools": len(gate.school_ids(request.user, "referral.view")) > 1,
            "counsel_school_ids": gate.school_ids(request.user, "referral.work"),
        },
    )


def _detail_context(request, referral) -> dict:
    notes = selectors.referral_notes(user=request.user, referral=referral)
    district_id = referral.student.school.district_id
    return {
        "referral": referral,
        "student": referral.student,
        "notes": notes.notes,
        "hidden_private": notes.hidden_private,
        "outcome_label": content.outcome_label(referral.outcome) if referral.outcome else "",
        "is_counsellor": gate.may(request.user, "referral.work", referral),
        "status_form": forms.StatusForm(),
        "refer_form": forms.ReferOutForm(
            providers=ExternalProvider.objects.filter(district_id=district_id, active=True)
        ),
        "close_form": forms.CloseForm(),
        "reassign_form": forms.ReassignForm(counsellors=selectors.school_counsellors(request.user)),
        "note_form": forms.NoteForm(),
        "Priority": Priority,
        "now": timezone.now(),
    }


@require_GET
def detail(request, pk: int):
    return _detail_page(request, pk)


def _detail_page(request, pk: int, *, error: services.ReferralError | None = None):
    """The referral page; also re-shown by the POST actions with their refusal."""
    _require_referral_staff(request)
    referral = selectors.referral_for_staff(user=request.user, pk=pk)
    access_log_record(user=request.user, student=referral.student, what="referral", request=request)
    context = _detail_context(request, referral)
    context["error"] = error
    # Other apps' sections (the safety pathway leads a critical referral's page).
    sections = panels(referral_panel_providers, request, referral)
    context["lead_panels"] = [p for p in sections if p.order < 0]
    context["panels"] = [p for p in sections if p.order >= 0]
    response = render(request, "referrals/detail.html", context)
    if error is not None:
        response.status_code = error.status_code
    return response


def _act(request, pk: int, action) -> HttpResponse:
    """Run one workflow step; on refusal re-show the page with the message and a 4xx."""
    _require_referral_staff(request)
    referral = selectors.referral_for_staff(user=request.user, pk=pk)
    try:
        message = action(referral)
    except services.ReferralError as error:
        return _detail_page(request, pk, error=error)
    messages.success(request, message)
    return redirect("referrals:detail", pk=pk)


def _invalid(form) -> services.ReferralError:
    first = next(iter(form.errors.values()))[0]
    return services.ReferralError(first)


@require_POST
def claim(request, pk: int):
    """Claim; from the queue, in place: a script gets JSON, a plain form returns to the
    queue page it came from."""
    form = forms.ClaimForm(request.POST)
    if request.headers.get("X-Requested-With") == "fetch":
        _require_referral_staff(request)
        referral = selectors.referral_for_staff(user=request.user, pk=pk)
        try:
            claimed = services.referral_claim(referral=referral, by=request.user)
        except services.ReferralError as error:
            return JsonResponse({"message": error.message}, status=error.status_code)
        return JsonResponse(
            {
                "message": _("You have claimed this referral."),
                "assignee": str(claimed.assignee),
                "status": claimed.get_status_display(),
            }
        )

    def action(referral):
        services.referral_claim(referral=referral, by=request.user)
        return _("You have claimed this referral.")

    response = _act(request, pk, action)
    target = form.next_url(request)
    if target and response.status_code == 302:
        return redirect(target)
    return response


@require_POST
def set_status(request, pk: int):
    def action(referral):
        form = forms.StatusForm(request.POST)
        if not form.is_valid():
            raise _invalid(form)
        services.referral_status_set(
            referral=referral, by=request.user, status=form.cleaned_data["status"]
        )
        return _("Status updated.")

    return _act(request, pk, action)


@require_POST
def refer_out(request, pk: int):
    def action(referral):
        form = forms.ReferOutForm(
            request.POST,
            providers=ExternalProvider.objects.filter(
                district_id=referral.student.school.district_id, active=True
            ),
        )
        if not form.is_valid():
            raise _invalid(form)
        services.referral_refer_out(
            referral=referral,
            by=request.user,
            team=form.cleaned_data["team"],
            provider=form.cleaned_data["provider"],
            request=request,
        )
        return _("Referred out.")

    return _act(request, pk, action)


@require_POST
def close(request, pk: int):
    def action(referral):
        form = forms.CloseForm(request.POST)
        if not form.is_valid():
            raise _invalid(form)
        services.referral_close(
            referral=referral,
            by=request.user,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        )
        return _("Referral closed.")

    return _act(request, pk, action)


@require_POST
def reassign(request, pk: int):
    def action(referral):
        form = forms.ReassignForm(
            request.POST, counsellors=selectors.school_counsellors(request.user)
        )
        if not form.is_valid():
            raise _invalid(form)
        services.referral_reassign(referral=referral, by=request.user, to=form.cleaned_data["to"])
        return _("Referral reassigned.")

    return _act(request, pk, action)


@require_POST
def add_note(request, pk: int):
    def action(referral):
        form = forms.NoteForm(request.POST)
        if not form.is_valid():
            raise _invalid(form)
        services.referral_note_add(
            referral=referral,
            by=request.user,
            body=form.cleaned_data["body"],
            private=form.cleaned_data["private"],
        )
        return _("Note added.")

    return _act(request, pk, action)
