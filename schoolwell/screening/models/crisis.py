from django.db import models


class CrisisPlan(models.Model):
    """A school's 'what to do now' after a critical answer (rule 4); defaults from fixtures.

    Shapes follow fixtures/crisis/default_steps.json: staff_steps [{en, es}], crisis_line
    {name {en, es}, phone, text, url, note {en, es}}, student_message {en, es}.
    """

    school = models.OneToOneField(
        "roster.School", on_delete=models.CASCADE, related_name="crisis_plan"
    )
    staff_title = models.JSONField(default=dict, blank=True)
    staff_steps = models.JSONField(default=list)
    crisis_line = models.JSONField(default=dict)
    student_message = models.JSONField(default=dict)
    parent_message = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Crisis plan of {self.school}"
