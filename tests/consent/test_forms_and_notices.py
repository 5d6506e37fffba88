"""Form management (drafts, publishing, versions), default texts, and the notice emails."""

import json

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from schoolwell.consent.defaults import (
    FORMS_FILE,
    DefaultFormsError,
    default_forms,
    validate_default_forms,
)
from schoolwell.consent.gating import ConsentState, effective_consent, school_year_now
from schoolwell.consent.models import ConsentForm, ConsentNotice, Policy, Purpose
from schoolwell.consent.services import (
    consent_default_forms_create,
    consent_form_draft_create,
    consent_form_draft_update,
    consent_form_publish,
    consent_notices_send,
)
from schoolwell.roster.services import guardian_link_set

pytestmark = pytest.mark.django_db


def test_shipped_default_forms_are_valid_and_bilingual():
    forms = default_forms()
    assert set(forms) == set(Purpose.values)
    assert forms[Purpose.UNIVERSAL_SCREENING]["default_policy"] == Policy.ACTIVE
    assert forms[Purpose.COUNSELLING]["body"]["es"][0].startswith("Los consejeros")


def test_default_forms_validation_names_the_problem():
    data = json.loads(FORMS_FILE.read_text())
    del data["items"][1]["body"]["es"]
    with pytest.raises(DefaultFormsError, match=r"item 1 \(counselling\): body.es"):
        validate_default_forms(data)
    data["items"][0]["default_policy"] = "sometimes"
    with pytest.raises(DefaultFormsError, match="default_policy"):
        validate_default_forms(data)


def test_default_forms_per_school_are_drafts_then_published(school_a, school_admin):
    drafts = consent_default_forms_create(school=school_a, by=school_admin)
    assert {f.purpose for f in drafts} == set(Purpose.values)
    assert all(not f.is_published and f.version == 1 for f in drafts)
    screening = next(f for f in drafts if f.purpose == Purpose.UNIVERSAL_SCREENING)
    assert screening.title["es"] == "Permiso para la evaluación de bienestar"
    assert consent_default_forms_create(school=school_a, by=school_admin) == []  # idempotent


def test_only_the_schools_administrators_manage_forms(school_a, counsellor, school_b):
    from schoolwell.accounts.models import User
    from schoolwell.accounts.roles import Role
    from schoolwell.roster.services import school_staff_add

    other_admin = User.objects.create_user(username="admin_b")
    school_staff_add(school=school_b, user=other_admin, role=Role.SCHOOL_ADMIN)
    for someone in (counsellor, other_admin):
        with pytest.raises(PermissionDenied):
            consent_form_draft_create(school=school_a, purpose="counselling", by=someone)
    assert not ConsentForm.objects.exists()


def test_new_version_copies_and_never_changes_the_published_one(
    school_a, school_admin, student_a, parent
):
    v1 = consent_form_draft_create(school=school_a, purpose="counselling", by=school_admin)
    consent_form_publish(form=v1, by=school_admin, notify=False)
    v2 = consent_form_draft_create(school=school_a, purpose="counselling", by=school_admin)
    assert v2.version == 2 and v2.body == v1.body
    consent_form_draft_update(form=v2, by=school_admin, notice_days=21, summary={"en": "New"})
    v1.refresh_from_db()
    assert v1.notice_days == 14 and v1.summary["en"] != "New"
    with pytest.raises(ValidationError):
        consent_form_draft_update(form=v1, by=school_admin, notice_days=3)
    with pytest.raises(ValidationError):
        consent_form_publish(form=v1, by=school_admin)
    v3 = consent_form_draft_create(school=school_a, purpose="counselling", by=school_admin)
    consent_form_publish(form=v3, by=school_admin, notify=False)
    with pytest.raises(ValidationError, match="newer version"):
        consent_form_publish(form=v2, by=school_admin, notify=False)


