from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schoolwell.sel.library import MAX_MINUTES
from schoolwell.sel.models import Competency, DeliveryStatus, GradeBand, Lesson
from schoolwell.sel.services import Cadence, LessonContent
from schoolwell.sel.texts import in_language

MAX_PLAN_DAYS = 366
ONE_PER_LINE = _("One per line. Spanish lines, if given, must match the English lines.")


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search title and objectives"), required=False, max_length=100)
    grade_band = forms.ChoiceField(
        label=_("Grade band"), required=False, choices=[("", _("All"))] + GradeBand.choices
    )
    competency = forms.ChoiceField(label=_("Competency"), required=False)

    def __init__(self, *args, competencies: list[Competency], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency"].choices = [("", _("All"))] + [
            (c.code, in_language(c.name)) for c in competencies
        ]


class CompetencyField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return in_language(obj.name)


class CompetenciesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return in_language(obj.name)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class LessonForm(forms.Form):
    """A lesson's content in English (required) and Spanish (optional, falls back)."""

    title_en = forms.CharField(label=_("Title (English)"), max_length=200)
    title_es = forms.CharField(label=_("Title (Spanish)"), max_length=200, required=False)
    grade_band = forms.ChoiceField(label=_("Grade band"), choices=GradeBand.choices)
    primary_competency = CompetencyField(
        label=_("Primary competency"), queryset=Competency.objects.all()
    )
    competencies = CompetenciesField(
        label=_("Other competencies"),
        queryset=Competency.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=MAX_MINUTES)
    objectives_en = forms.CharField(
        label=_("Objectives (English)"), widget=forms.Textarea, help_text=ONE_PER_LINE
    )
    objectives_es = forms.CharField(
        label=_("Objectives (Spanish)"), widget=forms.Textarea, required=False
    )
    materials_en = forms.CharField(
        label=_("Materials (English)"), widget=forms.Textarea, required=False
    )
    materials_es = forms.CharField(
        label=_("Materials (Spanish)"), widget=forms.Textarea, required=False
    )
    steps_en = forms.CharField(label=_("Steps (English)"), widget=forms.Textarea)
    steps_es = forms.CharField(label=_("Steps (Spanish)"), widget=forms.Textarea, required=False)
    reflection_en = forms.CharField(
        label=_("Reflection prompt (English)"), max_length=500, required=False
    )
    reflection_es = forms.CharField(
        label=_("Reflection prompt (Spanish)"), max_length=500, required=False
    )

    LISTS = ("objectives", "materials", "steps")

    @classmethod
    def initial_for(cls, lesson: Lesson) -> dict:
        initial = {
            "title_en": lesson.title.get("en", ""),
            "title_es": lesson.title.get("es", ""),
            "grade_band": lesson.grade_band,
            "primary_competency": lesson.primary_competency_id,
            "competencies": [
                c.pk for c in lesson.competencies.all() if c.pk != lesson.primary_competency_id
            ],
            "minutes": lesson.minutes,
            "reflection_en": lesson.reflection_prompt.get("en", ""),
            "reflection_es": lesson.reflection_prompt.get("es", ""),
        }
        for name in cls.LISTS:
            for language in ("en", "es"):
                initial[f"{name}_{language}"] = "\n".join(
                    item.get(language, "") for item in getattr(lesson, name)
                )
        return initial

    def clean(self):
        data = super().clean()
        for name in self.LISTS:
            english = _lines(data.get(f"{name}_en", ""))
            spanish = _lines(data.get(f"{name}_es", ""))
            if spanish and len(spanish) != len(english):
                self.add_error(
                    f"{name}_es",
                    _("Give as many Spanish lines as English lines (%(n)d).") % {"n": len(english)},
                )
                continue
            data[name] = [
                {"en": en, **({"es": spanish[i]} if spanish else {})}
                for i, en in enumerate(english)
            ]
        return data

    def content(self) -> LessonContent:
        data = self.cleaned_data
        primary = data["primary_competency"]
        others = [c for c in data["competencies"] if c.pk != primary.pk]

        def text(prefix: str) -> dict:
            return {
                k: v
                for k, v in {"en": data[f"{prefix}_en"], "es": data[f"{prefix}_es"]}.items()
                if v
            }

        return LessonContent(
            title=text("title"),
            grade_band=data["grade_band"],
            competencies=[primary, *others],
            minutes=data["minutes"],
            objectives=data["objectives"],
            materials=data["materials"],
            steps=data["steps"],
            reflection_prompt=text("reflection"),
        )


class NewLessonForm(LessonForm):
    school = forms.ModelChoiceField(label=_("School"), queryset=None)

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.order_fields(["school"])


class ScheduleForm(forms.Form):
    klass = forms.ModelChoiceField(label=_("Class"), queryset=None)
    planned_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    whole_unit = forms.BooleanField(
        label=_("Schedule the whole unit as a sequence"), required=False
    )
    cadence = forms.ChoiceField(
        label=_("Then"),
        choices=[
            (Cadence.WEEKLY, _("one lesson a week")),
            (Cadence.DAILY, _("one lesson each teaching day")),
        ],
        initial=Cadence.WEEKLY,
    )

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["klass"].queryset = classes

    def clean_planned_on(self):
        day = self.cleaned_data["planned_on"]
        today = timezone.localdate()
        # A plan is for this school year or the next, never a typo decades away.
        if abs((day - today).days) > MAX_PLAN_DAYS:
            raise forms.ValidationError(_("Choose a date within a year of today."))
        return day


class DeliveryForm(forms.Form):
    status = forms.ChoiceField(
        label=_("What happened"), choices=DeliveryStatus.choices, widget=forms.RadioSelect
    )
    delivered_on = forms.DateField(
        label=_("Delivered on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    minutes = forms.IntegerField(
        label=_("Minutes"), min_value=1, max_value=MAX_MINUTES, required=False
    )
    present = forms.ModelMultipleChoiceField(
        label=_("Students present"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    skip_reason = forms.CharField(label=_("Why was it skipped?"), max_length=200, required=False)
    reflection = forms.CharField(
        label=_("Reflection note (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, roster, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = roster

    def clean(self):
        data = super().clean()
        if data.get("status") == DeliveryStatus.DELIVERED:
            for field in ("delivered_on", "minutes"):
                if not data.get(field):
                    self.add_error(field, _("Required when the lesson was delivered."))
            if not data.get("present"):
                self.add_error("present", _("Tick the students who were present."))
        elif (
            data.get("status") == DeliveryStatus.SKIPPED and not data.get("skip_reason", "").strip()
        ):
            self.add_error("skip_reason", _("Say why the lesson was skipped."))
        return data
