"""Community coordination (issue 17): the provider directory, data-sharing agreements,
consent per provider, the closed loop of a referral out, staff training and whole-school
incident response."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from schoolwell.audit.models import AppendOnlyModel


class ProviderCategory(models.TextChoices):
    CLINIC = "clinic", _("Community mental health clinic")
    NONPROFIT = "nonprofit", _("Youth nonprofit")
    PEDIATRIC = "pediatric", _("Pediatric practice")
    CRISIS = "crisis", _("Crisis service")
    FAMILY = "family", _("Family support service")


class Cost(models.TextChoices):
    FREE = "free", _("Free")
    SLIDING = "sliding", _("Sliding scale")
    INSURANCE = "insurance", _("Insurance")
    PRIVATE = "private", _("Private pay")


class Capacity(models.TextChoices):
    OPEN = "open", _("Taking new referrals")
    WAITLIST = "waitlist", _("Waiting list")
    FULL = "full", _("Full")


class ProviderProfile(models.Model):
    """The directory entry of an ExternalProvider (one per provider, per district)."""

    provider = models.OneToOneField(
        "referrals.ExternalProvider", on_delete=models.CASCADE, related_name="profile"
    )
    category = models.CharField(max_length=16, choices=ProviderCategory.choices)
    age_min = models.PositiveSmallIntegerField(default=5)
    age_max = models.PositiveSmallIntegerField(default=18)
    cost = models.CharField(max_length=16, choices=Cost.choices, default=Cost.SLIDING)
    insurance = models.CharField(max_length=200, blank=True)
    waiting_weeks = models.PositiveSmallIntegerField(default=0)
    location = models.CharField(max_length=120, blank=True)
    contact_name = models.CharField(max_length=120, blank=True)
    capacity = models.CharField(max_length=16, choices=Capacity.choices, default=Capacity.OPEN)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.provider)


class DataCategory(models.TextChoices):
    IDENTITY = "identity", _("Name, grade and date of birth")
    CONTACT = "contact", _("Guardian contact details")
    REASON = "reason", _("Reason for the referral")
    SCREENING = "screening", _("Screening results")
    SCHOOL = "school", _("School and counsellor contact")


class DataSharingAgreement(models.Model):
    """What a district may share with a provider, for what purpose, and for how long."""

    district = models.ForeignKey(
        "roster.District", on_delete=models.CASCADE, related_name="sharing_agreements"
    )
    provider = models.ForeignKey(
        "referrals.ExternalProvider", on_delete=models.PROTECT, related_name="agreements"
    )
    categories = models.JSONField(default=list)
    purpose = models.CharField(max_length=300)
    starts_on = models.DateField()
    expires_on = models.DateField()
    document_ref = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["expires_on", "pk"]
        indexes = [models.Index(fields=["provider", "expires_on"])]

    def __str__(self) -> str:
        return f"{self.provider} ({self.starts_on}–{self.expires_on})"

    def active_on(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.expires_on

    def category_labels(self) -> list[str]:
        return [DataCategory(c).label for c in self.categories if c in DataCategory.values]


class ConsentScope(models.TextChoices):
    PROVIDER = "provider", _("This provider only")
    CATEGORY = "category", _("Any provider of this kind")


class ProviderConsent(AppendOnlyModel):
    """A guardian's decision about sharing with one provider or one kind of provider,
    recorded on the referral it was asked for (the consent form promises to ask again for a
    different provider). Append-only: a later decision supersedes, never edits."""

    class Channel(models.TextChoices):
        PAPER = "paper", _("Paper form")
        PHONE = "phone", _("Phone call")
        MEETING = "meeting", _("Meeting")

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="provider_consents"
    )
    student = models.ForeignKey("roster.Student", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(
        "referrals.ExternalProvider", on_delete=models.PROTECT, related_name="+"
    )
    scope = models.CharField(max_length=16, choices=ConsentScope.choices)
    category = models.CharField(max_length=16, choices=ProviderCategory.choices, blank=True)
    granted = models.BooleanField()
    guardian_name = models.CharField(max_length=120)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def covers(self, provider, category: str) -> bool:
        if self.scope == ConsentScope.PROVIDER:
            return self.provider_id == provider.pk
        return self.category == category


class LoopOutcome(models.TextChoices):
    ENGAGED = "engaged", _("Engaged in treatment")
    ASSESSED = "assessed", _("Assessed, no treatment needed")
    DECLINED = "declined", _("Family declined the service")
    NOT_REACHED = "not_reached", _("Family could not be reached")


class ProviderReferral(models.Model):
    """The closed loop of a referral out: the provider's link (only its sha256 is kept),
    their acknowledgement, first appointment and a brief outcome."""

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="provider_loops"
    )
    provider = models.ForeignKey(
        "referrals.ExternalProvider", on_delete=models.PROTECT, related_name="loops"
    )
    agreement = models.ForeignKey(DataSharingAgreement, on_delete=models.PROTECT, related_name="+")
    consent = models.ForeignKey(ProviderConsent, on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    link_expires_at = models.DateTimeField()
    link_issued_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    first_appointment_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=LoopOutcome.choices, blank=True)
    outcome_note = models.CharField(max_length=500, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(acknowledged_at__isnull=True, completed_at__isnull=True),
                name="loop_unacknowledged",
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} · referral #{self.referral_id}"

    @property
    def state(self) -> str:
        if self.completed_at:
            return "closed"
        if self.acknowledged_at:
            return "acknowledged"
        return "sent"


class Course(models.TextChoices):
    MHFA = "mhfa", _("Mental Health First Aid")
    YOUTH_MHFA = "youth_mhfa", _("Youth Mental Health First Aid")
    PFA = "pfa", _("Psychological first aid")
    GATEKEEPER = "gatekeeper", _("Suicide-prevention gatekeeper training")
    SCHOOL = "school", _("The school's own course")


class TrainingRecord(models.Model):
    school = models.ForeignKey("roster.School", on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_records"
    )
    course = models.CharField(max_length=16, choices=Course.choices)
    course_name = models.CharField(max_length=120, blank=True)
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["school", "staff", "course", "-completed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "staff", "course", "course_name", "completed_on"],
                name="training_record_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff} · {self.get_course_display()}"


class IncidentKind(models.TextChoices):
    DEATH = "death", _("A death in the community")
    VIOLENCE = "violence", _("Violence")
    DISASTER = "disaster", _("A disaster or accident")
    OTHER = "other", _("Another event")


class Incident(models.Model):
    """An event that affects a school community, and its response."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("incident status", "Open")
        CLOSED = "closed", pgettext_lazy("incident status", "Closed")

    school = models.ForeignKey("roster.School", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=IncidentKind.choices)
    title = models.CharField(max_length=200)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="incident_teams")
    classes = models.ManyToManyField("roster.Class", blank=True, related_name="+")
    grades = models.JSONField(default=list, blank=True)
    students = models.ManyToManyField("roster.Student", blank=True, related_name="+")
    screening_window = models.ForeignKey(
        "screening.ScreeningWindow",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    referrals = models.ManyToManyField("referrals.Referral", blank=True, related_name="+")
    providers = models.ManyToManyField("referrals.ExternalProvider", blank=True, related_name="+")
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Need(models.TextChoices):
    SAFETY = "safety", _("Safety and comfort")
    INFORMATION = "information", _("Information about what happened")
    GRIEF = "grief", _("Grief")
    FEAR = "fear", _("Fear or worry")
    FAMILY = "family", _("Contact with family")
    PRACTICAL = "practical", _("Practical help")


class FollowUp(models.TextChoices):
    NONE = "none", _("None needed")
    CHECK_IN = "check_in", _("Check in again")
    COUNSELLOR = "counsellor", _("See a counsellor")
    REFERRAL = "referral", _("Referral")
    FAMILY = "family", _("Call the family")


class PFAContact(models.Model):
    """One psychological-first-aid contact after an incident."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="contacts")
    student = models.ForeignKey("roster.Student", on_delete=models.PROTECT, related_name="+")
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    seen_at = models.DateTimeField()
    needs = models.JSONField(default=list)
    follow_up = models.CharField(max_length=16, choices=FollowUp.choices)

    class Meta:
        ordering = ["-seen_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.student} · {self.seen_at:%Y-%m-%d}"

    def need_labels(self) -> list[str]:
        return [Need(n).label for n in self.needs if n in Need.values]