def test_publishing_emails_each_guardian_in_their_language(
    school_a, school_admin, student_a, student_a2, parent, django_capture_on_commit_callbacks
):
    from schoolwell.accounts.models import User

    english_parent = User.objects.create_user(
        username="en_parent", email="en@example.org", preferred_language="en"
    )
    guardian_link_set(guardian=english_parent, student=student_a2)
    no_rights = User.objects.create_user(username="step", email="step@example.org")
    guardian_link_set(guardian=no_rights, student=student_a2, may_consent=False)
    form = consent_form_draft_create(
        school=school_a, purpose=Purpose.UNIVERSAL_SCREENING, by=school_admin
    )
    with django_capture_on_commit_callbacks(execute=True):
        consent_form_publish(form=form, by=school_admin, portal_url="https://sw.example/consent/")
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"parent@example.org", "en@example.org"}  # never `step`
    spanish, english = by_address["parent@example.org"], by_address["en@example.org"]
    assert "Permiso para la evaluación de bienestar" in spanish.subject
    assert "Necesitamos su decisión" in spanish.subject
    assert "Hola" in spanish.body and "https://sw.example/consent/" in spanish.body
    assert "GivenA1 FamilyA1" in spanish.body
    assert "Permission for wellbeing screening" in english.subject
    assert "Nothing will happen until you give your permission" in english.body
    assert ConsentNotice.objects.filter(form=form).count() == 2


def test_passive_notice_starts_the_notice_period(
    school_a, school_admin, student_a, parent, django_capture_on_commit_callbacks
):
    form = consent_form_draft_create(school=school_a, purpose=Purpose.COUNSELLING, by=school_admin)
    assert form.policy == Policy.PASSIVE
    consent_form_publish(form=form, by=school_admin, notify=False)
    assert effective_consent(student_a, Purpose.COUNSELLING).state == ConsentState.NO_ANSWER
    with django_capture_on_commit_callbacks(execute=True):
        consent_notices_send(form=form, by=school_admin)
    consent = effective_consent(student_a, Purpose.COUNSELLING)
    assert consent.state == ConsentState.PASSIVE_NOTICE_PERIOD
    assert "opt out" in mail.outbox[0].body or "avísenos" in mail.outbox[0].body
    # Sending again reaches nobody new.
    with django_capture_on_commit_callbacks(execute=True):
        assert consent_notices_send(form=form, by=school_admin) == 0


def test_external_sharing_is_not_broadcast_on_publish(
    school_a, school_admin, student_a, parent, django_capture_on_commit_callbacks
):
    form = consent_form_draft_create(
        school=school_a, purpose=Purpose.EXTERNAL_SHARING, by=school_admin
    )
    with django_capture_on_commit_callbacks(execute=True):
        consent_form_publish(form=form, by=school_admin)
    assert mail.outbox == []


