from django import forms
from django.utils.translation import gettext_lazy as _

from schoolwell.community.models import (
    Capacity,
    ConsentScope,
    Cost,
    DataCategory,
    FollowUp,
    IncidentKind,
    LoopOutcome,
    Need,
    ProviderCategory,
    ProviderConsent,
)


class ProviderProfileForm(forms.Form):
    category = forms.ChoiceField(label=_("Kind"), choices=ProviderCategory.choices)
    age_min = forms.IntegerField(label=_("Youngest age served"), min_value=0, max_value=25)
    age_max = forms.IntegerField(label=_("Oldest age served"), min_value=0, max_value=25)
    cost = forms.ChoiceField(label=_("Cost"), choices=Cost.choices)
    insurance = forms.CharField(label=_("Insurance accepted"), required=False, max_length=200)
    waiting_weeks = forms.IntegerField(label=_("Waiting time (weeks)"), min_value=0, max_value=104)
    location = forms.CharField(label=_("Location"), required=False, max_length=120)
    contact_name = forms.CharField(label=_("Contact person"), required=False, max_length=120)
    capacity = forms.ChoiceField(label=_("Capacity"), choices=Capacity.choices)


class AgreementForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=None)
    categories = forms.MultipleChoiceField(
        label=_("Data shared"), choices=DataCategory.choices, widget=forms.CheckboxSelectMultiple
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    starts_on = forms.DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    expires_on = forms.DateField(
        label=_("Expires on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    document_ref = forms.CharField(label=_("Signed document reference"), max_length=200)

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers


class ReferOutForm(forms.Form):
    """Refer to a directory provider, with the guardian's decision for it."""

    provider = forms.ModelChoiceField(label=_("Provider"), queryset=None)
    scope = forms.ChoiceField(
        label=_("The guardian's consent covers"), choices=ConsentScope.choices
    )
    guardian_name = forms.CharField(label=_("Guardian who consented"), max_length=120)
    channel = forms.ChoiceField(
        label=_("How consent was given"), choices=ProviderConsent.Channel.choices
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers


class ProviderReportForm(forms.Form):
    acknowledge = forms.BooleanField(label=_("We have received this referral"), required=False)
    first_appointment_on = forms.DateField(
        label=_("First appointment"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", "—"), *LoopOutcome.choices]
    )
    note = forms.CharField(
        label=_("Brief note (no clinical detail)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TrainingImportForm(forms.Form):
    school = forms.ModelChoiceField(label=_("School"), queryset=None)
    file = forms.FileField(label=_("XLSX file"))

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools


class IncidentForm(forms.Form):
    school = forms.ModelChoiceField(label=_("School"), queryset=None)
    kind = forms.ChoiceField(label=_("What happened"), choices=IncidentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    team = forms.ModelMultipleChoiceField(label=_("Response team"), queryset=None)
    classes = forms.ModelMultipleChoiceField(
        label=_("Affected classes"), queryset=None, required=False
    )
    grades = forms.TypedMultipleChoiceField(
        label=_("Affected grades"),
        coerce=int,
        required=False,
        choices=[(g, str(g)) for g in range(0, 13)],
        widget=forms.CheckboxSelectMultiple,
    )
    students = forms.ModelMultipleChoiceField(
        label=_("Students closest to it"), queryset=None, required=False
    )

    def __init__(self, *args, schools, staff, classes, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["team"].queryset = staff
        self.fields["classes"].queryset = classes
        self.fields["students"].queryset = students


class ContactForm(forms.Form):
    student = forms.ModelChoiceField(label=_("Student seen"), queryset=None)
    needs = forms.MultipleChoiceField(
        label=_("Needs identified"), choices=Need.choices, widget=forms.CheckboxSelectMultiple
    )
    follow_up = forms.ChoiceField(label=_("Follow-up"), choices=FollowUp.choices)

    def __init__(self, *args, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = students


class IncidentLinkForm(forms.Form):
    window = forms.ModelChoiceField(
        label=_("Targeted screening window"), queryset=None, required=False
    )
    providers = forms.ModelMultipleChoiceField(
        label=_("Community providers engaged"), queryset=None, required=False
    )
    referrals = forms.ModelMultipleChoiceField(
        label=_("Referrals raised from it"), queryset=None, required=False
    )

    def __init__(self, *args, windows, providers, referrals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset = windows
        self.fields["providers"].queryset = providers
        self.fields["referrals"].queryset = referrals
        self.fields["referrals"].label_from_instance = lambda r: r.student.display_name


class CloseIncidentForm(forms.Form):
    summary = forms.CharField(
        label=_("After-action summary"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
