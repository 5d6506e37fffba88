"""What to do now (rule 4): the crisis steps for a school's staff, and the page where the
school's administrators set the short steps and who to call when no counsellor answers."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from schoolwell.accounts import gate
from schoolwell.screening.crisis import crisis_card
from schoolwell.screening.forms import CrisisPlanForm
from schoolwell.screening.instruments import localized
from schoolwell.screening.selectors import crisis_plan_for
from schoolwell.screening.services import ScreeningInputError, crisis_plan_set


@require_GET
def crisis_plan(request, school_pk: int):
    """The short steps and who to call first, then the long guidance: any staff member of
    the school. A concern raised as urgent lands here, its confirmation after the steps."""
    school = get_object_or_404(gate.schools(request.user, "school.work"), pk=school_pk)
    plan = crisis_plan_for(school)
    language = request.LANGUAGE_CODE
    line = plan.crisis_line
    return render(
        request,
        "screening/crisis_plan.html",
        {
            "school": school,
            "card": crisis_card(school=school, language=language, plan=plan),
            "guidance": [localized(step, language) for step in plan.staff_steps],
            "line_name": localized(line.get("name"), language),
            "line_phone": line.get("phone", ""),
            "line_text": line.get("text", ""),
            "line_note": localized(line.get("note"), language),
            "administers": gate.may(request.user, "crisis.edit", school),
            # This page shows the messages itself, after the steps (they come first).
            "notices": list(messages.get_messages(request)),
            "messages": [],
        },
    )


@require_http_methods(["GET", "POST"])
def crisis_plan_edit(request, school_pk: int):
    """The school's administrators only; anyone else gets a 404 (rule 9)."""
    school = get_object_or_404(gate.schools(request.user, "crisis.edit"), pk=school_pk)
    plan = crisis_plan_for(school)
    status = 200
    if request.method == "POST":
        form = CrisisPlanForm(request.POST)
        if form.is_valid():
            try:
                crisis_plan_set(school=school, by=request.user, **form.service_arguments())
            except ScreeningInputError as exc:
                for field, message in exc.errors.items():
                    form.add_error(field, message)
            else:
                messages.success(request, _("Crisis steps saved."))
                return redirect("screening:crisis_plan", school.pk)
        status = 400
    else:
        form = CrisisPlanForm.for_plan(plan)
    return render(
        request,
        "screening/crisis_plan_edit.html",
        {"school": school, "form": form},
        status=status,
    )
