from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from schoolwell.reports.exports import ExportFilters, kinds_for
from schoolwell.reports.exports.base import requester_schools


class ExportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to export"))
    school = forms.TypedChoiceField(label=_("School"), coerce=int, required=False, empty_value=None)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = kinds_for(user)
        self.fields["kind"].choices = [(k.code, k.label) for k in self.kinds]
        # Only schools the user can see are offered; another school's id is a form error.
        schools = requester_schools(user).order_by("name")
        self.fields["school"].choices = [("", _("All my schools"))] + [
            (s.pk, s.name) for s in schools
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The period must start before it ends."))
        return data

    def filters(self) -> ExportFilters:
        data = self.cleaned_data
        return ExportFilters(data.get("school"), data.get("date_from"), data.get("date_to"))
