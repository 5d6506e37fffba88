"""Demo data for the roster: last night's OneRoster import, run as a background job, so the
district administrator can open its result page (Roster import → the job's page)."""

from __future__ import annotations

from django.utils import timezone

from schoolwell.accounts.models import User
from schoolwell.roster.models import Class, Enrollment, GuardianLink, ImportJob, School, Student


def seed_import_job(district, rng, stdout) -> None:
    admin = User.objects.filter(username="districtadmin").first()
    if admin is None or ImportJob.objects.filter(requested_by=admin).exists():
        return
    schools = School.objects.filter(district=district)
    students = Student.objects.filter(school__in=schools)
    kinds = {
        "schools": schools.count(),
        "classes": Class.objects.filter(school__in=schools).count(),
        "students": students.count(),
        "enrollments": Enrollment.objects.filter(student__in=students).count(),
        "guardian_links": GuardianLink.objects.filter(student__in=students).count(),
    }
    # A nightly re-import: two students changed grade, one left; everything else matched.
    changed = {"students": (2, 1), "enrollments": (0, 1)}
    counts = {}
    for kind, total in kinds.items():
        updated, deactivated = changed.get(kind, (0, 0))
        counts[kind] = {
            "created": 0,
            "updated": updated,
            "deactivated": deactivated,
            "unchanged": max(0, total - updated - deactivated),
            "absent": 0 if kind in ("classes", "students", "enrollments") else None,
        }
    finished = timezone.now().replace(hour=2, minute=14, second=0, microsecond=0)
    ImportJob.objects.create(
        requested_by=admin,
        district=district,
        state=ImportJob.State.DONE,
        rows_done=sum(kinds.values()),
        rows_total=sum(kinds.values()),
        counts=counts,
        finished_at=finished,
    )
    stdout.write("  roster: a finished background import for the district administrator")
