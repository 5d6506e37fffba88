"""The alert outbox: one Delivery row per recipient and channel, written in the same
transaction as its cause and sent (retried, escalated) by tasks, so an alert is never lost
between a commit and a mail server; and each person's notification settings."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    IN_APP = "in_app", _("In-app")


class Kind(models.TextChoices):
    URGENT = "urgent", _("Urgent referral")
    HIGH = "high", _("High-priority referral")
    OVERDUE = "overdue", _("Referral overdue")
    ESCALATION = "escalation", _("Unclaimed referral escalated")
    REASSIGNED = "reassigned", _("Referral assigned to you")
    DELIVERY_FAILED = "delivery_failed", _("An alert could not be delivered")
    WANTS_TO_TALK = "wants_to_talk", _("A student wants to talk today")


# Never filtered by anyone's settings nor held for a digest: a child may be at risk now
# (rule 4), or an urgent alert did not reach its counsellor.
# A student asked for an adult today: the adult they chose hears it whatever their settings.
ALWAYS_SENT = frozenset({Kind.URGENT, Kind.DELIVERY_FAILED, Kind.WANTS_TO_TALK})
SETTABLE_KINDS = [k for k in Kind if k not in ALWAYS_SENT]


class State(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    RETRYING = "retrying", _("Failed, will retry")
    GAVE_UP = "gave_up", _("Given up")
    HELD = "held", _("Held for the daily digest")


# A sender may claim rows in these states once their next attempt is due.
SENDABLE_STATES = (State.QUEUED, State.RETRYING)


class Delivery(models.Model):
    """One alert to one person on one channel, with its delivery state.

    The message is a code with parameters, rendered in the recipient's language when it is
    sent (messages.py); the cause is a foreign key per kind of cause (a referral event today;
    later features add theirs)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_deliveries"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    school = models.ForeignKey("roster.School", on_delete=models.CASCADE, related_name="+")
    referral = models.ForeignKey(
        "referrals.Referral", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    referral_event = models.ForeignKey(
        "referrals.ReferralEvent",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    escalated_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="escalations",
        help_text=_("The delivery whose failure this alert reports"),
    )
    message_code = models.CharField(max_length=64)
    # Codes and ids only, never a child's name or a reason: rendered at send time.
    params = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = _("deliveries")
        indexes = [
            # The sweep: rows due for a (re)try.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state__in=["queued", "retrying", "sending"]),
                name="alert_delivery_due",
            ),
            # The administrators' page: a school's deliveries by state, newest first.
            models.Index(fields=["school", "state", "created_at"], name="alert_delivery_school"),
            models.Index(fields=["referral", "created_at"], name="alert_delivery_referral"),
            models.Index(
                fields=["recipient"], condition=Q(state="held"), name="alert_delivery_held"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient} ({self.channel}, {self.state})"

    @property
    def message_id(self) -> str:
        """The same Message-ID on every attempt, so a duplicate can be recognised."""
        from schoolwell.alerts.messages import mail_host

        return f"<alert-{self.pk}@{mail_host()}>"


class Audience(models.TextChoices):
    """Whose alerts of one kind a person wants."""

    ALL = "all", _("All students of my school(s)")
    CASELOAD = "caseload", _("My caseload (referrals assigned to me)")
    NONE = "none", _("No one")


class NotificationSettings(models.Model):
    """A person's choice per alert kind (absent: the alerts their role brings them) and
    whether routine items come as one daily digest email."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    # {kind: Audience value}, validated by the settings service.
    audiences = models.JSONField(default=dict, blank=True)
    daily_digest = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"Notification settings of {self.user}"

    def audience(self, kind: str) -> str:
        return self.audiences.get(kind, "")
