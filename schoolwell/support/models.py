"""Support plans (MTSS tiers 2–3): goals measured over time, interventions, contacts and
review decisions. A plan is the response to what screening and referrals found."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from schoolwell.audit.models import AppendOnlyModel


class Tier(models.IntegerChoices):
    TARGETED = 2, _("Tier 2 (targeted)")
    INTENSIVE = 3, _("Tier 3 (intensive)")


class ConcernArea(models.TextChoices):
    MOOD = "mood", _("Low mood")
    ANXIETY = "anxiety", _("Worry and anxiety")
    BEHAVIOUR = "behaviour", _("Behaviour")
    ATTENDANCE = "attendance", _("Attendance")
    PEERS = "peers", _("Peer relationships")
    FAMILY = "family", _("Family circumstances")
    ENGAGEMENT = "engagement", _("Engagement in learning")
    SELF_REGULATION = "self_regulation", _("Self-regulation")
    GRIEF = "grief", _("Grief and loss")


class PlanStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("plan status", "Active")
    CLOSED = "closed", pgettext_lazy("plan status", "Closed")


class Outcome(models.TextChoices):
    MET = "met", _("Goals met")
    STEPPED_DOWN = "stepped_down", _("Stepped down to universal support")
    NOT_MET = "not_met", _("Goals not met")
    REFERRED_OUT = "referred_out", _("Continued with a community provider")
    LEFT_SCHOOL = "left_school", _("Left the school")


class Intervention(models.Model):
    """One entry of the catalogue in fixtures/support/interventions.json (synced by
    `load_interventions`); texts per language."""

    code = models.SlugField(max_length=64, unique=True)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    name = models.JSONField(help_text=_('{"en": "...", "es": "..."}'))
    description = models.JSONField()
    dose = models.JSONField(help_text=_("Typical dose, per language"))
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["tier", "order", "code"]

    def __str__(self) -> str:
        return self.name.get("en", self.code)

    def text(self, field: str, language: str) -> str:
        value = getattr(self, field)
        return value.get(language) or value.get("en") or self.code


class SupportPlan(models.Model):
    school = models.ForeignKey("roster.School", on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey(
        "roster.Student", on_delete=models.PROTECT, related_name="support_plans"
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support_plans",
        help_text=_("The referral the plan came from, if any"),
    )
    tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    concern_areas = models.JSONField(default=list, help_text=_("ConcernArea codes"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_support_plans"
    )
    start_date = models.DateField()
    review_weeks = models.PositiveSmallIntegerField(default=6, help_text=_("Weeks between reviews"))
    next_review_on = models.DateField()
    status = models.CharField(max_length=8, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["next_review_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="active", outcome="") | Q(status="closed") & ~Q(outcome=""),
                name="support_plan_closed_has_outcome",
            ),
            # One active plan per student: more needs are more goals on it, not more plans.
            models.UniqueConstraint(
                fields=["student"], condition=Q(status="active"), name="support_one_active_plan"
            ),
        ]
        indexes = [
            models.Index(fields=["school", "status", "next_review_on"]),
            models.Index(fields=["owner", "status", "next_review_on"]),
        ]

    def __str__(self) -> str:
        return f"Support plan #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status == PlanStatus.ACTIVE

    def concern_labels(self) -> list[str]:
        return [str(ConcernArea(c).label) for c in self.concern_areas if c in ConcernArea.values]


class Measure(models.TextChoices):
    INSTRUMENT = "instrument", _("Screening instrument total (re-administered)")
    CHECKIN_WEEK = "checkin_week", _("Teacher check-in average over a week (1–5)")
    RATING = "rating", _("Counsellor rating (0–10)")


class Direction(models.TextChoices):
    LOWER = "lower", _("Lower is better")
    HIGHER = "higher", _("Higher is better")


class Goal(models.Model):
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="goals")
    description = models.CharField(max_length=255, help_text=_("What should change, in words"))
    measure = models.CharField(max_length=16, choices=Measure.choices)
    instrument_code = models.SlugField(max_length=32, blank=True)
    direction = models.CharField(max_length=8, choices=Direction.choices)
    baseline = models.FloatField()
    target = models.FloatField()
    by_date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(measure="instrument") | ~Q(instrument_code=""),
                name="support_goal_instrument_named",
            ),
        ]
        indexes = [models.Index(fields=["measure", "instrument_code"])]

    def __str__(self) -> str:
        return self.description


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    TWICE_WEEKLY = "twice_weekly", _("Two or three times a week")
    WEEKLY = "weekly", _("Weekly")
    FORTNIGHTLY = "fortnightly", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly")


class PlanIntervention(models.Model):
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="interventions")
    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="+")
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="delivered_interventions",
        help_text=_("The staff member who delivers it (a teacher sees this part of the plan)"),
    )
    frequency = models.CharField(max_length=16, choices=Frequency.choices)
    minutes = models.PositiveSmallIntegerField(default=30)
    started_on = models.DateField()

    class Meta:
        ordering = ["started_on", "pk"]
        indexes = [models.Index(fields=["delivered_by", "plan"])]

    def __str__(self) -> str:
        return f"{self.intervention} ({self.plan_id})"


class ContactKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual session with the student")
    GROUP = "group", _("Group session with the student")
    CHECK_IN = "check_in", _("Brief check-in with the student")
    FAMILY = "family", _("Contact with the family")
    TEACHER = "teacher", _("Consultation with a teacher")
    PROVIDER = "provider", _("Contact with an outside provider")


# Contacts with the student themself: the first attended one is the "first contact".
STUDENT_CONTACT_KINDS = [ContactKind.INDIVIDUAL, ContactKind.GROUP, ContactKind.CHECK_IN]


class SupportContact(models.Model):
    """A contact on a plan and/or a referral. Notes are read only by the school's
    counsellors and administrators, never by teachers or families."""

    student = models.ForeignKey("roster.Student", on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(
        SupportPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support_contacts",
    )
    date = models.DateField()
    kind = models.CharField(max_length=16, choices=ContactKind.choices)
    minutes = models.PositiveSmallIntegerField()
    attended = models.BooleanField(default=True)
    first_contact = models.BooleanField(
        default=False,
        help_text=_("The referral's first attended contact with the student themself"),
    )
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(plan__isnull=False) | Q(referral__isnull=False),
                name="support_contact_has_plan_or_referral",
            ),
            # One first contact per referral: the service marks it, the database keeps it one.
            models.UniqueConstraint(
                fields=["referral"], condition=Q(first_contact=True), name="support_first_contact"
            ),
        ]
        indexes = [
            models.Index(fields=["plan", "date"]),
            models.Index(fields=["referral", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class CheckSource(models.TextChoices):
    SCREENING = "screening", _("Screening result")
    CHECKINS = "checkins", _("Teacher check-ins")
    RATING = "rating", _("Counsellor rating")


class ProgressCheck(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="checks")
    date = models.DateField()
    value = models.FloatField()
    source = models.CharField(max_length=16, choices=CheckSource.choices)
    screening_result = models.ForeignKey(
        "screening.ScreeningResult",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # For check-in weeks: how many rated check-ins the week's average is made of.
    n = models.PositiveSmallIntegerField(default=1)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "screening_result"],
                condition=Q(screening_result__isnull=False),
                name="support_check_result_once",
            ),
            # One average per goal and week (dated on the week's Monday), updated in place.
            models.UniqueConstraint(
                fields=["goal", "date"], condition=Q(source="checkins"), name="support_check_week"
            ),
        ]
        indexes = [models.Index(fields=["goal", "date"])]

    def __str__(self) -> str:
        return f"{self.goal_id} {self.date} {self.value}"


class Suggestion(models.TextChoices):
    NOT_ENOUGH_DATA = "not_enough_data", _("Not enough data yet")
    STEP_DOWN = "step_down", _("Goal met and held: step down or close")
    CONTINUE = "continue", _("Progressing: continue the plan")
    INTENSIFY = "intensify", _("Little or no progress: intensify or move to tier 3")


class Decision(models.TextChoices):
    CONTINUE = "continue", _("Continue")
    INTENSIFY = "intensify", _("Intensify at this tier")
    MOVE_UP = "move_up", _("Move to tier 3")
    STEP_DOWN = "step_down", _("Step down")
    CLOSE = "close", _("Close the plan")


class ReviewDecision(AppendOnlyModel):
    """A plan review: what the rule suggested, what the counsellor decided (append-only)."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="reviews")
    date = models.DateField()
    due_on = models.DateField(help_text=_("The review date this decision answered"))
    suggestion = models.CharField(max_length=16, choices=Suggestion.choices)
    decision = models.CharField(max_length=16, choices=Decision.choices)
    tier_before = models.PositiveSmallIntegerField(choices=Tier.choices)
    tier_after = models.PositiveSmallIntegerField(choices=Tier.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    # Codes and figures behind the suggestion (points used, share of the gap closed).
    data = models.JSONField(default=dict, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]
        indexes = [models.Index(fields=["plan", "date"])]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} {self.date}"
