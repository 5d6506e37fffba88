"""Family rights and the data lifecycle: what guardians see, their requests, retention,
legal holds, erasure and the purge log (counts only, never data).

The record categories are the unit of every rule here: a per-school policy says which
categories guardians see; a per-school retention rule says how long each is kept.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from schoolwell.audit.models import AppendOnlyModel


class Category(models.TextChoices):
    CHECKINS = "checkins", _("Check-ins summary")
    SCREENING = "screening", _("Screening results")
    SUPPORT = "support", _("Referral and plan status")
    CONSENT = "consent", _("Consent history")
    DISCLOSURES = "disclosures", _("Who has seen the record")


class GuardianVisibility(models.Model):
    """Whether the school shows a category to guardians; no row: the default (policy.py)."""

    school = models.ForeignKey("roster.School", on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=16, choices=Category.choices)
    shown = models.BooleanField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "category"], name="guardian_visibility_one")
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.category}: {self.shown}"


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the school")
    ACCEPTED = "accepted", _("Accepted: the record will be corrected")
    DECLINED = "declined", _("Declined")


class RecordRequest(models.Model):
    """A guardian's request to correct part of their child's record (FERPA 34 CFR 99.20)."""

    student = models.ForeignKey("roster.Student", on_delete=models.CASCADE, related_name="+")
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(max_length=16, choices=Category.choices)
    message = models.TextField(max_length=2000)
    status = models.CharField(
        max_length=12, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["student", "-created_at"])]

    def __str__(self) -> str:
        return f"Request #{self.pk} ({self.status})"

    @property
    def school_id(self) -> int:
        return self.student.school_id


class RecordRequestEvent(AppendOnlyModel):
    """The request's history: made, decided (rule 8: written once, never changed)."""

    class Kind(models.TextChoices):
        MADE = "made", _("Request made")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    request = models.ForeignKey(RecordRequest, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)

    class Meta:
        ordering = ["at", "pk"]


class RetentionRule(models.Model):
    """How long a school keeps a category; no row: the default (policy.py)."""

    school = models.ForeignKey("roster.School", on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=16, choices=Category.choices)
    days = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "category"], name="retention_rule_one")
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.category}: {self.days} days"


class LegalHold(models.Model):
    """While active, nothing of the student is purged or erased."""

    student = models.ForeignKey("roster.Student", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=255)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField()
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]

    def __str__(self) -> str:
        return f"Hold #{self.pk} on {self.student_id}"

    @property
    def school_id(self) -> int:
        return self.student.school_id


class ErasureStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for a second administrator")
    DONE = "done", _("Erased")
    REFUSED = "refused", _("Refused")


class ErasureRequest(models.Model):
    """Erasure of one student's data: one administrator asks, another approves. Kept after
    the erasure as its audit record (who, when, on what verification; never the data)."""

    student = models.ForeignKey("roster.Student", on_delete=models.PROTECT, related_name="+")
    verification = models.CharField(
        max_length=255, help_text=_("How the request was verified (never the data itself)")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=ErasureStatus.choices, default=ErasureStatus.REQUESTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"Erasure #{self.pk} of {self.student_id} ({self.status})"

    @property
    def school_id(self) -> int:
        return self.student.school_id


class PurgeLog(AppendOnlyModel):
    """What a purge or an erasure removed: counts per category, never the data."""

    class Cause(models.TextChoices):
        RETENTION = "retention", _("Retention schedule")
        ERASURE = "erasure", _("Erasure request")

    at = models.DateTimeField()
    school = models.ForeignKey("roster.School", on_delete=models.PROTECT, related_name="+")
    cause = models.CharField(max_length=12, choices=Cause.choices)
    category = models.CharField(max_length=16, choices=Category.choices)
    rows = models.PositiveIntegerField()
    erasure = models.ForeignKey(
        ErasureRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-pk"]


class Audience(models.TextChoices):
    FAMILY = "family", _("Families")
    STAFF = "staff", _("Staff")


class HiddenResource(models.Model):
    """A library resource a district chose not to show."""

    district = models.ForeignKey("roster.District", on_delete=models.CASCADE, related_name="+")
    slug = models.SlugField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district", "slug"], name="hidden_resource_one")
        ]

    def __str__(self) -> str:
        return f"{self.district_id} hides {self.slug}"


class LocalResource(models.Model):
    """A district's own addition to the library: a local service, in its own words."""

    district = models.ForeignKey("roster.District", on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(max_length=8, choices=Audience.choices, default=Audience.FAMILY)
    # The language it is written in (pages mark it, so a reader's tools read it right).
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=2000)
    phone = models.CharField(max_length=40, blank=True)
    url = models.URLField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title
