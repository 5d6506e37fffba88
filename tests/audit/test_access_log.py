"""Rule 8: every view of a student's record is logged; the log is never changed."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse

from schoolwell.audit.models import AccessLog, AppendOnlyError

pytestmark = pytest.mark.django_db


def test_student_page_view_writes_access_log(client_for, counsellor, student_a):
    client = client_for(counsellor)
    client.get(reverse("roster:student_detail", args=[student_a.pk]), REMOTE_ADDR="10.1.2.3")
    row = AccessLog.objects.get()
    assert (row.user, row.student, row.action, row.what) == (
        counsellor,
        student_a,
        AccessLog.Action.VIEW,
        "student profile",
    )
    assert row.ip_address == "10.1.2.3"
    client.get(reverse("roster:student_detail", args=[student_a.pk]))
    assert AccessLog.objects.count() == 2  # every view, not once per session


def test_denied_view_writes_nothing(client_for, other_counsellor, student_a):
    client_for(other_counsellor).get(reverse("roster:student_detail", args=[student_a.pk]))
    assert not AccessLog.objects.exists()


def _row(user, student):
    return AccessLog.objects.create(user=user, student=student, what="student profile")


def test_orm_refuses_update_and_delete(counsellor, student_a):
    row = _row(counsellor, student_a)
    row.what = "something else"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.filter(pk=row.pk).update(what="x")
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.all().delete()
    assert AccessLog.objects.get(pk=row.pk).what == "student profile"


def test_database_refuses_update_underneath_the_orm(counsellor, student_a):
    row = _row(counsellor, student_a)
    sql = "UPDATE audit_accesslog SET what = 'tampered' WHERE id = %s"
    with (
        pytest.raises((DatabaseError, IntegrityError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [row.pk])
    assert AccessLog.objects.get(pk=row.pk).what == "student profile"


@pytest.mark.postgres
def test_postgres_refuses_delete_underneath_the_orm(counsellor, student_a):
    row = _row(counsellor, student_a)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_accesslog WHERE id = %s", [row.pk])
    assert AccessLog.objects.filter(pk=row.pk).exists()


def test_admin_cannot_edit_access_log(admin_client, counsellor, student_a):
    row = _row(counsellor, student_a)
    response = admin_client.post(
        reverse("admin:audit_accesslog_change", args=[row.pk]), {"what": "edited"}
    )
    assert response.status_code == 403
    assert AccessLog.objects.get(pk=row.pk).what == "student profile"
    assert (
        admin_client.get(reverse("admin:audit_accesslog_delete", args=[row.pk])).status_code == 403
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("school_admin", 200),
        ("district_admin", 200),
        ("parent", 200),  # the student's own guardian (FERPA: parents see the record)
        ("other_parent", 404),
        ("teacher", 404),
        ("counsellor", 404),
        ("outsider", 404),
    ],
)
def test_disclosure_record_visibility(request, client_for, counsellor, student_a, persona, status):
    _row(counsellor, student_a)
    user = request.getfixturevalue(persona)
    response = client_for(user).get(reverse("audit:disclosures", args=[student_a.pk]))
    assert response.status_code == status
    if status == 200:
        assert "Counsellor" in response.content.decode()  # who looked is shown


def test_other_school_admin_cannot_see_disclosures(client_for, school_admin, student_b):
    response = client_for(school_admin).get(reverse("audit:disclosures", args=[student_b.pk]))
    assert response.status_code == 404
