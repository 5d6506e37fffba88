"""The rule builder: list, create, duplicate, edit, disable — each change previewed by a
what-if replay before it is saved. Only the school's administrators (and the district's)."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolwell.accounts import gate
from schoolwell.referrals import rule_forms
from schoolwell.referrals.models import Priority, RuleKind, ThresholdRule
from schoolwell.referrals.services import rules as rule_services
from schoolwell.referrals.whatif import rule_whatif
from schoolwell.roster.selectors import administered_schools, visible_students

NAMES_SHOWN = 50


def _administered_rules(request) -> QuerySet[ThresholdRule]:
    school_ids = gate.school_ids(request.user, "rules.edit")
    if not school_ids:
        raise PermissionDenied(_("Only school administrators edit threshold rules."))
    return ThresholdRule.objects.filter(school_id__in=school_ids).select_related("school")


def _rule_schools(request) -> QuerySet:
    """The schools whose rules the user edits; refused when there are none."""
    schools = administered_schools(request.user)
    if not schools.exists():
        raise PermissionDenied(_("Only school administrators edit threshold rules."))
    return schools


def _posted_school(request):
    """The school a first-run action (reviewed, defaults) was posted for: one of the user's."""
    form = ReviewedForm(request.POST, schools=_rule_schools(request))
    if not form.is_valid():
        raise Http404
    return form.cleaned_data["school"]


def _rule_or_404(request, pk: int) -> ThresholdRule:
    rule = _administered_rules(request).filter(pk=pk).first()
    if rule is None:
        raise Http404
    return rule


@require_GET
def rules(request):
    found = list(_administered_rules(request).order_by("school__name", "-active", "priority"))
    for rule in found:
        rule.label = rule.display_name(request.LANGUAGE_CODE)
    schools = administered_schools(request.user)
    chooser = rule_forms.KindChoiceForm(schools=schools)
    with_rules = {rule.school_id for rule in found}
    return render(
        request,
        "referrals/rules.html",
        {
            "rules": found,
            "chooser": chooser,
            "schools": schools,
            "without_rules": [school for school in schools if school.pk not in with_rules],
        },
    )


def _flagged_names(user, ids: list[int]) -> tuple[list, int]:
    """The students of `ids` this user may see (names), and how many others there are."""
    shown = list(
        visible_students(user)
        .filter(pk__in=ids)
        .order_by("family_name", "given_name")
        .only("pk", "given_name", "family_name", "preferred_name", "grade")[:NAMES_SHOWN]
    )
    return shown, max(len(ids) - len(shown), 0)


def _builder(request, *, school, kind, rule=None, source=None):
    """Shared by new and edit: preview (what-if) first, then save what was previewed."""
    initial_from = rule or source
    if request.method == "POST":
        form = rule_forms.rule_form(kind, request.POST, school=school)
    else:
        form = rule_forms.rule_form(kind, school=school, rule=initial_from)
        if source is not None:
            form.initial["name"] = ""  # a duplicate's name follows its own settings
    context = {
        "form": form,
        "rule": rule,
        "school": school,
        "kind_label": RuleKind(kind).label,
        "current_name": rule.display_name(request.LANGUAGE_CODE) if rule else "",
        "source": source,
    }
    if request.method != "POST":
        return render(request, "referrals/rule_form.html", context)
    if not form.is_valid():
        return render(request, "referrals/rule_form.html", context, status=400)
    if request.POST.get("action") == "save" and form.previewed_matches(rule):
        values = form.rule_values()
        try:
            if rule is None:
                saved = rule_services.threshold_rule_create(
                    school=school, kind=kind, by=request.user, **values
                )
            else:
                saved = rule_services.threshold_rule_update(rule=rule, by=request.user, **values)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return render(request, "referrals/rule_form.html", context, status=400)
        messages.success(
            request, _("Rule saved: %(name)s") % {"name": saved.display_name(request.LANGUAGE_CODE)}
        )
        return redirect("referrals:rules")
    proposed = form.proposed(rule)
    try:
        proposed.clean()
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return render(request, "referrals/rule_form.html", context, status=400)
    whatif = rule_whatif(school=school, proposed=proposed, weeks=form.cleaned_data["weeks"])
    newly, newly_hidden = _flagged_names(request.user, whatif.newly_flagged)
    gone, gone_hidden = _flagged_names(request.user, whatif.no_longer_flagged)
    context.update(
        whatif=whatif,
        digest=form.digest(rule),
        proposed_name=proposed.display_name(request.LANGUAGE_CODE),
        newly=newly,
        newly_hidden=newly_hidden,
        gone=gone,
        gone_hidden=gone_hidden,
        week_rows=whatif.week_rows(),
        current_per_week=whatif.per_counsellor_per_week(whatif.current),
        proposed_per_week=whatif.per_counsellor_per_week(whatif.proposed),
        priorities=[
            (label, whatif.current.by_priority[value], whatif.proposed.by_priority[value])
            for value, label in Priority.choices
        ],
    )
    return render(request, "referrals/rule_form.html", context)


