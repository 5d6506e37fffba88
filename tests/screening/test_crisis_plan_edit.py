"""A school administrator sets the school's short crisis steps, in English and Spanish;
nobody else can, and what staff read first stays short enough for one phone screen."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from schoolwell.accounts.roles import Role
from schoolwell.roster.services import school_staff_add
from schoolwell.screening.models import CrisisPlan
from schoolwell.screening.services import ScreeningInputError, crisis_plan_set, crisis_plans_sync
from schoolwell.screening.services.catalogue import default_crisis_content
from tests.conftest import make_user

STEPS_EN = ["Stay with the student.", "Call the counsellor.", "Keep calm."]
STEPS_ES = ["Quédese con el estudiante.", "Llame al consejero.", "Mantenga la calma."]


def url(school):
    return reverse("screening:crisis_plan_edit", args=[school.pk])


def valid(**changes):
    data = {
        "steps_en": "\n".join(STEPS_EN),
        "steps_es": "\n".join(STEPS_ES),
        "next_en": "The counsellor comes to you.",
        "next_es": "El consejero acude a usted.",
        "fallback_name_en": "Front office",
        "fallback_name_es": "Dirección",
        "fallback_phone": "+1 (555) 010-0100",
    }
    return data | changes


@pytest.fixture
def other_school_admin(school_b):
    user = make_user("admin_b")
    school_staff_add(school=school_b, user=user, role=Role.SCHOOL_ADMIN)
    return user


@pytest.mark.parametrize(
    "persona", ["teacher", "counsellor", "parent", "other_school_admin", "outsider"]
)
def test_only_the_schools_administrators_edit_its_steps(
    request, client_for, school_a, persona, teacher
):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(url(school_a)).status_code == 404
    assert client.post(url(school_a), valid()).status_code == 404
    assert not CrisisPlan.objects.filter(school=school_a).exists()


@pytest.mark.parametrize("persona", ["school_admin", "district_admin"])
def test_administrator_saves_steps_and_staff_see_them_first(
    request, client_for, school_a, teacher, persona
):
    admin = request.getfixturevalue(persona)
    client = client_for(admin)
    form = client.get(url(school_a)).content.decode()
    assert "Stay with the student. Do not leave them alone" in form  # the defaults to adapt
    response = client.post(url(school_a), valid())
    assert response.status_code == 302
    plan = CrisisPlan.objects.get(school=school_a)
    assert plan.quick_steps == {"en": STEPS_EN, "es": STEPS_ES}
    assert (plan.fallback_phone, plan.updated_by) == ("+1 (555) 010-0100", admin)
    assert plan.staff_steps == default_crisis_content()["staff_steps"]  # guidance kept
    page = client_for(teacher).get(reverse("screening:crisis_plan", args=[school_a.pk]))
    html = page.content.decode()
    assert html.index("Keep calm.") < html.index("Full guidance") < html.index("Listen more")
    assert 'href="tel:+15550100100"' in html and "Call Front office" in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"steps_en": "\n".join(f"Step {i}" for i in range(6))},
            "steps_en",
            "At most 5 steps",
        ),
        ({"steps_es": "Uno\n" + "x" * 121}, "steps_es", "Step 2 is longer than 120"),
        ({"steps_es": "  \n "}, "steps_es", "This field is required"),
        ({"next_en": "x" * 301}, "next_en", "at most 300 characters"),
        ({"fallback_name_es": "x" * 81}, "fallback_name_es", "at most 80 characters"),
        ({"fallback_phone": "call the office"}, "fallback_phone", "3 to 15 digits"),
        ({"fallback_phone": "12"}, "fallback_phone", "3 to 15 digits"),
        ({"fallback_phone": ""}, "fallback_phone", "This field is required"),
        ({"steps_en": "x" * 5000}, "steps_en", "at most 610 characters"),
    ],
)
def test_bad_steps_are_refused_and_nothing_changes(
    client_for, school_admin, school_a, changes, field, message
):
    crisis_plans_sync()
    before = CrisisPlan.objects.get(school=school_a)
    response = client_for(school_admin).post(url(school_a), valid(**changes))
    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    assert any(message in error for error in errors), errors
    after = CrisisPlan.objects.get(school=school_a)
    assert (after.quick_steps, after.fallback_phone) == (before.quick_steps, before.fallback_phone)


def test_blank_lines_are_not_steps(client_for, school_admin, school_a):
    data = valid(steps_en="\n".join(["", *STEPS_EN, "", "   ", ""]))
    assert client_for(school_admin).post(url(school_a), data).status_code == 302
    assert CrisisPlan.objects.get(school=school_a).quick_steps["en"] == STEPS_EN


def test_the_service_refuses_what_the_form_would(school_a, school_admin):
    """Rule 9 below the form: callers other than the page get the same checks."""
    with pytest.raises(ScreeningInputError) as caught:
        crisis_plan_set(
            school=school_a,
            by=school_admin,
            quick_steps={"en": [f"s{i}" for i in range(6)], "es": ["uno"]},
            next_steps={},
            fallback_name={},
            fallback_phone="988",
        )
    assert set(caught.value.errors) == {"steps_en"}
    assert not CrisisPlan.objects.exists()


@pytest.mark.parametrize("persona", ["teacher", "counsellor", "other_counsellor", "parent"])
def test_the_service_asks_the_gate(request, school_a, persona):
    """crisis.edit: only the school's administrators, whoever calls the service."""
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        crisis_plan_set(
            school=school_a,
            by=request.getfixturevalue(persona),
            quick_steps={"en": STEPS_EN, "es": STEPS_ES},
            next_steps={"en": "Then write it down.", "es": "Luego escríbalo."},
            fallback_name={"en": "Front office", "es": "Oficina"},
            fallback_phone="988",
        )
    assert not CrisisPlan.objects.exists()


def test_shipped_default_fits_one_phone_screen():
    content = default_crisis_content()
    for language in ("en", "es"):
        assert 1 <= len(content["quick_steps"][language]) <= 5
        assert all(len(step) <= 120 for step in content["quick_steps"][language])
        assert content["next_steps"][language]
    assert content["fallback_phone"] == "988"
    assert len(content["staff_steps"]) == 9  # the long guidance is kept


def test_migration_gives_existing_plans_short_steps_and_keeps_their_guidance(school_a):
    migration = importlib.import_module("schoolwell.screening.migrations.0002_crisis_quick_steps")
    old = CrisisPlan.objects.create(
        school=school_a, staff_steps=[{"en": "A school's own long step", "es": "Paso"}]
    )
    migration.add_short_steps(apps, None)
    old.refresh_from_db()
    assert old.quick_steps == default_crisis_content()["quick_steps"]
    assert old.fallback_phone == "988"
    assert old.staff_steps == [{"en": "A school's own long step", "es": "Paso"}]


def test_crisis_page_links_administrators_to_the_editor(
    client_for, school_admin, teacher, school_a
):
    edit = url(school_a)
    page = reverse("screening:crisis_plan", args=[school_a.pk])
    assert edit in client_for(school_admin).get(page).content.decode()
    assert edit not in client_for(teacher).get(page).content.decode()
