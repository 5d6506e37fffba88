"""The disclosure record (FERPA 34 CFR 99.32): who saw or exported which student's records.

Append-only: the application never updates or deletes a row (rule 8). The model refuses
it, and a database trigger (see migrations) refuses it underneath the ORM as well.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only")


class AppendOnlyModel(models.Model):
    """Base for records that are written once and never changed (audit, consent, events)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only")


class AccessLog(AppendOnlyModel):
    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        EXPORT = "export", _("Exported")
        PRINT = "print", _("Printed")
        DISCLOSE = "disclose", _("Disclosed to a third party")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_logs"
    )
    # Null for one row naming a whole set (e.g. an export of a class).
    student = models.ForeignKey(
        "roster.Student",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_logs",
    )
    action = models.CharField(max_length=16, choices=Action.choices, default=Action.VIEW)
    what = models.CharField(max_length=120, help_text=_("Which record, e.g. 'student profile'"))
    detail = models.CharField(max_length=255, blank=True, help_text=_("Never sensitive data"))
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["student", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.what}"

    @property
    def what_display(self) -> str:
        """`what` in the reader's language (stored as a code: see audit/texts.py)."""
        from schoolwell.audit.texts import what_label

        return what_label(self.what)
