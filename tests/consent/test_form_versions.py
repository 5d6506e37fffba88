"""Form versioning: a published version never changes; decisions are append-only."""

import pytest
from django.db import IntegrityError

from schoolwell.audit.models import AppendOnlyError
from schoolwell.consent.models import ConsentDecision, PublishedFormError

from .conftest import decide, make_form

pytestmark = pytest.mark.django_db


def test_published_form_text_cannot_change(school_a):
    form = make_form(school_a)
    form.title = {"en": "Something else"}
    with pytest.raises(PublishedFormError):
        form.save()
    form.refresh_from_db()
    assert form.title["en"].startswith("Form universal_screening")


def test_published_form_may_only_be_withdrawn(school_a):
    form = make_form(school_a)
    form.active = False
    form.save(update_fields=["active"])
    form.refresh_from_db()
    assert form.active is False


def test_draft_may_be_edited(school_a):
    form = make_form(school_a, published_at=None)
    form.notice_days = 21
    form.save()
    form.refresh_from_db()
    assert form.notice_days == 21


def test_version_is_unique_per_school_and_purpose(school_a):
    make_form(school_a)
    with pytest.raises(IntegrityError):
        make_form(school_a)


def test_decisions_are_append_only(student_a, parent):
    decision = decide(student_a, parent, make_form(student_a.school))
    decision.note = "changed"
    with pytest.raises(AppendOnlyError):
        decision.save()
    with pytest.raises(AppendOnlyError):
        ConsentDecision.objects.filter(pk=decision.pk).update(note="changed")
    with pytest.raises(AppendOnlyError):
        decision.delete()


def test_database_refuses_updates_underneath_the_orm(student_a, parent):
    from django.db import DatabaseError, connection, transaction

    decision = decide(student_a, parent, make_form(student_a.school))
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE consent_consentdecision SET decision = 'denied' WHERE id = %s", [decision.pk]
        )
    assert ConsentDecision.objects.get(pk=decision.pk).decision == "granted"
