from django.db import models
from django.utils.translation import gettext_lazy as _


class Respondent(models.TextChoices):
    TEACHER = "teacher", _("Teacher about the student")
    STUDENT = "student", _("The student (self-report)")


class Instrument(models.Model):
    """One version of an instrument, copied from its validated fixture by `instrument_sync`.

    A result points at the row it was scored with; a new fixture version adds a row and
    never rewrites old results (rule 1: a score is reproducible from its version).
    """

    code = models.SlugField(max_length=32)
    version = models.CharField(max_length=16)
    name = models.CharField(max_length=200)
    respondent = models.CharField(max_length=8, choices=Respondent.choices)
    definition = models.JSONField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="instrument_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"

    @property
    def items(self) -> list[dict]:
        return self.definition["items"]
