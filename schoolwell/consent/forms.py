"""Input validation for consent pages (thin: services hold the rules)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from schoolwell.consent.models import Channel, Decision, Policy


class StaffDecisionForm(forms.Form):
    """A decision received on paper or by phone, entered by school staff."""

    form = forms.ModelChoiceField(queryset=None, label=_("Form"))
    guardian = forms.ModelChoiceField(queryset=None, label=_("Guardian"))
    decision = forms.ChoiceField(choices=Decision.choices, label=_("Decision"))
    channel = forms.ChoiceField(
        choices=[(Channel.PAPER, Channel.PAPER.label), (Channel.PHONE, Channel.PHONE.label)],
        label=_("Received by"),
    )
    note = forms.CharField(
        required=False, max_length=500, label=_("Note (optional, not sensitive)")
    )

    def __init__(self, *args, forms_qs, guardians_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = forms_qs
        self.fields["form"].label_from_instance = lambda f: f"{f.text().title} (v{f.version})"
        self.fields["guardian"].queryset = guardians_qs


def _paragraphs(text: str) -> list[str]:
    # Paragraphs are separated by blank lines; a line starting "## " is a heading.
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


class FormDraftForm(forms.Form):
    policy = forms.ChoiceField(choices=Policy.choices, label=_("Policy"))
    notice_days = forms.IntegerField(min_value=0, max_value=120, label=_("Notice period (days)"))
    school_year = forms.IntegerField(
        min_value=2000, max_value=2100, label=_("School year (the year it ends in)")
    )

    LANGS = (("en", "English"), ("es", "Español"))
    TEXTS = (
        ("title", _("Title"), False),
        ("summary", _("Summary"), True),
        ("body", _("Full text (blank line between paragraphs; '## ' starts a heading)"), True),
        ("grant_label", _("Button to give permission"), False),
        ("deny_label", _("Button to refuse"), False),
        ("revoke_label", _("Button to withdraw"), False),
    )
    # The texts are JSON on the model, so no column limits them: these do (a 1 MB title
    # was accepted, then shown on every parent's page and in every reminder email).
    MAX_LENGTHS = {
        "title": 200,
        "summary": 2000,
        "body": 50_000,
        "grant_label": 80,
        "deny_label": 80,
        "revoke_label": 80,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label, long in self.TEXTS:
            for code, language in self.LANGS:
                self.fields[f"{name}_{code}"] = forms.CharField(
                    label=f"{label} ({language})",
                    required=code == "en",
                    max_length=self.MAX_LENGTHS[name],
                    widget=forms.Textarea(attrs={"rows": 12 if name == "body" else 3})
                    if long
                    else forms.TextInput,
                )

    @classmethod
    def initial_for(cls, form) -> dict:
        initial = {
            "policy": form.policy,
            "notice_days": form.notice_days,
            "school_year": form.school_year,
        }
        for name, _label, _long in cls.TEXTS:
            for code, _language in cls.LANGS:
                value = getattr(form, name).get(code, "")
                initial[f"{name}_{code}"] = "\n\n".join(value) if name == "body" else value
        return initial

    def changes(self) -> dict:
        data = self.cleaned_data
        changes = {k: data[k] for k in ("policy", "notice_days", "school_year")}
        for name, _label, _long in self.TEXTS:
            value = {}
            for code, _language in self.LANGS:
                text = data.get(f"{name}_{code}", "").strip()
                if text:
                    value[code] = _paragraphs(text) if name == "body" else text
            changes[name] = value
        return changes


class SettingsForm(forms.Form):
    minor_self_consent = forms.BooleanField(
        required=False, label=_("Students may consent to counselling themselves")
    )
    minor_self_consent_age = forms.IntegerField(
        min_value=10, max_value=18, label=_("From the age of")
    )


class PublishForm(forms.Form):
    """Publishing asks for a tick: decisions on the version in force stop counting."""

    confirm = forms.BooleanField(
        label=_("I understand: families decide again on this version."), required=True
    )
    # The number of consents the administrator was shown; a different number now means
    # decisions came in meanwhile, and the page is shown again with the new figure.
    voids = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
