"""What the school holds: the policy table per category, never private or restricted notes,
every view and download in the disclosure record, only the guardian's own children."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from schoolwell.audit.models import AccessLog
from schoolwell.lifecycle import services
from schoolwell.lifecycle.models import Category
from schoolwell.lifecycle.policy import shown_categories
from schoolwell.lifecycle.selectors import band_meaning, holdings
from tests.lifecycle.conftest import PRIVATE, RESTRICTED

pytestmark = pytest.mark.django_db


def held_url(student):
    return reverse("lifecycle:held", args=[student.pk])


def test_every_category_shown_by_default(school_a):
    assert shown_categories(school_a.pk) == {c.value: True for c in Category}


@pytest.mark.parametrize("category", list(Category))
def test_a_hidden_category_is_listed_as_not_shown(category, record, student_a, school_admin):
    services.visibility_set(
        school=student_a.school, category=category, shown=False, by=school_admin
    )
    found = holdings(student_a, "en")
    assert category not in [s.category for s in found.sections]
    assert str(category.label) in [label for label, _why in found.hidden]
    # The check-ins category has two sections: teachers' check-ins and the student's own.
    assert len(found.sections) == len(Category) - 1 + (category != Category.CHECKINS)


@pytest.mark.parametrize("who", ["teacher", "counsellor", "parent", "other_counsellor"])
def test_only_administrators_change_the_policy(request, who, school_a):
    user = request.getfixturevalue(who)
    with pytest.raises(Exception) as caught:
        services.visibility_set(school=school_a, category="screening", shown=False, by=user)
    assert caught.type.__name__ in {"PermissionDenied", "Http404"}
    assert shown_categories(school_a.pk)["screening"] is True


def test_page_shows_each_category_never_private_or_restricted(client, record, parent, student_a):
    client.force_login(parent)
    response = client.get(held_url(student_a), HTTP_ACCEPT_LANGUAGE="en")
    text = response.content.decode()
    assert response.status_code == 200
    for needle in (PRIVATE, RESTRICTED, "Xylophone", "Zanzibar"):
        assert needle not in text
    # The parent prefers Spanish: the page is in Spanish, categories and bands included.
    assert "Lo que la escuela tiene" in text
    assert "Depresión leve" in text
    assert "Notas privadas de los consejeros" in text
    assert (
        AccessLog.objects.filter(user=parent, student=student_a, what="family record").count() == 1
    )


@pytest.mark.parametrize(
    "who",
    [
        "teacher",
        "counsellor",
        "other_counsellor",
        "school_admin",
        "district_admin",
        "other_parent",
        "outsider",
    ],
)
def test_nobody_but_the_guardian_opens_it(request, client, who, record, student_a):
    client.force_login(request.getfixturevalue(who))
    for name in ("held", "held_print", "held_xlsx", "correction"):
        response = client.get(reverse(f"lifecycle:{name}", args=[student_a.pk]))
        assert response.status_code == 404, (who, name)
    assert not AccessLog.objects.filter(what__startswith="family record").exists()


def test_copy_contains_what_the_page_shows(client, record, parent, student_a):
    client.force_login(parent)
    with translation.override("es"):  # the parent's language; before the download's own row
        found = holdings(student_a, "es")
    response = client.get(reverse("lifecycle:held_xlsx", args=[student_a.pk]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 1 + len(found.sections)
    cells = {
        str(c.value)
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    }
    for section in found.sections:
        assert section.label[:31] in workbook.sheetnames
        for row in section.rows:
            assert set(row) - {""} <= cells
    assert not any(PRIVATE in c or RESTRICTED in c for c in cells)
    log = AccessLog.objects.get(user=parent, what="family record copy")
    assert log.action == AccessLog.Action.EXPORT


def test_copy_neutralises_formulas(client, record, parent, student_a):
    parent.first_name = "=HYPERLINK(1)"
    parent.save()
    client.force_login(parent)
    response = client.get(reverse("lifecycle:held_xlsx", args=[student_a.pk]))
    workbook = load_workbook(io.BytesIO(response.content))
    values = [c.value for ws in workbook.worksheets for row in ws.iter_rows() for c in row]
    assert "'=HYPERLINK(1) " in values or not any(str(v).startswith("=") for v in values if v)


def test_printable_page_is_logged(client, record, parent, student_a):
    client.force_login(parent)
    response = client.get(reverse("lifecycle:held_print", args=[student_a.pk]))
    assert response.status_code == 200
    assert AccessLog.objects.get(what="family record (print)").action == AccessLog.Action.PRINT


@translation.override("en")
def test_band_meaning_in_plain_words(instruments):
    definition = instruments["phq-a"].definition
    assert "lowest of 5" in band_meaning(definition, "minimal", "en")
    assert "highest of 5" in band_meaning(definition, "severe", "en")
    assert "range 2 of 5" in band_meaning(definition, "mild", "en")
    assert "not a diagnosis" in band_meaning(definition, "mild", "en")


@pytest.mark.parametrize("extra", [0, 5])
def test_page_queries_do_not_grow(
    client, django_assert_max_num_queries, record, parent, student_a, teacher, extra
):
    import datetime as dt

    from django.utils import timezone

    from schoolwell.audit.services import access_log_record
    from tests.lifecycle.conftest import add_checkin, add_result

    for i in range(extra):
        add_checkin(student_a, teacher, timezone.localdate() - dt.timedelta(days=10 + i))
        add_result(student_a, record["result"].instrument, timezone.now())
        access_log_record(user=teacher, student=student_a, what="student profile")
    client.force_login(parent)
    with django_assert_max_num_queries(30):
        assert client.get(held_url(student_a)).status_code == 200


def test_the_students_own_checkins_are_counted_never_their_messages(client, parent, student_a):
    import datetime as dt

    from django.utils import timezone

    from schoolwell.voice.models import Channel, StudentCheckIn

    today = timezone.localdate()
    for days, feeling in [(1, "sad"), (2, "sad"), (3, "happy")]:
        StudentCheckIn.objects.create(
            school=student_a.school,
            student=student_a,
            date=today - dt.timedelta(days=days),
            feeling=feeling,
            message="Quillfeather secret",
            channel=Channel.LINK,
            created_at=timezone.now(),
        )
    with translation.override("en"):
        found = holdings(student_a, "en")
    own = next(s for s in found.sections if s.label == "Your child's own check-ins")
    assert own.category == Category.CHECKINS
    assert own.rows[0][0] == "3" and own.rows[0][3].startswith("Sad (2)")
    client.force_login(parent)
    text = client.get(held_url(student_a)).content.decode()
    assert "Quillfeather" not in text
