from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from schoolwell.audit.models import AppendOnlyModel

NOTE_MAX = 280


class Wellbeing(models.IntegerChoices):
    # Words, not faces or colours alone, carry the meaning (WCAG 1.4.1).
    VERY_LOW = 1, _("Very low")
    LOW = 2, _("Low")
    OKAY = 3, _("Okay")
    GOOD = 4, _("Good")
    GREAT = 5, _("Great")


class ConcernTag(models.Model):
    """An optional concern a teacher can tick on a check-in. school=None: district default."""

    school = models.ForeignKey(
        "roster.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    code = models.SlugField(max_length=40)
    label = models.JSONField(help_text=_('{"en": "...", "es": "..."}'))
    sensitive = models.BooleanField(
        default=False, help_text=_("Shown only to counsellors, never in class summaries")
    )
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "code"],
                condition=models.Q(school__isnull=False),
                name="concern_tag_unique_per_school",
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(school__isnull=True),
                name="concern_tag_default_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.label.get("en", self.code)

    def label_in(self, language: str) -> str:
        return self.label.get(language) or self.label.get("en") or self.code


class CheckIn(models.Model):
    """A teacher's daily observation of one student. Not consent-gated (rule 2), but seen
    only by the student's teachers (their own) and the school's counsellors."""

    student = models.ForeignKey("roster.Student", on_delete=models.CASCADE, related_name="+")
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    klass = models.ForeignKey(
        "roster.Class", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    date = models.DateField()
    wellbeing = models.PositiveSmallIntegerField(
        choices=Wellbeing.choices,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    absent = models.BooleanField(default=False)
    tags = models.JSONField(default=list, blank=True)
    note = models.CharField(max_length=NOTE_MAX, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "student"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "teacher", "date"], name="checkin_one_per_teacher_day"
            ),
            models.CheckConstraint(
                condition=models.Q(wellbeing__isnull=True)
                | models.Q(wellbeing__gte=1, wellbeing__lte=5),
                name="checkin_wellbeing_range",
            ),
            models.CheckConstraint(
                condition=models.Q(absent=False) | models.Q(wellbeing__isnull=True),
                name="checkin_absent_has_no_rating",
            ),
        ]
        indexes = [models.Index(fields=["student", "date"])]

    def __str__(self) -> str:
        return f"{self.student_id} {self.date} {self.wellbeing}"


class CheckInRevision(AppendOnlyModel):
    """The values a check-in had before a correction: corrections keep history."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="revisions")
    wellbeing = models.PositiveSmallIntegerField(null=True, blank=True)
    absent = models.BooleanField(default=False)
    tags = models.JSONField(default=list, blank=True)
    note = models.CharField(max_length=NOTE_MAX, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
