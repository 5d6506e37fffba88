"""The suicide-risk pathway of a referral with a critical reason: the counsellor's risk
assessment, then a safety plan written with the student, the guardian notification the
school's policy calls for, and a follow-up contact within a set number of school days.

Readable and writable only by counsellors of the student's school (the gate's
`safety.read`/`safety.write`).
Assessments, plan revisions and notifications are append-only: a change is a new row, so
the history of what was known and agreed when is kept.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from schoolwell.audit.models import AppendOnlyModel


class GuardianPolicy(models.TextChoices):
    ALWAYS = "always", _("Always notify a guardian")
    UNLESS_ENDANGERS = (
        "unless_endangers",
        _("Notify a guardian unless that would endanger the student"),
    )


class SafetySettings(models.Model):
    """A school's pathway settings (its administrators' choice; defaults apply until set)."""

    school = models.OneToOneField(
        "roster.School", on_delete=models.CASCADE, related_name="safety_settings"
    )
    guardian_policy = models.CharField(
        _("guardian notification"),
        max_length=20,
        choices=GuardianPolicy.choices,
        default=GuardianPolicy.ALWAYS,
    )
    follow_up_school_days = models.PositiveSmallIntegerField(
        _("follow-up within (school days)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("School days after the safety plan within which a follow-up contact is due"),
    )
    on_call_contact = models.CharField(
        _("on-call contact"),
        max_length=200,
        blank=True,
        help_text=_("Who a student can reach at school in a crisis, printed on safety plans"),
    )

    class Meta:
        verbose_name_plural = "safety settings"

    def __str__(self) -> str:
        return f"Safety settings of {self.school}"


class Ideation(models.TextChoices):
    NONE = "none", _("None reported")
    PASSIVE = "passive", _("Passive (wishes to be dead, no thoughts of acting)")
    ACTIVE = "active", _("Active thoughts of ending their life")


class PlanLevel(models.TextChoices):
    NONE = "none", _("No plan")
    VAGUE = "vague", _("Vague or partial plan")
    SPECIFIC = "specific", _("Specific plan (method, time or place)")


class Intent(models.TextChoices):
    NONE = "none", _("No intent to act")
    UNSURE = "unsure", _("Unsure or ambivalent")
    PRESENT = "present", _("Intends to act")


class MeansAccess(models.TextChoices):
    NONE = "none", _("No access known")
    LIMITED = "limited", _("Some access")
    READY = "ready", _("Ready access to the means they named")


class History(models.TextChoices):
    NONE = "none", _("None known")
    SELF_HARM = "self_harm", _("Past self-harm")
    ATTEMPT = "attempt", _("Past suicide attempt")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MODERATE = "moderate", _("Moderate")
    HIGH = "high", pgettext_lazy("risk level", "High")
    IMMINENT = "imminent", _("Imminent")


class RiskAssessment(AppendOnlyModel):
    """The counsellor's structured assessment (a form written for SchoolWell, not a licensed
    instrument). A reassessment is a new row; the latest is the current one."""

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="risk_assessments"
    )
    student = models.ForeignKey("roster.Student", on_delete=models.PROTECT, related_name="+")
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField()
    ideation = models.CharField(max_length=16, choices=Ideation.choices)
    plan = models.CharField(max_length=16, choices=PlanLevel.choices)
    intent = models.CharField(max_length=16, choices=Intent.choices)
    means_access = models.CharField(max_length=16, choices=MeansAccess.choices)
    means_note = models.TextField(blank=True)
    history = models.CharField(max_length=16, choices=History.choices)
    protective_factors = models.TextField()
    risk_level = models.CharField(max_length=16, choices=RiskLevel.choices)
    rationale = models.TextField()

    class Meta:
        ordering = ["-assessed_at", "-pk"]
        indexes = [models.Index(fields=["referral", "assessed_at"])]

    def __str__(self) -> str:
        return f"Risk assessment #{self.pk}"


# What a counsellor records in a risk assessment, in the form's order.
ASSESSMENT_FIELDS = (
    "ideation",
    "plan",
    "intent",
    "means_access",
    "means_note",
    "history",
    "protective_factors",
    "risk_level",
    "rationale",
)


# The six parts of the Stanley–Brown Safety Planning Intervention, in its order.
PLAN_PARTS = (
    "warning_signs",
    "coping_strategies",
    "distractions",
    "help_contacts",
    "professionals",
    "safe_environment",
)


class SafetyPlanRevision(AppendOnlyModel):
    """One version of a student's safety plan, in the student's own words. Revising writes
    the next version; earlier ones stay readable."""

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="safety_plans"
    )
    student = models.ForeignKey("roster.Student", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    warning_signs = models.TextField(_("Warning signs"))
    coping_strategies = models.TextField(_("Things I can do on my own to take my mind off it"))
    distractions = models.TextField(_("People and places that help take my mind off things"))
    help_contacts = models.TextField(_("People I can ask for help"))
    professionals = models.TextField(_("Professionals and services I can contact in a crisis"))
    safe_environment = models.TextField(_("Making my surroundings safer"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "version"], name="safety_plan_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Safety plan v{self.version} (referral #{self.referral_id})"


class NotificationDecision(models.TextChoices):
    NOTIFIED = "notified", _("Guardian notified")
    WITHHELD = "withheld", _("Not notified: it would endanger the student")


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video call")
    LETTER = "letter", _("Letter")


class GuardianNotification(AppendOnlyModel):
    """Whether, whom, when and how a guardian was told, under the school's policy then."""

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="guardian_notifications"
    )
    student = models.ForeignKey("roster.Student", on_delete=models.PROTECT, related_name="+")
    policy = models.CharField(max_length=20, choices=GuardianPolicy.choices)
    decision = models.CharField(max_length=16, choices=NotificationDecision.choices)
    guardian_name = models.CharField(max_length=200, blank=True)
    method = models.CharField(max_length=16, choices=ContactMethod.choices, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"Guardian notification #{self.pk}"


class FollowUp(models.Model):
    """A follow-up contact due by a school day; on the counsellor's home until done."""

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="follow_ups"
    )
    student = models.ForeignKey("roster.Student", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scheduled_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral"], condition=Q(done_at__isnull=True), name="follow_up_one_open"
            )
        ]
        indexes = [
            models.Index(
                fields=["due_on"], condition=Q(done_at__isnull=True), name="follow_up_open_due"
            )
        ]

    def __str__(self) -> str:
        return f"Follow-up #{self.pk} due {self.due_on}"
