from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from schoolwell.voice.models import (
    EMOJI,
    MESSAGE_MAX_LENGTH,
    TOPICS_BY_BAND,
    Energy,
    Feeling,
    MessageAudience,
    WantsToTalk,
    grade_band,
)


class CheckInForm(forms.Form):
    """The student's check-in: the choices offered depend on the student (grade band,
    their own adults). Labels are short, plain words (grade 3 reading level)."""

    feeling = forms.ChoiceField(
        label=_("How do you feel?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Tap how you feel.")},
    )
    energy = forms.ChoiceField(
        label=_("How much energy do you have?"),
        widget=forms.RadioSelect,
        required=False,
        choices=Energy.choices,
    )
    topics = forms.MultipleChoiceField(
        label=_("What is on your mind? (you can skip this)"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    message = forms.CharField(
        label=_("Anything you want to tell us? (you can skip this)"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MESSAGE_MAX_LENGTH}),
    )
    wants_to_talk = forms.ChoiceField(
        label=_("Do you want to talk to an adult?"),
        widget=forms.RadioSelect,
        choices=WantsToTalk.choices,
        initial=WantsToTalk.NOT_NOW,
        error_messages={"required": _("Tap if you want to talk to an adult.")},
    )
    trusted_adult = forms.TypedChoiceField(
        label=_("Who would you like to talk to?"),
        widget=forms.RadioSelect,
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args, student, adults, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["feeling"].choices = [
            (value, f"{EMOJI[value]} {label}") for value, label in Feeling.choices
        ]
        self.fields["topics"].choices = [
            (t.value, t.label) for t in TOPICS_BY_BAND[grade_band(student.grade)]
        ]
        self.fields["trusted_adult"].choices = [
            (u.pk, u.get_full_name() or u.username) for u in adults
        ]

    def clean(self):
        data = super().clean()
        if data.get("wants_to_talk") == WantsToTalk.NOT_NOW:
            data["trusted_adult"] = None
        return data


class VoiceSettingsForm(forms.Form):
    low_feelings = forms.MultipleChoiceField(
        label=_("Feelings that count as low"),
        widget=forms.CheckboxSelectMultiple,
        choices=Feeling.choices,
        required=False,
        help_text=_("Threshold rules on “low feelings” count these."),
    )
    message_audience = forms.ChoiceField(
        label=_("Who may read students' messages"),
        widget=forms.RadioSelect,
        choices=MessageAudience.choices,
    )
