"""Consent: versioned forms per school and purpose, append-only decisions, notices sent.

Effective consent is never stored: it is derived in one place, `gating.py`, from the
current form of the school year and the latest decision of each guardian who may consent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from schoolwell.audit.models import AppendOnlyModel


class Purpose(models.TextChoices):
    """The purposes shipped with default forms. A school may add its own purpose slug."""

    UNIVERSAL_SCREENING = "universal_screening", _("Wellbeing screening")
    COUNSELLING = "counselling", _("School counselling")
    EXTERNAL_SHARING = "external_sharing", _("Sharing with an outside provider")
    STUDENT_CHECKIN = "student_checkin", _("Student daily check-in")


class Policy(models.TextChoices):
    # PPRA: schools differ, so the policy is per school and per purpose (on the form).
    ACTIVE = "active", _("Active consent (opt-in)")
    PASSIVE = "passive", _("Passive consent (opt-out after notice)")


class PublishedFormError(Exception):
    """A published form version is immutable: what a decision agreed to never changes."""


class ConsentForm(models.Model):
    """One version of a school's form for one purpose and school year.

    A new version is a new row. Once published (`published_at` set) its text, policy and
    year are frozen; only `active` may change (to withdraw it from use).
    """

    school = models.ForeignKey(
        "roster.School", on_delete=models.PROTECT, related_name="consent_forms"
    )
    purpose = models.SlugField(
        max_length=64, help_text=_("universal_screening, counselling, external_sharing or a slug")
    )
    version = models.PositiveIntegerField()
    school_year = models.PositiveIntegerField(help_text=_("The year the school year ends in"))
    policy = models.CharField(max_length=8, choices=Policy.choices, default=Policy.ACTIVE)
    notice_days = models.PositiveSmallIntegerField(
        default=14,
        validators=[MaxValueValidator(120)],
        help_text=_("Passive policy: days after the notice before consent is assumed"),
    )
    # Text per language: {"en": ..., "es": ...}; body is {"en": [paragraphs], ...}.
    title = models.JSONField(default=dict)
    summary = models.JSONField(default=dict)
    body = models.JSONField(default=dict)
    grant_label = models.JSONField(default=dict)
    deny_label = models.JSONField(default=dict)
    revoke_label = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["school", "purpose", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "purpose", "version"], name="consent_form_version_unique"
            ),
        ]
        indexes = [models.Index(fields=["school", "purpose", "school_year"])]

    def __str__(self) -> str:
        return f"{self.text('en').title} v{self.version} ({self.school_year})"

    def save(self, *args, **kwargs):
        # Versioning rule: a published version never changes what a decision agreed to.
        if getattr(self, "_published_in_db", False):
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= {"active"}:
                raise PublishedFormError("A published consent form version cannot be changed")
        super().save(*args, **kwargs)
        self._published_in_db = self.published_at is not None

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._published_in_db = instance.published_at is not None
        return instance

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def passive(self) -> bool:
        return self.policy == Policy.PASSIVE

    @property
    def purpose_label(self) -> str:
        try:
            return Purpose(self.purpose).label
        except ValueError:
            return self.text().title

    def text(self, language: str | None = None) -> FormText:
        """The form's text in `language` (the active language by default), else English."""
        from django.utils.translation import get_language

        lang = (language or get_language() or "en")[:2]

        def pick(field):
            return field.get(lang) or field.get("en") or ""

        return FormText(
            language=lang if self.title.get(lang) else "en",
            title=pick(self.title),
            summary=pick(self.summary),
            body=[
                Paragraph(text=p[3:], heading=True) if p.startswith("## ") else Paragraph(p)
                for p in (pick(self.body) or [])
            ],
            grant_label=pick(self.grant_label),
            deny_label=pick(self.deny_label),
            revoke_label=pick(self.revoke_label),
        )


@dataclass(frozen=True)
class Paragraph:
    text: str
    heading: bool = False


@dataclass(frozen=True)
class FormText:
    language: str
    title: str
    summary: str
    body: list[Paragraph]
    grant_label: str
    deny_label: str
    revoke_label: str


class Decision(models.TextChoices):
    GRANTED = "granted", _("Granted")
    DENIED = "denied", _("Denied")
    REVOKED = "revoked", _("Withdrawn")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Parent portal")
    PAPER = "paper", _("Paper form")
    PHONE = "phone", _("Phone call")
    IN_PERSON = "in_person", _("In person (student)")


class ConsentDecision(AppendOnlyModel):
    """A guardian's (or, where the school allows it, the student's own) decision on one form
    version. Append-only (rule 8): a change of mind is a new row, never an edit."""

    student = models.ForeignKey(
        "roster.Student", on_delete=models.PROTECT, related_name="consent_decisions"
    )
    # Null only for a student's own decision under minor self-consent (counselling).
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consent_decisions",
    )
    form = models.ForeignKey(ConsentForm, on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField(max_length=8, choices=Decision.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(db_index=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["student", "form", "at"])]

    def __str__(self) -> str:
        return f"{self.student_id} {self.decision} form {self.form_id} at {self.at:%Y-%m-%d}"

    @property
    def is_self_consent(self) -> bool:
        return self.guardian_id is None


class ConsentNotice(AppendOnlyModel):
    """A form was sent to a guardian about a student. The first notice to a guardian who
    may consent starts the passive notice period; later ones are reminders."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("Notice")
        REMINDER = "reminder", _("Reminder")

    class Via(models.TextChoices):
        EMAIL = "email", _("Email")
        PAPER = "paper", _("Letter home")

    student = models.ForeignKey(
        "roster.Student", on_delete=models.PROTECT, related_name="consent_notices"
    )
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consent_notices"
    )
    form = models.ForeignKey(ConsentForm, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.NOTICE)
    via = models.CharField(max_length=8, choices=Via.choices, default=Via.EMAIL)
    sent_at = models.DateTimeField(db_index=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["form", "student"])]


class SchoolConsentSettings(models.Model):
    """Per-school consent settings that are not per form."""

    school = models.OneToOneField(
        "roster.School", on_delete=models.CASCADE, related_name="consent_settings"
    )
    # Some jurisdictions let older students consent to counselling themselves: off by default.
    minor_self_consent = models.BooleanField(
        default=False,
        help_text=_("Students at or above the age below may consent to counselling themselves"),
    )
    minor_self_consent_age = models.PositiveSmallIntegerField(
        default=16, validators=[MinValueValidator(10), MaxValueValidator(18)]
    )

    class Meta:
        verbose_name_plural = "school consent settings"

    def __str__(self) -> str:
        return f"Consent settings of {self.school}"
