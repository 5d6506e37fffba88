"""The roster: who is in which school and class, and who looks after whom.

Access is derived from it (see `selectors.visible_students`): school staff hold a
permission on their School through per-school groups, teachers on each Class they
teach, guardians through their GuardianLink to each child.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from schoolwell.accounts.models import Language


class District(models.Model):
    name = models.CharField(max_length=200)
    code = models.SlugField(max_length=64, unique=True)
    sourced_id = models.CharField(max_length=255, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["name"]
        permissions = [("administer_district", "Administer every school of the district")]

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="schools")
    name = models.CharField(max_length=200)
    code = models.SlugField(max_length=64, unique=True)
    sourced_id = models.CharField(max_length=255, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["name"]
        permissions = [
            ("counsel_school", "Work as a counsellor for the school's students"),
            ("administer_school", "Administer the school"),
        ]

    def __str__(self) -> str:
        return self.name


class AcademicTerm(models.Model):
    class Kind(models.TextChoices):
        SCHOOL_YEAR = "schoolYear", _("School year")
        SEMESTER = "semester", _("Semester")
        TERM = "term", _("Term")
        GRADING_PERIOD = "gradingPeriod", _("Grading period")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="terms")
    sourced_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.TERM)
    start_date = models.DateField()
    end_date = models.DateField()
    school_year = models.PositiveIntegerField(help_text=_("The year the school year ends in"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="term_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Class(models.Model):
    """A class section. Its teachers hold `teach_class` on it (see services.class_set_teachers)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="classes")
    term = models.ForeignKey(
        AcademicTerm, null=True, blank=True, on_delete=models.PROTECT, related_name="classes"
    )
    sourced_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    title = models.CharField(max_length=200)
    class_code = models.CharField(max_length=64, blank=True)
    grades = models.CharField(max_length=64, blank=True, help_text=_("e.g. 07 or 09,10"))
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "classes"
        ordering = ["school", "title"]
        permissions = [("teach_class", "Teach the class")]

    def __str__(self) -> str:
        return self.title


class Student(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="students")
    sourced_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    local_id = models.CharField(_("student ID"), max_length=64)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    grade = models.SmallIntegerField(help_text=_("0 = kindergarten, 1–12"))
    date_of_birth = models.DateField(null=True, blank=True)
    preferred_language = models.CharField(
        max_length=8, choices=Language.choices, default=Language.ENGLISH
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["family_name", "given_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["school", "local_id"], name="student_local_id_unique"),
            models.CheckConstraint(
                condition=models.Q(grade__gte=-1, grade__lte=13), name="student_grade_range"
            ),
        ]
        indexes = [models.Index(fields=["school", "grade"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.preferred_name or self.given_name} {self.family_name}"


class Enrollment(models.Model):
    # No index of their own: "enrollment_unique" (student, klass) and (klass, active) lead
    # with them and serve every look-up by either. A district has ~300,000 enrollments,
    # and each index is upkeep on every row an import writes (two of seven were a third
    # of the insert's time).
    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="enrollments", db_index=False
    )
    klass = models.ForeignKey(
        Class, on_delete=models.CASCADE, related_name="enrollments", db_index=False
    )
    sourced_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    begin_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "klass"], name="enrollment_unique")
        ]
        indexes = [models.Index(fields=["klass", "active"])]

    def __str__(self) -> str:
        return f"{self.student} in {self.klass}"


class GuardianLink(models.Model):
    """A guardian's standing with one child: this row is also the guardian's grant of access."""

    class Relationship(models.TextChoices):
        MOTHER = "mother", _("Mother")
        FATHER = "father", _("Father")
        PARENT = "parent", _("Parent")
        GUARDIAN = "guardian", _("Legal guardian")
        GRANDPARENT = "grandparent", _("Grandparent")
        RELATIVE = "relative", _("Relative")
        OTHER = "other", _("Other")

    # No index of its own: "guardian_link_unique" (guardian, student) leads with it.
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="guardian_links",
        db_index=False,
    )
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="guardian_links")
    relationship = models.CharField(
        max_length=16, choices=Relationship.choices, default=Relationship.PARENT
    )
    may_consent = models.BooleanField(
        default=True, help_text=_("Holds parental rights to consent for this student")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["guardian", "student"], name="guardian_link_unique")
        ]

    def __str__(self) -> str:
        return f"{self.guardian} ({self.get_relationship_display()}) of {self.student}"


# django-guardian: direct foreign-key permission tables (fast joins, real FKs), never the
# generic ones. Grants stay few: per-school groups, per-class teachers, per-district admins.
class DistrictUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(District, on_delete=models.CASCADE)


class DistrictGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(District, on_delete=models.CASCADE)


class SchoolUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(School, on_delete=models.CASCADE)


class SchoolGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(School, on_delete=models.CASCADE)


class ClassUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Class, on_delete=models.CASCADE)


class ClassGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Class, on_delete=models.CASCADE)


class ImportJob(models.Model):
    """A OneRoster import run in the background (large files), with its progress.

    The upload is kept in the row until the job has run (a worker on another machine can
    read it too), then dropped. Counts are stored as numbers and problems as file, row,
    column and message — written in the requester's language, as the import wrote them.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Imported")
        REJECTED = "rejected", _("Not imported: the file has problems")
        FAILED = "failed", _("Failed")

    class Stage(models.TextChoices):
        CHECKING = "checking", _("Checking every row")
        WRITING = "writing", _("Saving the roster")

    class Failure(models.TextChoices):
        """Why a job failed (not a problem in the file), shown in the reader's language."""

        FAILED = (
            "failed",
            _("The import stopped unexpectedly; nothing was saved. Please try again."),
        )

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="roster_import_jobs"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="import_jobs")
    dry_run = models.BooleanField(default=False)
    upload = models.BinaryField(blank=True, default=b"")
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    stage = models.CharField(max_length=16, choices=Stage.choices, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    # {kind: {created, updated, deactivated, unchanged, absent}} in the result's order.
    counts = models.JSONField(default=dict, blank=True)
    # [[file, row, column, message], …] (the first ones kept) and how many in all.
    problems = models.JSONField(default=list, blank=True)
    problems_total = models.PositiveIntegerField(default=0)
    failure = models.CharField(max_length=16, choices=Failure.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "-created_at"])]

    def __str__(self) -> str:
        return f"roster import #{self.pk} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.REJECTED, self.State.FAILED)

    @property
    def percent(self) -> int | None:
        if self.state == self.State.DONE:
            return 100
        if not self.rows_total:
            return None
        return min(99, int(100 * self.rows_done / self.rows_total))
