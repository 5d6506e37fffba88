from django import forms
from django.utils.translation import gettext_lazy as _

from schoolwell.core.input import BoundedJSONField
from schoolwell.referrals import content
from schoolwell.referrals.models import OPEN_STATUSES, Priority, Status, ThresholdRule
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


class ConcernForm(forms.Form):
    concern = forms.ChoiceField(label=_("What worries you?"))
    priority = forms.TypedChoiceField(
        label=_("How soon should a counsellor act?"),
        coerce=int,
        initial=Priority.ROUTINE,
        choices=[
            (Priority.ROUTINE, _("Routine — within two weeks")),
            (Priority.HIGH, _("Soon — within two school days")),
            (Priority.URGENT, _("Now — the student may not be safe")),
        ],
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
        self.fields["concern"].choices = concern_choices()


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


class RuleForm(forms.ModelForm):
    class Meta:
        model = ThresholdRule
        fields = [
            "name",
            "active",
            "threshold",
            "bands",
            "tags",
            "count",
            "window_school_days",
            "priority",
            "due_within",
            "due_unit",
        ]
        # Bounded parsing: 1,100 bytes of `[` in a JSON field were a RecursionError (a 500).
        field_classes = {"bands": BoundedJSONField, "tags": BoundedJSONField}
