from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from schoolwell.support.models import (
    ConcernArea,
    ContactKind,
    Decision,
    Direction,
    Frequency,
    Intervention,
    Measure,
    Outcome,
    Tier,
)
from schoolwell.support.services import GoalInput

# Instruments whose total can be re-administered as a progress measure (self-report with a
# numeric total); a teacher-rated screener is not re-administered per student.
MONITORED_INSTRUMENTS = [
    ("phq-a", "PHQ-A"),
    ("phq-9", "PHQ-9"),
    ("gad-7", "GAD-7"),
    ("who-5", "WHO-5"),
]


class DateInput(forms.DateInput):
    input_type = "date"


class GoalForm(forms.Form):
    description = forms.CharField(
        label=_("Goal"),
        max_length=255,
        help_text=_("What should change, e.g. “Feels calm enough to stay in class”."),
    )
    measure = forms.ChoiceField(label=_("Measured by"), choices=Measure.choices)
    instrument_code = forms.ChoiceField(
        label=_("Instrument (if measured by one)"),
        required=False,
        choices=[("", "—"), *MONITORED_INSTRUMENTS],
    )
    direction = forms.ChoiceField(
        label=_("Which way is better"),
        required=False,
        choices=[("", _("From the measure")), *Direction.choices],
        help_text=_("Instruments and check-ins know this already."),
    )
    baseline = forms.FloatField(label=_("Baseline"))
    target = forms.FloatField(label=_("Target"))
    by_date = forms.DateField(label=_("Reach the target by"), widget=DateInput)

    def clean(self):
        data = super().clean()
        if data.get("measure") == Measure.INSTRUMENT and not data.get("instrument_code"):
            self.add_error("instrument_code", _("Choose the instrument."))
        return data

    def goal(self) -> GoalInput:
        data = self.cleaned_data
        return GoalInput(
            description=data["description"],
            measure=data["measure"],
            instrument_code=data["instrument_code"] or "",
            direction=data["direction"] or "",
            baseline=data["baseline"],
            target=data["target"],
            by_date=data["by_date"],
        )


class PlanForm(GoalForm):
    tier = forms.TypedChoiceField(label=_("Tier"), choices=Tier.choices, coerce=int)
    concern_areas = forms.MultipleChoiceField(
        label=_("Concern areas"),
        choices=ConcernArea.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    owner = forms.TypedChoiceField(label=_("Owner (counsellor)"), coerce=int)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput)
    review_weeks = forms.IntegerField(
        label=_("Weeks between reviews"), min_value=2, max_value=12, initial=6
    )

    field_order = ["tier", "concern_areas", "owner", "start_date", "review_weeks"]

    def __init__(self, *args, counsellors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [(u.pk, str(u.get_full_name() or u)) for u in counsellors]
        self.counsellors = {u.pk: u for u in counsellors}
        today = timezone.localdate()
        self.fields["start_date"].initial = today
        self.fields["by_date"].initial = today + dt.timedelta(weeks=12)

    def owner_user(self):
        return self.counsellors[self.cleaned_data["owner"]]


def intervention_choices(language: str | None = None):
    language = (language or get_language() or "en")[:2]
    rows = Intervention.objects.filter(active=True).order_by("tier", "order", "code")
    return [
        (
            str(Tier(tier).label),
            [(i.pk, i.text("name", language)) for i in rows if i.tier == tier],
        )
        for tier in Tier.values
    ]


class InterventionForm(forms.Form):
    intervention = forms.TypedChoiceField(label=_("Intervention"), coerce=int)
    delivered_by = forms.TypedChoiceField(label=_("Delivered by"), coerce=int)
    frequency = forms.ChoiceField(label=_("How often"), choices=Frequency.choices)
    minutes = forms.IntegerField(label=_("Minutes each time"), min_value=1, max_value=240)
    started_on = forms.DateField(label=_("Starting"), widget=DateInput)

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervention"].choices = intervention_choices()
        self.fields["delivered_by"].choices = [(u.pk, str(u.get_full_name() or u)) for u in staff]
        self.staff = {u.pk: u for u in staff}
        self.fields["started_on"].initial = timezone.localdate()

    def clean_intervention(self):
        pk = self.cleaned_data["intervention"]
        found = Intervention.objects.filter(pk=pk, active=True).first()
        if found is None:
            raise forms.ValidationError(_("Choose an intervention from the catalogue."))
        return found

    def delivered_by_user(self):
        return self.staff[self.cleaned_data["delivered_by"]]


class ContactForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    kind = forms.ChoiceField(label=_("Kind of contact"), choices=ContactKind.choices)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=480)
    attended = forms.BooleanField(
        label=_("Took place (the student or family attended)"), required=False, initial=True
    )
    note = forms.CharField(
        label=_("Note (counsellors and administrators only)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class ProgressCheckForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    value = forms.FloatField(label=_("Rating (0–10)"), min_value=0, max_value=10)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    outcome = forms.ChoiceField(
        label=_("Outcome (when closing)"),
        required=False,
        choices=[("", "—"), *Outcome.choices],
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == Decision.CLOSE and not data.get("outcome"):
            self.add_error("outcome", _("Choose the outcome of the plan."))
        return data


class ListFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("active", pgettext_lazy("plans", "Active")),
            ("closed", pgettext_lazy("plans", "Closed")),
            ("all", pgettext_lazy("plans", "All")),
        ],
    )
    mine = forms.BooleanField(label=pgettext_lazy("plans", "Mine only"), required=False)
