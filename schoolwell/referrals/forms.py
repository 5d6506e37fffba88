from django import forms
from django.utils.translation import gettext_lazy as _

from schoolwell.core.phones import PHONE_MAX, validate_phone
from schoolwell.referrals import content
from schoolwell.referrals.models import OPEN_STATUSES, Priority, Status
from schoolwell.referrals.selectors import QueueFilters


def concern_choices() -> list[tuple[str, str]]:
    """The check-in concern tags (shared with screening) plus "something else"."""
    return [(code, content.concern_label(code)) for code in content.concern_tags()] + [
        ("other", content.concern_label("other"))
    ]


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any open"))] + [(s.value, s.label) for s in OPEN_STATUSES],
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any"))] + Priority.choices,
    )
    grade = forms.IntegerField(label=_("Grade"), required=False, min_value=-1, max_value=13)
    assignee = forms.TypedChoiceField(
        label=_("Assignee"), required=False, coerce=int, empty_value=None
    )
    mine = forms.BooleanField(label=_("Mine only"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, counsellors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Anyone")), (0, _("Unassigned"))] + [
            (u.pk, str(u)) for u in counsellors
        ]

    def filters(self) -> QueueFilters:
        if not self.is_valid():
            return QueueFilters()
        data = self.cleaned_data
        return QueueFilters(
            status=data["status"] or "",
            priority=data["priority"],
            grade=data["grade"],
            assignee=data["assignee"],
            mine=data["mine"],
            overdue=data["overdue"],
        )


class ClaimForm(forms.Form):
    """Claiming from the queue returns to the same queue page (its filters kept)."""

    next = forms.CharField(required=False, max_length=2000)

    def next_url(self, request) -> str | None:
        from django.utils.http import url_has_allowed_host_and_scheme

        target = self.cleaned_data.get("next") if self.is_valid() else ""
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return target
        return None


class ConcernForm(forms.Form):
    # Nothing is preselected: a default concern or urgency would be recorded unread.
    concerns = forms.MultipleChoiceField(
        label=_("What worries you? Tick every concern that applies."),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one concern.")},
    )
    priority = forms.TypedChoiceField(
        label=_("How soon should a counsellor act?"),
        coerce=int,
        widget=forms.RadioSelect,
        choices=[
            (Priority.ROUTINE, _("Routine — within two weeks")),
            (Priority.HIGH, _("Soon — within two school days")),
            (Priority.URGENT, _("Now — the student may not be safe")),
        ],
        help_text=_("A concern such as possible self-harm is always treated as urgent."),
    )
    note = forms.CharField(
        label=_("Note for the counsellor (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you saw or heard, in a few factual sentences."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["concerns"].choices = concern_choices()


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (Status.TRIAGE, Status.TRIAGE.label),
            (Status.IN_PROGRESS, Status.IN_PROGRESS.label),
        ]
    )


class ReferOutForm(forms.Form):
    team = forms.CharField(label=_("Internal team"), required=False, max_length=200)
    provider = forms.ModelChoiceField(
        label=_("External provider"), required=False, queryset=None, empty_label=_("None")
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"))
    note = forms.CharField(
        label=_("Closing note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = content.outcome_choices()


class ReassignForm(forms.Form):
    to = forms.ModelChoiceField(label=_("Counsellor"), queryset=None)

    def __init__(self, *args, counsellors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = counsellors


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    private = forms.BooleanField(
        label=_("Private memory aid (only you will ever see it)"), required=False
    )


class OnCallForm(forms.Form):
    """One counsellor's row of the on-call roster; which counsellor is decided by the view
    (the row's position in the school's own list), never by the posted data."""

    on_call = forms.BooleanField(label=_("On call"), required=False)
    phone = forms.CharField(
        label=_("Phone while on call"),
        required=False,
        max_length=PHONE_MAX,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )


OnCallFormSet = forms.formset_factory(OnCallForm, extra=0)
