from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from schoolwell.lifecycle.models import Category, LocalResource


class CorrectionForm(forms.Form):
    category = forms.ChoiceField(label=_("Which part of the record"), choices=Category.choices)
    message = forms.CharField(
        label=_("What is wrong, and what should it say?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept: correct the record")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason, shown to the family"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class VisibilityForm(forms.Form):
    """One checkbox per category: shown to guardians."""

    def __init__(self, *args, shown: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        for category in Category:
            self.fields[category.value] = forms.BooleanField(
                label=category.label, required=False, initial=shown[category]
            )


class RetentionForm(forms.Form):
    def __init__(self, *args, days: dict[str, int], labels: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for category, value in days.items():
            self.fields[category] = forms.IntegerField(
                label=labels[category], min_value=30, max_value=36500, initial=value
            )


class HoldForm(forms.Form):
    student = forms.IntegerField(label=_("Student number in SchoolWell"), min_value=1)
    reason = forms.CharField(label=_("Why the record is held"), max_length=255)


class ErasureForm(forms.Form):
    student = forms.IntegerField(label=_("Student number in SchoolWell"), min_value=1)
    verification = forms.CharField(label=_("How the request was verified"), max_length=255)


class LocalResourceForm(forms.ModelForm):
    url = forms.URLField(label=_("Web address"), required=False, assume_scheme="https")

    class Meta:
        model = LocalResource
        fields = ["audience", "language", "title", "body", "phone", "url"]
        labels = {
            "audience": _("For"),
            "language": _("Written in"),
            "title": _("Title"),
            "body": _("Description"),
            "phone": _("Phone"),
        }
