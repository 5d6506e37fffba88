"""The rule builder: one form per rule kind showing only that kind's settings, with bands,
scales and tags offered as choices from the instrument and concern-tag data (never JSON)."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from schoolwell.referrals import rule_names
from schoolwell.referrals.models import DueUnit, Priority, RuleKind, ThresholdRule
from schoolwell.referrals.whatif import DEFAULT_WEEKS, rule_copy
from schoolwell.screening import instruments


class CheckboxGroups(forms.CheckboxSelectMultiple):
    """Checkboxes in a fieldset per group (a scale's bands), each with its own label."""

    template_name = "referrals/widgets/checkbox_groups.html"


WEEK_CHOICES = [(n, n) for n in (4, 8, 12, 16, 26)]
WELLBEING_CHOICES = [
    (1, _("1 – very low")),
    (2, _("2 – low")),
    (3, _("3 – okay")),
    (4, _("4 – good")),
]


class KindChoiceForm(forms.Form):
    """Step one of a new rule: which school and what it watches."""

    school = forms.ModelChoiceField(label=_("School"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(
        label=_("What should the rule watch?"),
        choices=RuleKind.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools


class RuleBaseForm(forms.Form):
    kind: RuleKind
    name = forms.CharField(
        label=_("Name (optional)"),
        required=False,
        max_length=200,
        help_text=_(
            "Leave blank to use a name generated from the settings, shown in each "
            "reader's language."
        ),
    )
    # A new rule starts routine: urgent is a choice, never a default (alert floods).
    priority = forms.TypedChoiceField(
        label=_("Priority"), coerce=int, choices=Priority.choices, initial=Priority.ROUTINE
    )
    due_within = forms.IntegerField(label=_("Due within"), min_value=1, max_value=400, initial=10)
    due_unit = forms.ChoiceField(
        label=_("Unit"), choices=DueUnit.choices, initial=DueUnit.SCHOOL_DAYS
    )
    weeks = forms.TypedChoiceField(
        label=_("Replay the last (weeks)"),
        coerce=int,
        choices=WEEK_CHOICES,
        initial=DEFAULT_WEEKS,
        help_text=_("The what-if replays this many weeks of the school's screening and check-ins."),
    )
    # The settings the shown what-if was computed for: saving other settings replays first.
    previewed = forms.CharField(required=False, widget=forms.HiddenInput)

    # Fields set by the kind's own fields (the rest are stored empty).
    setting_fields: tuple[str, ...] = ()

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.language = get_language() or "en"
        self.order_fields([*self.setting_fields, "name", "priority", "due_within", "due_unit"])

    # ------------------------------------------------------------------ shape conversions

    @classmethod
    def initial_for(cls, rule: ThresholdRule) -> dict[str, Any]:
        return {
            "name": rule.name,
            "priority": rule.priority,
            "due_within": rule.due_within,
            "due_unit": rule.due_unit,
            "threshold": rule.threshold,
            "count": rule.count,
            "window_school_days": rule.window_school_days,
        }

    def rule_values(self) -> dict[str, Any]:
        """The cleaned settings as ThresholdRule field values (all of them)."""
        data = self.cleaned_data
        values = {
            "name": data["name"].strip(),
            "instrument_code": "",
            "subscale": "",
            "threshold": None,
            "bands": [],
            "tags": [],
            "count": None,
            "window_school_days": None,
            "priority": data["priority"],
            "due_within": data["due_within"],
            "due_unit": data["due_unit"],
        }
        values.update(self.kind_values())
        return values

    def kind_values(self) -> dict[str, Any]:
        raise NotImplementedError

    def proposed(self, rule: ThresholdRule | None) -> ThresholdRule:
        """An unsaved rule with these settings (a copy of `rule`, or a new one)."""
        if rule is not None:
            copy = rule_copy(rule)
        else:
            copy = ThresholdRule(school=self.school, kind=self.kind, code="", active=True)
        for field, value in self.rule_values().items():
            setattr(copy, field, value)
        return copy

    def digest(self, rule: ThresholdRule | None) -> str:
        values = self.rule_values()
        values.update(
            kind=self.kind,
            school=self.school.pk,
            rule=rule.pk if rule else None,
            weeks=self.cleaned_data["weeks"],
        )
        blob = json.dumps(values, sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:32]

    def previewed_matches(self, rule: ThresholdRule | None) -> bool:
        return self.cleaned_data.get("previewed") == self.digest(rule)


def _threshold_field(label) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=7, decimal_places=2, min_value=0)


def _numeric_targets(*, subscales: bool) -> list[rule_names.Target]:
    return [t for t in rule_names.targets() if t.numeric and bool(t.subscale) == subscales]


class _ScaleThresholdForm(RuleBaseForm):
    scale = forms.ChoiceField(label=_("Score"))
    threshold = _threshold_field(_("At or above"))
    setting_fields = ("scale", "threshold")
    subscales = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scale"].choices = [
            (t.value, f"{rule_names.target_label(t, self.language)} ({t.low}–{t.high})")
            for t in _numeric_targets(subscales=self.subscales)
        ]

    @classmethod
    def initial_for(cls, rule):
        return super().initial_for(rule) | {"scale": f"{rule.instrument_code}:{rule.subscale}"}

    def clean(self):
        data = super().clean()
        target = rule_names.target_for(*data.get("scale", ":").split(":", 1))
        threshold = data.get("threshold")
        if target and threshold is not None and not target.low < threshold <= target.high:
            self.add_error(
                "threshold",
                _("Choose a score above %(low)s and at most %(high)s.")
                % {"low": target.low, "high": target.high},
            )
        return data

    def kind_values(self):
        code, subscale = self.cleaned_data["scale"].split(":", 1)
        return {
            "instrument_code": code,
            "subscale": subscale,
            "threshold": self.cleaned_data["threshold"],
        }


class ScoreTotalForm(_ScaleThresholdForm):
    kind = RuleKind.SCORE_TOTAL


class SubscaleForm(_ScaleThresholdForm):
    kind = RuleKind.SUBSCALE
    subscales = True


class BandForm(RuleBaseForm):
    kind = RuleKind.BAND
    bands = forms.MultipleChoiceField(
        label=_("Bands"),
        widget=CheckboxGroups,
        help_text=_("Tick one or more bands of one score."),
    )
    setting_fields = ("bands",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bands"].choices = [
            (
                rule_names.target_label(t, self.language),
                [
                    (f"{t.value}:{key}", instruments.localized(label, self.language))
                    for key, label in t.bands
                ],
            )
            for t in rule_names.targets()
        ]

    @classmethod
    def initial_for(cls, rule):
        prefix = f"{rule.instrument_code}:{rule.subscale}"
        return super().initial_for(rule) | {"bands": [f"{prefix}:{b}" for b in rule.bands]}

    def clean_bands(self):
        chosen = self.cleaned_data["bands"]
        scales = {value.rsplit(":", 1)[0] for value in chosen}
        if len(scales) != 1:
            raise forms.ValidationError(_("Choose bands of one score only."))
        return chosen

    def kind_values(self):
        chosen = self.cleaned_data["bands"]
        code, subscale, _band = chosen[0].split(":", 2)
        return {
            "instrument_code": code,
            "subscale": subscale,
            "bands": [value.rsplit(":", 1)[1] for value in chosen],
        }


class CriticalForm(RuleBaseForm):
    kind = RuleKind.CRITICAL
    instrument = forms.ChoiceField(label=_("Instrument"), required=False)
    setting_fields = ("instrument",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [("", _("Any instrument"))] + [
            (code, rule_names.instrument_short(code)) for code in rule_names.critical_instruments()
        ]
        # Rule 4: a critical answer always opens an urgent referral.
        self.fields["priority"].choices = [(Priority.URGENT, Priority.URGENT.label)]
        self.fields["priority"].help_text = _("A critical answer is always urgent.")

    @classmethod
    def initial_for(cls, rule):
        return super().initial_for(rule) | {"instrument": rule.instrument_code}

    def kind_values(self):
        return {"instrument_code": self.cleaned_data["instrument"]}


class _CountInWindowForm(RuleBaseForm):
    """N check-ins (teachers' or the student's own) within D school days."""

    count_label = _("How many check-ins")
    count = forms.IntegerField(min_value=1, max_value=40)
    window_school_days = forms.IntegerField(
        label=_("Within how many school days"), min_value=1, max_value=40
    )
    setting_fields = ("count", "window_school_days")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["count"].label = self.count_label

    def clean(self):
        data = super().clean()
        count, days = data.get("count"), data.get("window_school_days")
        if count and days and count > days:
            self.add_error(
                "count", _("There cannot be more check-ins than school days in the window.")
            )
        return data

    def kind_values(self):
        data = self.cleaned_data
        return {"count": data["count"], "window_school_days": data["window_school_days"]}


class CheckinLowForm(_CountInWindowForm):
    kind = RuleKind.CHECKIN_LOW
    threshold = forms.TypedChoiceField(
        label=_("Wellbeing at or below"), coerce=Decimal, choices=WELLBEING_CHOICES
    )
    setting_fields = ("threshold", "count", "window_school_days")

    @classmethod
    def initial_for(cls, rule):
        initial = super().initial_for(rule)
        if rule.threshold is not None:
            initial["threshold"] = int(rule.threshold)
        return initial

    def kind_values(self):
        return super().kind_values() | {"threshold": Decimal(self.cleaned_data["threshold"])}


class CheckinDropForm(RuleBaseForm):
    kind = RuleKind.CHECKIN_DROP
    threshold_label = _("Drop of at least (points on the 1–5 scale)")
    threshold = forms.DecimalField(
        max_digits=3, decimal_places=1, min_value=Decimal("0.5"), max_value=4
    )
    setting_fields = ("threshold",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["threshold"].label = self.threshold_label

    def kind_values(self):
        return {"threshold": self.cleaned_data["threshold"]}


class ConcernTagForm(RuleBaseForm):
    kind = RuleKind.CONCERN_TAG
    tags = forms.MultipleChoiceField(label=_("Concern tags"), widget=CheckboxGroups)
    setting_fields = ("tags",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from schoolwell.screening.selectors import concern_tags_for

        self.fields["tags"].choices = [
            (tag.code, tag.label_in(self.language)) for tag in concern_tags_for(self.school.pk)
        ]

    @classmethod
    def initial_for(cls, rule):
        return super().initial_for(rule) | {"tags": list(rule.tags)}

    def kind_values(self):
        return {"tags": list(self.cleaned_data["tags"])}


class VoiceLowForm(_CountInWindowForm):
    kind = RuleKind.VOICE_LOW
    count_label = _("How many low feelings (as the school's check-in settings define them)")


class VoiceUnsafeForm(_CountInWindowForm):
    kind = RuleKind.VOICE_UNSAFE
    count_label = _("How many times “feeling unsafe”")


class VoiceDropForm(CheckinDropForm):
    """The same drop from the student's own baseline, on the feelings' 1–5 scale."""

    kind = RuleKind.VOICE_DROP
    threshold_label = _("Drop of at least (points on the 1–5 feeling scale)")


FORMS: dict[str, type[RuleBaseForm]] = {
    form.kind.value: form
    for form in (
        ScoreTotalForm,
        SubscaleForm,
        BandForm,
        CriticalForm,
        CheckinLowForm,
        CheckinDropForm,
        ConcernTagForm,
        VoiceLowForm,
        VoiceDropForm,
        VoiceUnsafeForm,
    )
}


def rule_form(kind: str, *args, school, rule: ThresholdRule | None = None, **kwargs):
    form_class = FORMS[kind]
    if rule is not None and "initial" not in kwargs:
        kwargs["initial"] = form_class.initial_for(rule)
    return form_class(*args, school=school, **kwargs)
