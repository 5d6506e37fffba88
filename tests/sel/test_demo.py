import io
import random

from django.utils import timezone

from schoolwell.core import demo
from schoolwell.sel.demo import demo_sel
from schoolwell.sel.models import Lesson, LessonDelivery, LessonSchedule
from schoolwell.sel.selectors import coverage_report


def test_demo_plans_and_logs_realistically_and_is_idempotent(db):
    district = demo.build_roster()
    demo_sel(district, random.Random(demo.SEED), io.StringIO())
    counts = (
        Lesson.objects.count(),
        LessonSchedule.objects.count(),
        LessonDelivery.objects.count(),
    )
    demo_sel(district, random.Random(demo.SEED), io.StringIO())
    assert (
        Lesson.objects.count(),
        LessonSchedule.objects.count(),
        LessonDelivery.objects.count(),
    ) == counts

    today = timezone.localdate()
    assert LessonSchedule.objects.filter(planned_on__gt=today).exists()
    assert LessonDelivery.objects.filter(status="skipped").exclude(skip_reason="").exists()
    delivered = LessonDelivery.objects.filter(status="delivered").first()
    assert 0 < delivered.students_present.count() <= delivered.roster_size
    # A school lesson and a teacher's adapted copy show the authoring features.
    assert Lesson.objects.filter(school__isnull=False, based_on__isnull=True).exists()
    assert Lesson.objects.filter(based_on__isnull=False, created_by__username="teacher").exists()

    from schoolwell.accounts.models import User

    admin = User.objects.get(username="districtadmin")
    start, end = district.terms.get().start_date, district.terms.get().end_date
    report = coverage_report(user=admin, start=start, end=end, today=today)
    assert any(row.overdue for row in report.classes), "some classes are behind plan"
    assert any(row.untouched for row in report.classes), "some competency is untouched"
    rates = {round(row.delivery_rate or 0, 2) for row in report.classes}
    assert len(rates) > 3, "classes differ"
