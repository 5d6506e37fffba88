"""Background exports: a request, its progress and its file, downloadable by the requester only."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def export_upload_to(instance: Export, filename: str) -> str:
    # An unguessable name: the file is served only through the download view, but a
    # predictable path would still leak which exports exist if media were ever exposed.
    return f"exports/{secrets.token_urlsafe(24)}.xlsx"


class Export(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exports"
    )
    kind = models.CharField(max_length=32)
    filters = models.JSONField(default=dict, blank=True)
    # The language the requester read the site in: labels and names in the workbook follow it
    # (blank: the requester's preferred language).
    language = models.CharField(max_length=8, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(upload_to=export_upload_to, blank=True)

    class Failure(models.TextChoices):
        """Why an export failed, stored as a code and shown in the reader's language."""

        NOT_ALLOWED = "not_allowed", _("Your role no longer allows this export.")
        DATABASE = (
            "database",
            _("The database could not be read while the export ran. Please request it again."),
        )
        TIMED_OUT = (
            "timed_out",
            _("The export stopped before it finished (it ran too long). Please request it again."),
        )
        FAILED = "failed", _("The export failed. Please request it again.")

    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    error = models.CharField(max_length=255, blank=True)  # a Failure code

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"]),
            models.Index(fields=["status", "expires_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} export #{self.pk} ({self.status})"

    @property
    def error_message(self) -> str:
        if not self.error:
            return ""
        if self.error in self.Failure.values:
            return str(self.Failure(self.error).label)
        return self.error  # written before failures were codes

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.EXPIRED or self.expires_at <= timezone.now()

    @property
    def percent(self) -> int | None:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return None
        return min(99, int(100 * self.rows_done / self.rows_total))
