"""core.bulk.rows_update: one UPDATE that writes each row's own values, grouped by value."""

import datetime as dt

from django.utils import timezone

from schoolwell.core.bulk import rows_update
from schoolwell.screening.models import CheckIn
from tests.conftest import enroll, make_student


def test_each_row_gets_its_own_values_in_one_query(
    school_a, class_a, teacher, django_assert_num_queries
):
    students = [enroll(make_student(school_a, f"U{i}"), class_a).student for i in range(5)]
    day = dt.date(2026, 11, 18)
    rows = CheckIn.objects.bulk_create(
        CheckIn(student=s, teacher=teacher, klass=class_a, date=day, wellbeing=3) for s in students
    )
    later = timezone.now() + dt.timedelta(minutes=5)
    wanted = [
        (5, False, [], ""),
        (None, True, [], ""),  # NULL among numbers
        (1, False, ["tired", "withdrawn"], "a note"),
        (5, False, ["tired"], ""),  # a value shared with the first row
        (3, False, [], 'it\'s "quoted"'),
    ]
    for row, (wellbeing, absent, tags, note) in zip(rows, wanted, strict=True):
        row.wellbeing, row.absent, row.tags, row.note, row.updated_at = (
            wellbeing,
            absent,
            tags,
            note,
            later,  # the same for all: one plain value, no CASE
        )
    with django_assert_num_queries(1):
        assert rows_update(rows, ["wellbeing", "absent", "tags", "note", "updated_at"]) == 5
    found = {
        c.student_id: (c.wellbeing, c.absent, c.tags, c.note, c.updated_at)
        for c in CheckIn.objects.all()
    }
    assert found == {s.pk: (*values, later) for s, values in zip(students, wanted, strict=True)}


def test_nothing_to_update_is_no_query(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        assert rows_update([], ["wellbeing"]) == 0
