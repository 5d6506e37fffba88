"""SEL: the CASEL competencies, a lesson library, lessons scheduled to classes, deliveries.

Texts a reader sees are stored per language as JSON objects `{"en": ..., "es": ...}`
(lists of such objects for objectives, materials and steps): English is required, other
languages fall back to English when missing (see `texts.in_language`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from schoolwell.roster.models import Class, School, Student


class Competency(models.Model):
    """One of the five CASEL competencies, loaded from fixtures/sel/competencies.json."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.JSONField()
    description = models.JSONField(default=dict)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name_plural = "competencies"

    def __str__(self) -> str:
        return self.name.get("en", self.code)


class GradeBand(models.TextChoices):
    ELEMENTARY = "elementary", _("Elementary")
    MIDDLE = "middle", _("Middle school")
    HIGH = "high", _("High school")


class Lesson(models.Model):
    """A lesson of the library.

    `school` null: the district's starter library (from fixtures; read-only in the app).
    `school` set and `based_on` null: a school's own lesson, edited by its counsellors and
    administrators. `based_on` set: someone's adapted copy, edited by its creator.
    """

    slug = models.SlugField(max_length=120, unique=True)
    title = models.JSONField()
    grade_band = models.CharField(max_length=16, choices=GradeBand.choices)
    primary_competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="primary_lessons"
    )
    # Always includes the primary competency.
    competencies = models.ManyToManyField(Competency, related_name="lessons")
    minutes = models.PositiveSmallIntegerField()
    objectives = models.JSONField(default=list)
    materials = models.JSONField(default=list)
    steps = models.JSONField(default=list)
    reflection_prompt = models.JSONField(default=dict, blank=True)
    # A unit is a short sequence of lessons taught in order (scheduled together).
    unit = models.SlugField(max_length=120, blank=True)
    unit_title = models.JSONField(default=dict, blank=True)
    sequence = models.PositiveSmallIntegerField(default=0, help_text=_("Order within the unit"))
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="sel_lessons"
    )
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="adaptations"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    active = models.BooleanField(default=True)
    # Lower-cased titles and objectives in every language, kept by the writing services so
    # the library search is one plain column filter on every database.
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["grade_band", "unit", "sequence", "slug"]
        indexes = [models.Index(fields=["school", "active", "grade_band"])]

    def __str__(self) -> str:
        return self.title.get("en", self.slug)

    @property
    def is_starter(self) -> bool:
        return self.school_id is None


class LessonSchedule(models.Model):
    """A lesson planned for a class on a date."""

    klass = models.ForeignKey(Class, on_delete=models.CASCADE, related_name="sel_schedules")
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="schedules")
    planned_on = models.DateField()
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["planned_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["klass", "lesson", "planned_on"], name="sel_schedule_unique"
            )
        ]
        indexes = [models.Index(fields=["klass", "planned_on"])]

    def __str__(self) -> str:
        return f"{self.lesson} for {self.klass} on {self.planned_on}"


class DeliveryStatus(models.TextChoices):
    DELIVERED = "delivered", _("Delivered")
    SKIPPED = "skipped", _("Skipped")


class LessonDelivery(models.Model):
    """What happened to a scheduled lesson: delivered (who was there) or skipped (why)."""

    schedule = models.OneToOneField(
        LessonSchedule, on_delete=models.CASCADE, related_name="delivery"
    )
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices)
    delivered_on = models.DateField(null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    students_present = models.ManyToManyField(
        Student, blank=True, related_name="sel_lessons_attended"
    )
    # The class's active roster size when logged, so attendance rates stay true after
    # students move classes.
    roster_size = models.PositiveSmallIntegerField(default=0)
    skip_reason = models.CharField(max_length=200, blank=True)
    reflection = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "lesson deliveries"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(status="delivered", delivered_on__isnull=False, minutes__isnull=False)
                    | (models.Q(status="skipped") & ~models.Q(skip_reason=""))
                ),
                name="sel_delivery_complete",
            )
        ]

    def __str__(self) -> str:
        return f"{self.schedule}: {self.status}"
