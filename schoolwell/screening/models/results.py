import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schoolwell.screening.models.instruments import Instrument, Respondent


def token_hash(token: str) -> str:
    """What is stored of a self-report link's token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()


class WindowState(models.TextChoices):
    ACTIVE = "active", _("Scheduled or open")
    CLOSED = "closed", _("Closed early")
    CANCELLED = "cancelled", _("Cancelled")


class ScreeningWindow(models.Model):
    """A period in which a school screens some grades with one instrument (fall, winter…).

    Closed early or cancelled by an administrator, it takes no more results; the results
    already entered are kept either way."""

    school = models.ForeignKey(
        "roster.School", on_delete=models.CASCADE, related_name="screening_windows"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="windows")
    name = models.CharField(max_length=100, help_text=_("e.g. Fall 2026"))
    grades = models.JSONField(help_text=_("Grades screened, e.g. [6, 7, 8]"))
    opens_on = models.DateField()
    closes_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=16, choices=WindowState.choices, default=WindowState.ACTIVE)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-opens_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="window_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.instrument.name}"

    def is_open(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.state == WindowState.ACTIVE and self.opens_on <= on <= self.closes_on


class ScreeningResult(models.Model):
    """One administration of one instrument version for one student, scored on save.

    Stored only with effective screening consent (rule 2); `consent_state` records what it
    was at the time. A later revocation keeps the result and sets `consent_revoked_at`.
    """

    student = models.ForeignKey(
        "roster.Student", on_delete=models.CASCADE, related_name="screening_results"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="results")
    window = models.ForeignKey(
        ScreeningWindow, null=True, blank=True, on_delete=models.SET_NULL, related_name="results"
    )
    answers = models.JSONField(help_text=_("Item id → answer, as given"))
    total = models.IntegerField(null=True, blank=True)
    band = models.CharField(max_length=40, blank=True, help_text=_("Band key; blank: none"))
    band_label = models.CharField(max_length=200, blank=True)
    subscales = models.JSONField(default=dict, blank=True)
    scores = models.JSONField(default=dict, help_text=_("The scoring engine's full result"))
    critical = models.BooleanField(default=False)
    critical_reasons = models.JSONField(default=list, blank=True)
    complete = models.BooleanField(default=True)
    respondent = models.CharField(max_length=8, choices=Respondent.choices)
    administered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The rating teacher, or the staff member who started the kiosk or link"),
    )
    administered_at = models.DateTimeField(default=timezone.now)
    kiosk_session = models.ForeignKey(
        "KioskSession", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    consent_state = models.CharField(max_length=32, blank=True)
    consent_revoked_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Kept after revocation, and marked (rule 2)")
    )

    class Meta:
        ordering = ["-administered_at", "-pk"]
        indexes = [
            models.Index(fields=["student", "administered_at"]),
            models.Index(fields=["window", "student"]),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.code} {self.student_id} {self.administered_at:%Y-%m-%d}"

    @property
    def score_summary(self) -> str:
        """Scores in words for staff, e.g. 'E7 7, I6 6' or '12'."""
        if self.total is not None:
            return str(self.total)
        return ", ".join(
            f"{name} {value['score']}"
            for name, value in self.subscales.items()
            if value.get("score") is not None
        )


class GridDraft(models.Model):
    """A teacher's unsubmitted grid for one class and window, kept server-side so nothing is
    lost on a timeout or sign-out; deleted when the grid is submitted."""

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    klass = models.ForeignKey("roster.Class", on_delete=models.CASCADE, related_name="+")
    window = models.ForeignKey(ScreeningWindow, on_delete=models.CASCADE, related_name="+")
    answers = models.JSONField(default=dict, help_text=_("student id → item id → answer"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["teacher", "klass", "window"], name="grid_draft_unique")
        ]

    def __str__(self) -> str:
        return f"Draft {self.window_id}/{self.klass_id} by {self.teacher_id}"


class KioskMode(models.TextChoices):
    SCREENING = "screening", _("Questionnaire")
    VOICE = "voice", _("Student check-in")


class KioskSession(models.Model):
    """A device handed to named students of one class for a self-report instrument, or
    (mode "voice") for the students' own daily check-in (schoolwell.voice).

    The device's own login is ended when the kiosk starts; the device then holds only this
    session's id in its (server-side) session and can reach nothing but the questionnaire.
    """

    klass = models.ForeignKey("roster.Class", on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(max_length=16, choices=KioskMode.choices, default=KioskMode.SCREENING)
    # Empty for a student check-in kiosk, which asks no instrument.
    instrument = models.ForeignKey(
        Instrument, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    window = models.ForeignKey(
        ScreeningWindow, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Kiosk {self.pk} for {self.klass_id}"

    def is_live(self, now=None) -> bool:
        return self.ended_at is None and (now or timezone.now()) < self.expires_at


class SelfReportAssignment(models.Model):
    """One student's self-report to take, on a kiosk or through a single-use link.

    A link is identified by the SHA-256 of an opaque random token (the token itself is
    shown once and never stored); the first browser to open it claims it.
    """

    student = models.ForeignKey("roster.Student", on_delete=models.CASCADE, related_name="+")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    window = models.ForeignKey(
        ScreeningWindow, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kiosk = models.ForeignKey(
        KioskSession, null=True, blank=True, on_delete=models.CASCADE, related_name="assignments"
    )
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    claim_hash = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    answers = models.JSONField(default=dict, blank=True, help_text=_("Progress so far"))
    completed_at = models.DateTimeField(null=True, blank=True)
    result = models.OneToOneField(
        ScreeningResult, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Self-report {self.instrument_id} for {self.student_id}"

    def is_open(self, now=None) -> bool:
        return self.completed_at is None and (now or timezone.now()) < self.expires_at
