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

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
