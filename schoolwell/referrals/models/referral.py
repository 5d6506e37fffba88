from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schoolwell.audit.models import AppendOnlyModel


class Priority(models.IntegerChoices):
    # Integers so the queue orders by the column itself (rule 6): urgent first.
    URGENT = 1, _("Urgent")
    HIGH = 2, _("High")
    ROUTINE = 3, _("Routine")

    @property
    def css(self) -> str:
        return self.name.lower()


class Status(models.TextChoices):
    NEW = "new", _("New")
    CLAIMED = "claimed", _("Claimed")
    TRIAGE = "triage", _("Triage")
    IN_PROGRESS = "in_progress", _("In progress")
    REFERRED_OUT = "referred_out", _("Referred out")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = [s for s in Status if s != Status.CLOSED]


class Source(models.TextChoices):
    RULE = "rule", _("Threshold rule")
    MANUAL = "manual", _("Concern raised by staff")
    STUDENT = "student", _("The student's own check-in")


class ReasonCode(models.TextChoices):
    """What a reason is; its parameters say the rest. Rendered by referrals.texts."""

    CRITICAL = "critical", _("Critical answer")
    SCORE_TOTAL = "score_total", _("Total score at or above a threshold")
    SUBSCALE = "subscale", _("Subscale score at or above a threshold")
    BAND = "band", _("Severity band")
    CHECKIN_LOW = "checkin_low", _("Low check-ins")
    CHECKIN_DROP = "checkin_drop", _("Drop from the student's baseline")
    CONCERN_TAG = "concern_tag", _("Check-in concern tag")
    CONCERN = "concern", _("Concern raised by staff")
    STUDENT_VOICE = "student_voice", _("The student's own check-in")
    VOICE_LOW = "voice_low", _("Low feelings in the student's check-ins")
    VOICE_DROP = "voice_drop", _("Drop in the student's own check-ins")
    VOICE_UNSAFE = "voice_unsafe", _('Repeated "feeling unsafe"')


class Referral(models.Model):
    """A student's case in the counsellors' queue. At most one is open per student (rule 3)."""

    school = models.ForeignKey("roster.School", on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey(
        "roster.Student", on_delete=models.PROTECT, related_name="referrals"
    )
    source = models.CharField(max_length=8, choices=Source.choices)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_referrals",
    )
    opened_at = models.DateTimeField()
    due_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the periodic check found it past due")
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    referred_to_team = models.CharField(max_length=200, blank=True)
    referred_to_provider = models.ForeignKey(
        "referrals.ExternalProvider", null=True, blank=True, on_delete=models.PROTECT
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["priority", "due_at", "opened_at", "pk"]
        constraints = [
            # Rule 3, enforced by the database so concurrent triggers cannot both insert.
            models.UniqueConstraint(
                fields=["student"],
                condition=~Q(status="closed"),
                name="referral_one_open_per_student",
            ),
        ]
        indexes = [
            # The queue: a school's open referrals in queue order (rule 6).
            models.Index(
                fields=["school", "priority", "due_at", "opened_at"],
                condition=~Q(status="closed"),
                name="referral_open_queue",
            ),
            models.Index(fields=["student", "opened_at"], name="referral_student_opened"),
            models.Index(
                fields=["due_at"],
                condition=~Q(status="closed") & Q(overdue_at__isnull=True),
                name="referral_due_unmarked",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED

    @property
    def priority_css(self) -> str:
        return Priority(self.priority).css


class ReferralReason(models.Model):
    """One trigger behind a referral: a rule that fired, or a concern raised by staff."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="reasons")
    source = models.CharField(max_length=8, choices=Source.choices)
    rule = models.ForeignKey(
        "referrals.ThresholdRule", null=True, blank=True, on_delete=models.SET_NULL
    )
    # Same key twice on one referral is the same reason (rule 3): a rule adds itself once.
    trigger_key = models.CharField(max_length=100)
    # Shown in the reader's language from `code` and `params` (referrals.texts); `summary` is
    # the English text, the only text of reasons stored before codes existed.
    code = models.CharField(max_length=16, choices=ReasonCode.choices, blank=True)
    params = models.JSONField(default=dict, blank=True)
    summary = models.CharField(max_length=255, help_text=_("What fired, in English"))
    concern_code = models.CharField(max_length=64, blank=True)
    note = models.TextField(blank=True, help_text=_("The raising teacher's note"))
    priority = models.PositiveSmallIntegerField(choices=Priority.choices)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="raised_referral_reasons",
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "trigger_key"], name="referral_reason_trigger_unique"
            )
        ]
        indexes = [models.Index(fields=["raised_by", "referral"])]

    def __str__(self) -> str:
        return self.summary


class ReferralEvent(AppendOnlyModel):
    """The referral's history (rule 8): written once by the service that made the change."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Referral opened")
        REASON_ADDED = "reason_added", _("Reason added")
        PRIORITY_RAISED = "priority_raised", _("Priority raised")
        ALERTED = "alerted", _("Alert sent")
        CLAIMED = "claimed", _("Claimed")
        STATUS_CHANGED = "status_changed", _("Status changed")
        NOTE_ADDED = "note_added", _("Note added")
        REASSIGNED = "reassigned", _("Reassigned")
        REFERRED_OUT = "referred_out", _("Referred out")
        CLOSED = "closed", _("Closed")
        OVERDUE = "overdue", _("Became overdue")
        ESCALATED = "escalated", _("Escalated to administrators")

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Blank when the system acted (a rule, the overdue check)"),
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Never the content of a note: codes, ids and statuses only.
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["referral", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M}"


class ReferralNote(AppendOnlyModel):
    """A counsellor's note. Private notes are FERPA sole-possession memory aids: only their
    author ever reads them; others see only that they exist."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    private = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["referral", "private"])]

    def __str__(self) -> str:
        return f"Note #{self.pk}"
