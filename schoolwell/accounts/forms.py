from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """A code from the authenticator app (6 digits) or a recovery code (8 letters/digits)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).lower()


class AppCodeForm(CodeForm):
    """Enrolment confirms the new app, so only its 6-digit codes are accepted."""

    code = forms.RegexField(
        label=_("6-digit code from the app"),
        regex=r"^\s*(\d\s*){6}$",
        error_messages={"invalid": _("Enter the 6 digits the app shows.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
