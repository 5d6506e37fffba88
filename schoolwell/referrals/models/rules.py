from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from schoolwell.audit.models import AppendOnlyModel
from schoolwell.referrals.models.referral import Priority


class RuleKind(models.TextChoices):
    SCORE_TOTAL = "score_total", _("Instrument total at or above")
    SUBSCALE = "subscale", _("Instrument subscale at or above")
    BAND = "band", _("Instrument band (or subscale band) is one of")
    CRITICAL = "critical", _("Critical item answered")
    CHECKIN_LOW = "checkin_low", _("Low check-ins within school days")
    CHECKIN_DROP = "checkin_drop", _("Drop from the student's 4-week baseline")
    CONCERN_TAG = "concern_tag", _("Concern tag entered at check-in")
    VOICE_LOW = "voice_low", _("Low feelings in students' own check-ins")
    VOICE_DROP = "voice_drop", _("Drop from the student's own check-in baseline")
    VOICE_UNSAFE = "voice_unsafe", _('"Feeling unsafe" chosen repeatedly')


SCREENING_KINDS = frozenset(
    {RuleKind.SCORE_TOTAL, RuleKind.SUBSCALE, RuleKind.BAND, RuleKind.CRITICAL}
)
CHECKIN_KINDS = frozenset({RuleKind.CHECKIN_LOW, RuleKind.CHECKIN_DROP, RuleKind.CONCERN_TAG})
# Students' own check-ins (schoolwell.voice).
VOICE_KINDS = frozenset({RuleKind.VOICE_LOW, RuleKind.VOICE_DROP, RuleKind.VOICE_UNSAFE})


class DueUnit(models.TextChoices):
    HOURS = "hours", _("hours")
    SCHOOL_DAYS = "school_days", _("school days")


class ThresholdRule(models.Model):
    """One signal that opens (or adds a reason to) a referral, per school.

    Which fields matter depends on `kind` (checked in `clean`): instrument rules use
    `instrument_code` (+ `subscale`), `threshold` or `bands`; check-in rules use `threshold`
    (wellbeing at or below / size of the drop), `count` and `window_school_days`, or `tags`.
    """

    school = models.ForeignKey(
        "roster.School", on_delete=models.CASCADE, related_name="threshold_rules"
    )
    code = models.SlugField(max_length=64, help_text=_("Stable name within the school"))
    # Blank: the name is generated from the settings in the reader's language
    # (referrals.rule_names), so it can never disagree with the threshold.
    name = models.CharField(max_length=200, blank=True, help_text=_("Blank: generated"))
    kind = models.CharField(max_length=16, choices=RuleKind.choices)
    active = models.BooleanField(default=True)
    instrument_code = models.CharField(
        max_length=64, blank=True, help_text=_("Blank for a critical-item rule: any instrument")
    )
    subscale = models.CharField(max_length=64, blank=True)
    threshold = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    bands = models.JSONField(default=list, blank=True)
    tags = models.JSONField(default=list, blank=True, help_text=_("Concern tag codes"))
    count = models.PositiveSmallIntegerField(null=True, blank=True)
    window_school_days = models.PositiveSmallIntegerField(null=True, blank=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices)
    due_within = models.PositiveIntegerField()
    due_unit = models.CharField(max_length=16, choices=DueUnit.choices)

    class Meta:
        ordering = ["school", "priority", "code"]
        constraints = [
            models.UniqueConstraint(fields=["school", "code"], name="threshold_rule_code_unique")
        ]
        indexes = [models.Index(fields=["school", "kind", "active"])]

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        from schoolwell.referrals.rule_names import rule_auto_name

        return self.name or rule_auto_name(self, language)

    def clean(self) -> None:
        required = {
            RuleKind.SCORE_TOTAL: ["instrument_code", "threshold"],
            RuleKind.SUBSCALE: ["instrument_code", "subscale", "threshold"],
            RuleKind.BAND: ["instrument_code", "bands"],
            RuleKind.CRITICAL: [],
            RuleKind.CHECKIN_LOW: ["threshold", "count", "window_school_days"],
            RuleKind.CHECKIN_DROP: ["threshold"],
            RuleKind.CONCERN_TAG: ["tags"],
            RuleKind.VOICE_LOW: ["count", "window_school_days"],
            RuleKind.VOICE_DROP: ["threshold"],
            RuleKind.VOICE_UNSAFE: ["count", "window_school_days"],
        }.get(self.kind, [])
        missing = {
            name: _("Needed for this kind of rule.")
            for name in required
            if getattr(self, name) in (None, "", [])
        }
        if missing:
            raise ValidationError(missing)
        if self.kind == RuleKind.CRITICAL and self.priority != Priority.URGENT:
            # Rule 4: a critical answer always opens an urgent referral.
            raise ValidationError({"priority": _("A critical-item rule is always urgent.")})
        if self.due_within is not None and self.due_within < 1:
            raise ValidationError({"due_within": _("Must be at least 1.")})


class RuleChange(AppendOnlyModel):
    """What an administrator did to a rule, with its settings before and after (rule 8:
    never updated or deleted; a rule is disabled, never deleted, so this history stays)."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        DISABLED = "disabled", _("Disabled")
        ENABLED = "enabled", _("Enabled")

    rule = models.ForeignKey(ThresholdRule, on_delete=models.PROTECT, related_name="changes")
    action = models.CharField(max_length=16, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]


class RuleReview(AppendOnlyModel):
    """An administrator looked through the school's rules and kept them (the first-run
    checklist's "rules reviewed"; a change to a rule counts as a review too)."""

    school = models.ForeignKey("roster.School", on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]
