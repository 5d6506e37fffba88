from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from schoolwell.core.phones import PHONE_MAX, validate_phone


class OnCall(models.Model):
    """The school's on-call roster: who is alerted first about urgent referrals (rule 4)."""

    school = models.ForeignKey("roster.School", on_delete=models.CASCADE, related_name="on_call")
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="on_call"
    )
    active = models.BooleanField(default=True)
    # On the roster row, not the user: the number staff call while this person is on call
    # here (a duty mobile can differ by school). Shown to the school's staff in a crisis.
    phone = models.CharField(
        _("on-call phone"), max_length=PHONE_MAX, blank=True, validators=[validate_phone]
    )

    class Meta:
        verbose_name = _("on-call counsellor")
        constraints = [
            models.UniqueConstraint(fields=["school", "counsellor"], name="on_call_unique")
        ]

    def __str__(self) -> str:
        return f"{self.counsellor} on call at {self.school}"


class ExternalProvider(models.Model):
    """A community service a referral can go to; needs the guardian's data-sharing consent."""

    district = models.ForeignKey(
        "roster.District", on_delete=models.CASCADE, related_name="external_providers"
    )
    code = models.SlugField(max_length=64)
    name = models.CharField(max_length=200)
    kind = models.JSONField(default=dict, help_text=_("Label per language"))
    phone = models.CharField(max_length=32, blank=True)
    email = models.EmailField(blank=True)
    address = models.CharField(max_length=255, blank=True)
    languages = models.JSONField(default=list, blank=True)
    services = models.JSONField(default=dict, blank=True, help_text=_("Text per language"))
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="provider_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """An in-app notification. One per user per event, so a retried task never doubles it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.ForeignKey("referrals.ReferralEvent", on_delete=models.CASCADE, related_name="+")
    message = models.CharField(max_length=255)
    emailed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notification_once_per_event")
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.message
