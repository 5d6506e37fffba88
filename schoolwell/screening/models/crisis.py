from django.conf import settings
from django.db import models

from schoolwell.core.phones import PHONE_MAX, validate_phone

# What staff read first in a crisis must fit one phone screen (390×844).
QUICK_STEPS_MAX = 5
QUICK_STEP_LENGTH = 120
NEXT_STEPS_LENGTH = 300
FALLBACK_NAME_LENGTH = 80


class CrisisPlan(models.Model):
    """A school's 'what to do now' after a critical answer (rule 4); defaults from fixtures.

    What staff see first: `quick_steps` {lang: [≤5 short steps]}, who to call (the on-call
    counsellors from referrals, else `fallback_name` {lang} / `fallback_phone`) and
    `next_steps` {lang}. Then the long guidance, `staff_steps` [{en, es}].
    Shapes follow fixtures/crisis/default_steps.json: crisis_line {name {en, es}, phone,
    text, url, note {en, es}}, student_message {en, es}.
    """

    school = models.OneToOneField(
        "roster.School", on_delete=models.CASCADE, related_name="crisis_plan"
    )
    staff_title = models.JSONField(default=dict, blank=True)
    quick_steps = models.JSONField(default=dict, blank=True)
    next_steps = models.JSONField(default=dict, blank=True)
    fallback_name = models.JSONField(default=dict, blank=True)
    fallback_phone = models.CharField(max_length=PHONE_MAX, blank=True, validators=[validate_phone])
    staff_steps = models.JSONField(default=list)
    crisis_line = models.JSONField(default=dict)
    student_message = models.JSONField(default=dict)
    parent_message = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    def __str__(self) -> str:
        return f"Crisis plan of {self.school}"
