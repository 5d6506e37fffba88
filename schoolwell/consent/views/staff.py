"""Staff pages: paper/phone entry, consent coverage, students awaiting, reminders."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolwell.accounts.models import User
from schoolwell.audit.models import AccessLog
from schoolwell.audit.services import access_log_record, access_log_record_many
from schoolwell.consent import services
from schoolwell.consent.forms import StaffDecisionForm
from schoolwell.consent.gating import current_forms, effective_consents
from schoolwell.consent.models import ConsentForm, Decision, Purpose
from schoolwell.consent.selectors import (
    consent_coverage,
    consent_history,
    consent_staff_students,
    last_notices,
)
from schoolwell.consent.views.common import portal_url, refused
from schoolwell.roster.models import Student
from schoolwell.roster.selectors import administered_schools


@require_http_methods(["GET", "POST"])
def record(request, student_id: int):
    """Enter a decision a guardian gave on paper or by phone (the school's administrators
    and counsellors; anyone else gets a 404 and nothing is written)."""
    student = get_object_or_404(
        consent_staff_students(request.user).select_related("school"), pk=student_id
    )
    forms_qs = ConsentForm.objects.filter(
        pk__in=[f.pk for f in current_forms([student.school_id]).values()]
    )
    guardians_qs = User.objects.filter(
        guardian_links__student=student, guardian_links__may_consent=True
    )
    form = StaffDecisionForm(request.POST or None, forms_qs=forms_qs, guardians_qs=guardians_qs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service = {
            Decision.GRANTED: services.consent_grant,
            Decision.DENIED: services.consent_deny,
            Decision.REVOKED: services.consent_revoke,
        }[data["decision"]]
        try:
            service(
                student=student,
                guardian=data["guardian"],
                form=data["form"],
                channel=data["channel"],
                recorded_by=request.user,
                note=data["note"],
            )
        except (ValidationError, PermissionDenied) as error:
            back = reverse("consent:record", args=[student.pk])
            return refused(request, error, back=back)
        messages.success(request, _("The decision was recorded."))
        return redirect("consent:record", student_id=student.pk)
    # FERPA: the consent record of a student is part of their record.
    access_log_record(
        user=request.user, student=student, what=gettext_noop("consent record"), request=request
    )
    consents = effective_consents([student])[student.pk]
    return render(
        request,
        "consent/record.html",
        {
            "student": student,
            "form": form,
            "consents": consents,
            "history": consent_history(student),
        },
        status=400 if request.method == "POST" else 200,
    )


def _admin_school(request):
    schools = list(administered_schools(request.user).order_by("name"))
    if not schools:
        raise Http404
    wanted = request.GET.get("school") or request.POST.get("school")
    if wanted:
        chosen = next((s for s in schools if str(s.pk) == wanted), None)
        if chosen is None:
            raise Http404
        return schools, chosen
    return schools, schools[0]


def _purpose(request, school) -> str:
    purpose = (
        request.GET.get("purpose") or request.POST.get("purpose") or Purpose.UNIVERSAL_SCREENING
    )
    known = set(Purpose.values) | {p for (_, p) in current_forms([school.pk])}
    if purpose not in known:
        raise Http404
    return purpose


def _purposes(school) -> list[tuple[str, str]]:
    forms = current_forms([school.pk])
    choices = [(p.value, p.label) for p in Purpose]
    choices += [(p, f.text().title) for (_, p), f in forms.items() if p not in Purpose.values]
    return choices


@require_GET
def coverage(request):
    """Consent coverage of one school and purpose, by grade and by class."""
    schools, school = _admin_school(request)
    purpose = _purpose(request, school)
    data = consent_coverage(school=school, purpose=purpose)
    return render(
        request,
        "consent/coverage.html",
        {
            "schools": schools,
            "school": school,
            "purpose": purpose,
            "purposes": _purposes(school),
            "coverage": data,
            "query": urlencode({"school": school.pk, "purpose": purpose}),
        },
    )


@require_GET
def awaiting(request):
    """Students of a school still awaiting an answer for a purpose."""
    schools, school = _admin_school(request)
    purpose = _purpose(request, school)
    data = consent_coverage(school=school, purpose=purpose)
    students = Student.objects.filter(pk__in=data.awaiting_ids).order_by(
        "grade", "family_name", "given_name", "pk"
    )
    page = Paginator(students, 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    consents = effective_consents(rows, [purpose])
    sent = last_notices(data.form, [s.pk for s in rows]) if data.form else {}
    # The list names students and their consent state: a view of their records.
    access_log_record_many(
        user=request.user,
        students=rows,
        what=gettext_noop("consent status (awaiting list)"),
        request=request,
        action=AccessLog.Action.VIEW,
    )
    return render(
        request,
        "consent/awaiting.html",
        {
            "schools": schools,
            "school": school,
            "purpose": purpose,
            "purposes": _purposes(school),
            "coverage": data,
            "page": page,
            "rows": [(s, consents[s.pk][purpose], sent.get(s.pk)) for s in rows],
            "query": urlencode({"school": school.pk, "purpose": purpose}),
        },
    )


@require_POST
def reminders(request):
    """Queue reminder emails to the guardians of students still awaiting an answer."""
    _schools, school = _admin_school(request)
    purpose = _purpose(request, school)
    form = current_forms([school.pk], [purpose]).get((school.pk, purpose))
    back = reverse("consent:coverage") + "?" + urlencode({"school": school.pk, "purpose": purpose})
    if form is None:
        return refused(
            request, ValidationError(_("There is no form in use for this purpose.")), back=back
        )
    try:
        count = services.consent_reminders_send(
            form=form, by=request.user, portal_url=portal_url(request)
        )
    except (ValidationError, PermissionDenied) as error:
        return refused(request, error, back=back)
    messages.success(
        request,
        _("Reminders are being sent to %(count)d guardians.") % {"count": count}
        if count
        else _("Nobody needs a reminder right now."),
    )
    return redirect(back)