@require_http_methods(["GET", "POST"])
def rule_new(request):
    """?school=&kind= (from the list's chooser) or ?from=<rule> (duplicate)."""
    schools = _rule_schools(request)
    source = None
    if request.GET.get("from"):
        try:
            source = _rule_or_404(request, int(request.GET["from"]))
        except ValueError:
            raise Http404 from None
        school, kind = source.school, source.kind
    else:
        chooser = rule_forms.KindChoiceForm(request.GET, schools=schools)
        if not chooser.is_valid():
            return render(request, "referrals/rules_new.html", {"chooser": chooser}, status=400)
        school, kind = chooser.cleaned_data["school"], chooser.cleaned_data["kind"]
    return _builder(request, school=school, kind=kind, source=source)


@require_http_methods(["GET", "POST"])
def rule_edit(request, pk: int):
    rule = _rule_or_404(request, pk)
    return _builder(request, school=rule.school, kind=rule.kind, rule=rule)


class ActiveForm(django_forms.Form):
    active = django_forms.BooleanField(required=False)


@require_POST
def rule_set_active(request, pk: int):
    rule = _rule_or_404(request, pk)
    form = ActiveForm(request.POST)
    form.is_valid()  # a checkbox: absent means False, nothing else can be invalid
    rule = rule_services.threshold_rule_set_active(
        rule=rule, by=request.user, active=form.cleaned_data["active"]
    )
    name = rule.display_name(request.LANGUAGE_CODE)
    if rule.active:
        messages.success(request, _("Rule enabled: %(name)s") % {"name": name})
    else:
        messages.success(
            request,
            _("Rule disabled: %(name)s. Referrals it raised keep it as their reason.")
            % {"name": name},
        )
    return redirect("referrals:rules")


class ReviewedForm(django_forms.Form):
    school = django_forms.ModelChoiceField(queryset=None)

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools


@require_POST
def rules_reviewed(request):
    """ "I have looked through these rules": the first-run checklist's last item."""
    school = _posted_school(request)
    rule_services.threshold_rules_mark_reviewed(school=school, by=request.user)
    messages.success(
        request, _("Noted: the rules of %(school)s are reviewed.") % {"school": school.name}
    )
    return redirect("referrals:rules")


@require_POST
def rules_defaults(request):
    """Add the shipped default rules to a school that has none yet (first run)."""
    school = _posted_school(request)
    created = rule_services.threshold_rules_install_defaults(school=school, by=request.user)
    messages.success(
        request,
        _("%(n)s default rules added to %(school)s. Review them below.")
        % {"n": created, "school": school.name},
    )
    return redirect("referrals:rules")


@require_GET
def rule_history(request, pk: int):
    rule = _rule_or_404(request, pk)
    changes = rule.changes.select_related("by")
    return render(
        request,
        "referrals/rule_history.html",
        {"rule": rule, "name": rule.display_name(request.LANGUAGE_CODE), "changes": changes},
    )
