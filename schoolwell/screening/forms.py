import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schoolwell.screening.models import Instrument

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
        return data
