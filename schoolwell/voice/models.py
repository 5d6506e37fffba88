"""Student voice: the student's own daily check-in, reached without an account (a class
kiosk or a personal link), and each school's settings for it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MESSAGE_MAX_LENGTH = 280


class Feeling(models.TextChoices):
    HAPPY = "happy", pgettext_lazy("feeling", "Happy")
    CALM = "calm", pgettext_lazy("feeling", "Calm")
    OKAY = "okay", pgettext_lazy("feeling", "Okay")
    TIRED = "tired", pgettext_lazy("feeling", "Tired")
    WORRIED = "worried", pgettext_lazy("feeling", "Worried")
    SAD = "sad", pgettext_lazy("feeling", "Sad")
    ANGRY = "angry", pgettext_lazy("feeling", "Angry")
    SCARED = "scared", pgettext_lazy("feeling", "Scared")


EMOJI = {
    Feeling.HAPPY: "😀",
    Feeling.CALM: "😌",
    Feeling.OKAY: "🙂",
    Feeling.TIRED: "😴",
    Feeling.WORRIED: "😟",
    Feeling.SAD: "😢",
    Feeling.ANGRY: "😠",
    Feeling.SCARED: "😨",
}
# How good a feeling is, 1–5: the "drop from the student's own baseline" rule reads this.
SCORE = {
    Feeling.HAPPY: 5,
    Feeling.CALM: 4,
    Feeling.OKAY: 3,
    Feeling.TIRED: 2,
    Feeling.WORRIED: 2,
    Feeling.SAD: 1,
    Feeling.ANGRY: 1,
    Feeling.SCARED: 1,
}
DEFAULT_LOW_FEELINGS = [Feeling.WORRIED, Feeling.SAD, Feeling.ANGRY, Feeling.SCARED]


class Energy(models.TextChoices):
    LOW = "low", pgettext_lazy("energy", "Low")
    SOME = "some", pgettext_lazy("energy", "Some")
    LOTS = "lots", pgettext_lazy("energy", "Lots")


class Topic(models.TextChoices):
    SLEEP = "sleep", _("Sleep")
    FRIENDS = "friends", _("Friends")
    FAMILY = "family", _("Family")
    SCHOOL_WORK = "school_work", _("School work")
    FEELING_SICK = "feeling_sick", _("Feeling sick")
    LEFT_OUT = "left_out", _("Being left out")
    ONLINE = "online", _("Things online")
    FUTURE = "future", _("My future")
    FEELING_UNSAFE = "feeling_unsafe", _("Feeling unsafe")


class GradeBand(models.TextChoices):
    EARLY = "early", _("Grades K–2")
    UPPER = "upper", _("Grades 3–5")
    MIDDLE = "middle", _("Grades 6–8")
    HIGH = "high", _("Grades 9–12")


def grade_band(grade: int) -> str:
    if grade <= 2:
        return GradeBand.EARLY
    if grade <= 5:
        return GradeBand.UPPER
    if grade <= 8:
        return GradeBand.MIDDLE
    return GradeBand.HIGH


# Age-banded: the youngest are offered the fewest, plainest choices. "Feeling unsafe" is
# offered to every age (it is the safety path).
TOPICS_BY_BAND = {
    GradeBand.EARLY: [
        Topic.SLEEP,
        Topic.FRIENDS,
        Topic.FAMILY,
        Topic.FEELING_SICK,
        Topic.FEELING_UNSAFE,
    ],
    GradeBand.UPPER: [
        Topic.SLEEP,
        Topic.FRIENDS,
        Topic.FAMILY,
        Topic.SCHOOL_WORK,
        Topic.LEFT_OUT,
        Topic.FEELING_SICK,
        Topic.FEELING_UNSAFE,
    ],
    GradeBand.MIDDLE: [
        Topic.SLEEP,
        Topic.FRIENDS,
        Topic.FAMILY,
        Topic.SCHOOL_WORK,
        Topic.LEFT_OUT,
        Topic.ONLINE,
        Topic.FEELING_UNSAFE,
    ],
    GradeBand.HIGH: [
        Topic.SLEEP,
        Topic.FRIENDS,
        Topic.FAMILY,
        Topic.SCHOOL_WORK,
        Topic.ONLINE,
        Topic.FUTURE,
        Topic.FEELING_UNSAFE,
    ],
}


class WantsToTalk(models.TextChoices):
    NOT_NOW = "not_now", _("Not now")
    SOON = "soon", _("Yes, soon")
    TODAY = "today", _("Yes, today")


class Channel(models.TextChoices):
    KIOSK = "kiosk", _("Class kiosk")
    LINK = "link", _("Personal link")


class MessageAudience(models.TextChoices):
    COUNSELLORS = "counsellors", _("Counsellors only")
    ALSO_TEACHER = "also_teacher", _("Counsellors and the class teacher")


class VoiceSettings(models.Model):
    """A school's choices: which feelings count as low, who reads students' messages."""

    school = models.OneToOneField(
        "roster.School", on_delete=models.CASCADE, related_name="voice_settings"
    )
    low_feelings = models.JSONField(default=list)
    message_audience = models.CharField(
        max_length=16, choices=MessageAudience.choices, default=MessageAudience.COUNSELLORS
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = _("student check-in settings")

    def __str__(self) -> str:
        return f"Student check-in settings of {self.school_id}"


class CheckInLink(models.Model):
    """A student's personal check-in link (printed as a QR card). It opens only that
    student's check-in; one live link per student; staff revoke it."""

    student = models.ForeignKey("roster.Student", on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["student"], condition=Q(revoked_at=None), name="voice_one_live_link"
            )
        ]

    def __str__(self) -> str:
        return f"Check-in link {self.pk} of {self.student_id}"


class StudentCheckIn(models.Model):
    """A student's own check-in for a school day. A second one the same day supersedes the
    first (corrections are kept: the old row stays, no longer current)."""

    school = models.ForeignKey("roster.School", on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(
        "roster.Student", on_delete=models.CASCADE, related_name="voice_checkins"
    )
    date = models.DateField()
    feeling = models.CharField(max_length=16, choices=Feeling.choices)
    energy = models.CharField(max_length=8, choices=Energy.choices, blank=True)
    topics = models.JSONField(default=list, blank=True)
    message = models.CharField(max_length=MESSAGE_MAX_LENGTH, blank=True)
    wants_to_talk = models.CharField(
        max_length=8, choices=WantsToTalk.choices, default=WantsToTalk.NOT_NOW
    )
    trusted_adult = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    kiosk = models.ForeignKey(
        "screening.KioskSession", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    klass = models.ForeignKey(
        "roster.Class", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    current = models.BooleanField(default=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    # Set when the check-in raised the crisis path (never shown to the student).
    crisis = models.BooleanField(default=False)
    talk_answered_at = models.DateTimeField(null=True, blank=True)
    talk_answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "date"], condition=Q(current=True), name="voice_one_current"
            )
        ]
        indexes = [
            models.Index(fields=["student", "date"]),
            models.Index(fields=["school", "date"]),
        ]

    def __str__(self) -> str:
        return f"Student check-in {self.pk} ({self.date})"

    @property
    def emoji(self) -> str:
        return EMOJI.get(self.feeling, "")

    @property
    def score(self) -> int:
        return SCORE.get(self.feeling, 3)

    def topic_labels(self) -> list[str]:
        return [Topic(t).label for t in self.topics if t in Topic.values]
