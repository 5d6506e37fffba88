from django import forms
from django.utils.translation import gettext_lazy as _

from schoolwell.safety.models import (
    ASSESSMENT_FIELDS,
    PLAN_PARTS,
    ContactMethod,
    GuardianPolicy,
    NotificationDecision,
    RiskAssessment,
    SafetyPlanRevision,
)


class RiskAssessmentForm(forms.ModelForm):
    class Meta:
        model = RiskAssessment
        fields = list(ASSESSMENT_FIELDS)
        labels = {
            "ideation": _("Suicidal thoughts"),
            "plan": _("Plan"),
            "intent": _("Intent"),
            "means_access": _("Access to means"),
            "means_note": _("Which means, and what is being done about them"),
            "history": _("History of self-harm or attempts"),
            "protective_factors": _("Protective factors"),
            "risk_level": _("Your judgement of the risk level"),
            "rationale": _("Why this level"),
        }
        widgets = {
            name: forms.RadioSelect
            for name in ("ideation", "plan", "intent", "means_access", "history", "risk_level")
        } | {
            "means_note": forms.Textarea(attrs={"rows": 2}),
            "protective_factors": forms.Textarea(attrs={"rows": 3}),
            "rationale": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect):
                # Every question needs an answer: no "---------" option to pick.
                field.choices = [c for c in field.choices if c[0] != ""]


class SafetyPlanForm(forms.ModelForm):
    class Meta:
        model = SafetyPlanRevision
        fields = list(PLAN_PARTS)
        help_texts = {
            "warning_signs": _("Thoughts, moods, situations that tell me a crisis may be coming"),
            "coping_strategies": _("Things I can do by myself, without contacting anyone"),
            "distractions": _("People and social settings that help me feel better"),
            "help_contacts": _("Adults and friends I can ask for help, with how to reach them"),
            "professionals": _("Including 988 and the school's on-call contact"),
            "safe_environment": _("How to keep what I could use to hurt myself out of reach"),
        }
        # Each part's prompt is read with its box (plan.html gives it this id).
        widgets = {
            name: forms.Textarea(attrs={"rows": 3, "aria-describedby": f"id_{name}-help"})
            for name in fields
        }


class GuardianNotificationForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Guardian notification"),
        choices=NotificationDecision.choices,
        widget=forms.RadioSelect,
    )
    guardian_name = forms.CharField(label=_("Who was told"), max_length=200, required=False)
    method = forms.ChoiceField(
        label=_("How"), choices=[("", "—"), *ContactMethod.choices], required=False
    )
    notified_at = forms.DateTimeField(
        label=_("When"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    reason = forms.CharField(
        label=_("Why telling a guardian would endanger the student"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, policy: str, **kwargs):
        super().__init__(*args, **kwargs)
        if policy == GuardianPolicy.ALWAYS:
            # The school's policy leaves no choice: only "notified" is offered.
            self.fields["decision"].choices = [
                c for c in NotificationDecision.choices if c[0] == NotificationDecision.NOTIFIED
            ]
            del self.fields["reason"]
