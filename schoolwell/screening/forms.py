from django import forms
from django.utils.translation import gettext_lazy as _

from schoolwell.screening.models import Instrument

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
