from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from schoolwell.alerts.models import SETTABLE_KINDS, Audience, NotificationSettings, State

AS_ROLE = ""


class DeliveryFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states")), *State.choices]
    )
    school = forms.TypedChoiceField(label=_("School"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [("", _("All my schools"))] + [
            (s.pk, s.name) for s in schools
        ]


class NotificationSettingsForm(forms.Form):
    """One choice per alert kind that may be configured; urgent ones are not among them."""

    daily_digest = forms.BooleanField(
        label=_("Send routine alerts as one email a day instead of one email each"),
        required=False,
    )

    def __init__(self, *args, current: NotificationSettings, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(AS_ROLE, _("When my role brings it to me (default)")), *Audience.choices]
        for kind in SETTABLE_KINDS:
            self.fields[kind] = forms.ChoiceField(
                label=kind.label,
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                initial=current.audience(kind),
            )
        self.fields["daily_digest"].initial = current.daily_digest
        self.order_fields([k.value for k in SETTABLE_KINDS] + ["daily_digest"])

    def audiences(self) -> dict[str, str]:
        return {
            kind.value: self.cleaned_data[kind.value]
            for kind in SETTABLE_KINDS
            if self.cleaned_data.get(kind.value)
        }

    def kind_fields(self):
        return [self[kind.value] for kind in SETTABLE_KINDS]