class TestManagementPages:
    @pytest.fixture(autouse=True)
    def english(self, client):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def test_create_edit_publish(self, client_for, school_admin, school_a):
        client = client_for(school_admin)
        assert client.get(reverse("consent:form_list")).status_code == 200
        client.post(reverse("consent:form_new"), {"school": school_a.pk, "purpose": "counselling"})
        form = ConsentForm.objects.get()
        edit = reverse("consent:form_edit", args=[form.pk])
        page = client.get(edit).content.decode()
        assert "School counselling services" in page
        data = {
            "policy": "active",
            "notice_days": 7,
            "school_year": school_year_now(school_a),
            "title_en": "Counselling",
            "summary_en": "Short",
            "body_en": "First paragraph.\n\n## A heading\n\nSecond.",
            "grant_label_en": "Yes",
            "deny_label_en": "No",
            "revoke_label_en": "Stop",
            "title_es": "Consejería",
        }
        assert client.post(edit, data).status_code == 302
        form.refresh_from_db()
        assert form.body == {"en": ["First paragraph.", "## A heading", "Second."]}
        assert form.title == {"en": "Counselling", "es": "Consejería"}
        publish = reverse("consent:form_publish", args=[form.pk])
        assert client.post(publish, {"voids": "0"}).status_code == 400  # no tick, no publish
        client.post(publish, {"voids": "0", "confirm": "on"})
        form.refresh_from_db()
        assert form.is_published
        assert client.post(edit, data | {"title_en": "Changed"}).status_code == 400
        form.refresh_from_db()
        assert form.title["en"] == "Counselling"

    @pytest.mark.parametrize(
        ("field", "length"), [("title_en", 201), ("title_es", 1024 * 1024), ("grant_label_en", 81)]
    )
    def test_oversized_texts_are_form_errors(
        self, client_for, school_admin, school_a, field, length
    ):
        # A 1 MB title was accepted on main: the texts are JSON, no column limits them.
        client = client_for(school_admin)
        client.post(reverse("consent:form_new"), {"school": school_a.pk, "purpose": "counselling"})
        form = ConsentForm.objects.get()
        before = form.title
        data = {
            "policy": "active",
            "notice_days": 7,
            "school_year": school_year_now(school_a),
            "title_en": "Counselling",
            "summary_en": "Short",
            "body_en": "Text.",
            "grant_label_en": "Yes",
            "deny_label_en": "No",
            "revoke_label_en": "Stop",
            field: "x" * length,
        }
        response = client.post(reverse("consent:form_edit", args=[form.pk]), data)
        assert response.status_code == 400
        assert "Ensure this value has at most" in response.content.decode()
        form.refresh_from_db()
        assert form.title == before

    def test_other_schools_form_is_404(self, client_for, school_admin, school_b):
        from .conftest import make_form

        other = make_form(school_b, published_at=None)
        client = client_for(school_admin)
        assert client.get(reverse("consent:form_edit", args=[other.pk])).status_code == 404
        assert client.post(reverse("consent:form_publish", args=[other.pk])).status_code == 404
        other.refresh_from_db()
        assert not other.is_published

    def test_bad_input_is_a_4xx(self, client_for, school_admin, school_a):
        client = client_for(school_admin)
        response = client.post(reverse("consent:form_new"), {"school": school_a.pk, "purpose": ""})
        assert response.status_code == 400
        response = client.post(
            reverse("consent:settings"), {"school": school_a.pk, "minor_self_consent_age": "x"}
        )
        assert response.status_code == 400
        assert client.post(reverse("consent:form_new"), {"school": "abc"}).status_code == 404


def test_sharing_request_for_one_student_reaches_only_that_family(
    school_a,
    school_admin,
    counsellor,
    teacher,
    student_a,
    student_a2,
    parent,
    django_capture_on_commit_callbacks,
):
    from schoolwell.accounts.models import User
    from schoolwell.consent.selectors import guardian_consents

    guardian_link_set(
        guardian=User.objects.create_user(username="a2parent", email="a2@example.org"),
        student=student_a2,
    )
    form = consent_form_draft_create(
        school=school_a, purpose=Purpose.EXTERNAL_SHARING, by=school_admin
    )
    form = consent_form_publish(form=form, by=school_admin)
    assert not any(r.form == form for r in guardian_consents(parent)[0].requests)
    with pytest.raises(PermissionDenied):
        consent_notices_send(form=form, by=teacher, students=[student_a])
    with django_capture_on_commit_callbacks(execute=True):
        consent_notices_send(form=form, by=counsellor, students=[student_a])
    assert [m.to for m in mail.outbox] == [["parent@example.org"]]
    waiting = guardian_consents(parent)[0].waiting
    assert [r.form for r in waiting] == [form]


@pytest.mark.postgres
def test_database_refuses_deleting_decisions(student_a, parent):
    from django.db import DatabaseError, connection, transaction

    from schoolwell.consent.models import ConsentDecision

    from .conftest import decide, make_form

    decision = decide(student_a, parent, make_form(student_a.school))
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM consent_consentdecision WHERE id = %s", [decision.pk])
    assert ConsentDecision.objects.filter(pk=decision.pk).exists()
