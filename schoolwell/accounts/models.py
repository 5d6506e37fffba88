from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


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
