from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from schoolwell.audit.models import AppendOnlyModel


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    SPANISH = "es", _("Español")


class User(AbstractUser):
    """Staff members and guardians. Students are roster records, never log-in users."""

    sourced_id = models.CharField(
        max_length=255, unique=True, null=True, blank=True, help_text=_("OneRoster sourcedId")
    )
    preferred_language = models.CharField(
        max_length=8, choices=Language.choices, default=Language.ENGLISH
    )
    phone = models.CharField(max_length=32, blank=True)
    # Bumped by every grant service (accounts.roles.grants_changed) in the grant's own
    # transaction: the cached access scope is keyed by it.
    grants_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class SecondFactorEvent(AppendOnlyModel):
    """What happened to a person's two-step sign-in, and who did it: append-only (rule 8).

    An administrator's reset is a security decision about someone else's account, so it is
    kept with who made it and from where; enrolment and recovery-code use are kept so an
    unexpected use can be noticed.
    """

    class Kind(models.TextChoices):
        ENROLLED = "enrolled", _("Set up two-step sign-in")
        RECOVERY_CODE_USED = "recovery_code_used", _("Signed in with a recovery code")
        RESET = "reset", _("Two-step sign-in reset by an administrator")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="second_factor_events"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.kind}"
