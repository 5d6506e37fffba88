from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schoolwell.core.phones import PHONE_MAX, validate_phone
from schoolwell.screening.models import CrisisPlan, Instrument
from schoolwell.screening.models.crisis import (
    FALLBACK_NAME_LENGTH,
    NEXT_STEPS_LENGTH,
    QUICK_STEP_LENGTH,
    QUICK_STEPS_MAX,
)

# The whole text box: five full steps and their line breaks, bounded before it is split.
STEPS_TEXT_MAX = QUICK_STEPS_MAX * (QUICK_STEP_LENGTH + 2)

WINDOW_PAST = dt.timedelta(days=366)
WINDOW_FUTURE = dt.timedelta(days=2 * 366)
WINDOW_LONGEST = dt.timedelta(days=366)
GRADE_CHOICES = [(0, _("K"))] + [(g, str(g)) for g in range(1, 13)]


class WindowForm(forms.Form):
    school = forms.ModelChoiceField(queryset=None, label=_("School"))
    instrument = forms.ModelChoiceField(
        queryset=Instrument.objects.filter(active=True), label=_("Instrument")
    )
    name = forms.CharField(max_length=100, label=_("Name"), help_text=_("e.g. Fall 2026"))
    grades = forms.TypedMultipleChoiceField(
        choices=GRADE_CHOICES, coerce=int, widget=forms.CheckboxSelectMultiple, label=_("Grades")
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(
        label=_("Closes on"), widget=forms.DateInput(attrs={"type": "date"})
    )

    confirm_overlap = forms.BooleanField(
        label=_("Open it even though another window screens the same instrument and grades"),
        required=False,
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools

    def clean(self):
        # A window belongs to this school year or the next: a date like 0001-01-01 is a typo
        # (or worse), and would open a window every report and query then has to carry.
        data = super().clean()
        today = timezone.localdate()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and not today - WINDOW_PAST <= opens <= today + WINDOW_FUTURE:
            self.add_error("opens_on", _("Choose a date within a year before or two after today."))
        if closes and not today - WINDOW_PAST <= closes <= today + WINDOW_FUTURE:
            self.add_error("closes_on", _("Choose a date within a year before or two after today."))
        if opens and closes and closes - opens > WINDOW_LONGEST:
            self.add_error("closes_on", _("A screening window lasts at most a school year."))


class CrisisPlanForm(forms.Form):
    """The short crisis steps a school administrator edits, in both languages (rule 4).

    Steps are typed one per line; `crisis_plan_set` checks the counts and lengths again,
    the same way it checks the shipped defaults.
    """

    steps_en = forms.CharField(
        label=_("Steps in English"),
        max_length=STEPS_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    steps_es = forms.CharField(
        label=_("Steps in Spanish"),
        max_length=STEPS_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    next_en = forms.CharField(
        label=_("What happens next, in English"),
        max_length=NEXT_STEPS_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next_es = forms.CharField(
        label=_("What happens next, in Spanish"),
        max_length=NEXT_STEPS_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    fallback_name_en = forms.CharField(
        label=_("Who to call when no counsellor is reachable, in English"),
        max_length=FALLBACK_NAME_LENGTH,
        help_text=_("e.g. School office, or your local crisis line"),
    )
    fallback_name_es = forms.CharField(
        label=_("Who to call when no counsellor is reachable, in Spanish"),
        max_length=FALLBACK_NAME_LENGTH,
    )
    fallback_phone = forms.CharField(
        label=_("Their phone number"),
        max_length=PHONE_MAX,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for lang in ("en", "es"):
            self.fields[f"steps_{lang}"].help_text = _(
                "One short step per line: at most %(n)d steps of up to %(max)d characters."
            ) % {"n": QUICK_STEPS_MAX, "max": QUICK_STEP_LENGTH}

    @classmethod
    def for_plan(cls, plan: CrisisPlan) -> CrisisPlanForm:
        return cls(
            initial={
                **{
                    f"steps_{lang}": "\n".join(plan.quick_steps.get(lang, []))
                    for lang in ("en", "es")
                },
                **{f"next_{lang}": plan.next_steps.get(lang, "") for lang in ("en", "es")},
                **{
                    f"fallback_name_{lang}": plan.fallback_name.get(lang, "")
                    for lang in ("en", "es")
                },
                "fallback_phone": plan.fallback_phone,
            }
        )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "quick_steps": {lang: data[f"steps_{lang}"].splitlines() for lang in ("en", "es")},
            "next_steps": {lang: data[f"next_{lang}"] for lang in ("en", "es")},
            "fallback_name": {lang: data[f"fallback_name_{lang}"] for lang in ("en", "es")},
            "fallback_phone": data["fallback_phone"],
        }


class WindowEditForm(WindowForm):
    """The same settings, less the school and instrument (fixed once results may exist)."""

    confirm_overlap = forms.BooleanField(
        label=_("Save even though another window screens the same instrument and grades"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, schools=None, **kwargs)
        del self.fields["school"], self.fields["instrument"]

    @classmethod
    def initial_for(cls, window) -> dict:
        return {
            "name": window.name,
            "grades": window.grades,
            "opens_on": window.opens_on,
            "closes_on": window.closes_on,
        }


class WindowEndForm(forms.Form):
    """Close early or cancel; cancelling asks for a tick, as it cannot be undone."""

    action = forms.ChoiceField(choices=[("close", "close"), ("cancel", "cancel")])
    confirm = forms.BooleanField(
        label=_("Yes, cancel this window. The results already entered are kept."),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == "cancel" and not data.get("confirm"):
            self.add_error("confirm", _("Tick the box to cancel the window."))
        return data
